package wasm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Limits that keep Dump's output and work proportional to its input, so
// that arbitrary bytes cannot make it print gigabytes. Generated code stays
// far below them.
const (
	dumpMaxDepth     = 256       // block nesting
	dumpMaxLocals    = 1 << 16   // locals of all functions together
	dumpMaxDataShown = 64        // data segment bytes shown
	dumpIndent       = "  "      // one nesting level
	dumpMaxFuncs     = 1<<20 - 1 // functions, to bound the name table
)

// errDump is wrapped by every error Dump returns.
var errDump = errors.New("wasm: dump")

// Dump decodes a binary module and returns a stable, WAT-like listing of
// it: types, imports, tables, memories, globals, exports, functions (one
// instruction per line, indented by nesting, with the names of the "name"
// section), data segments and the names and sizes of custom sections, in
// the order of the module's sections (a custom section's size is that of
// its payload, after its name). It reads the subset of the format
// this package emits, plus imports of every kind; unknown sections and
// opcodes and malformed input are errors, never panics.
func Dump(module []byte) (string, error) {
	d := dumper{r: reader{b: module}}
	if err := d.run(); err != nil {
		return "", fmt.Errorf("%w: at byte %d: %w", errDump, d.r.off, err)
	}
	return d.out.String(), nil
}

// reader decodes primitive values from b, failing on truncation.
type reader struct {
	b   []byte
	off int
}

var errEOF = errors.New("unexpected end of input")

func (r *reader) eof() bool { return r.off >= len(r.b) }

func (r *reader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, errEOF
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *reader) u32() (uint32, error) {
	v, n, err := readULEB(r.b[r.off:], 32)
	r.off += n
	return uint32(v), err
}

func (r *reader) s32() (int32, error) {
	v, n, err := readSLEB(r.b[r.off:], 32)
	r.off += n
	return int32(v), err
}

func (r *reader) s64() (int64, error) {
	v, n, err := readSLEB(r.b[r.off:], 64)
	r.off += n
	return v, err
}

func (r *reader) bytes(n uint32) ([]byte, error) {
	if uint64(n) > uint64(len(r.b)-r.off) {
		return nil, errEOF
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return s, nil
}

// count reads a vector length; every element takes at least one byte, so a
// count above the remaining input is malformed (and must not drive an
// allocation or a long loop).
func (r *reader) count() (uint32, error) {
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	if uint64(n) > uint64(len(r.b)-r.off) {
		return 0, fmt.Errorf("vector length %d exceeds the remaining %d bytes", n, len(r.b)-r.off)
	}
	return n, nil
}

func (r *reader) name() (string, error) {
	n, err := r.u32()
	if err != nil {
		return "", err
	}
	b, err := r.bytes(n)
	return string(b), err
}

func (r *reader) valType() (ValType, error) {
	c, err := r.byte()
	if err != nil {
		return 0, err
	}
	if t := ValType(c); t.valid() {
		return t, nil
	}
	return 0, fmt.Errorf("unsupported value type 0x%02x", c)
}

// dumper holds the decoded declarations needed to print functions.
type dumper struct {
	r         reader
	out       strings.Builder
	types     []funcType
	funcTypes []uint32 // type index of every function, imports first
	nImported int
	names     map[uint32]string
	nameCount map[string]int
	codeFuncs int // functions declared by the function section
	locals    int // locals printed so far, against dumpMaxLocals
}

// section order ranks; custom sections (id 0) may appear anywhere.
var sectionRank = [...]int{
	secType: 1, secImport: 2, secFunction: 3, secTable: 4, secMemory: 5,
	secGlobal: 6, secExport: 7, secStart: 8, secElement: 9, secDataCnt: 10,
	secCode: 11, secData: 12,
}

func (d *dumper) run() error {
	hdr, err := d.r.bytes(8)
	if err != nil || !bytes.Equal(hdr, magicVersion) {
		return errors.New("not a WebAssembly 1.0 binary module (bad magic or version)")
	}
	// The name section comes last, but names are printed in the function
	// bodies before it: read it first.
	if err := d.readNames(); err != nil {
		return err
	}
	d.out.WriteString("(module\n")
	lastRank := 0
	for !d.r.eof() {
		id, err := d.r.byte()
		if err != nil {
			return err
		}
		size, err := d.r.u32()
		if err != nil {
			return err
		}
		start := d.r.off
		body, err := d.r.bytes(size)
		if err != nil {
			return fmt.Errorf("section %d: size %d exceeds the input", id, size)
		}
		if id != secCustom {
			if int(id) >= len(sectionRank) || sectionRank[id] == 0 {
				return fmt.Errorf("unknown section id %d", id)
			}
			if sectionRank[id] <= lastRank {
				return fmt.Errorf("section %d out of order or repeated", id)
			}
			lastRank = sectionRank[id]
		}
		// Decode the section from its own reader so that offsets in errors
		// stay absolute and nothing can read past the section.
		sr := reader{b: d.r.b[:start+len(body)], off: start}
		saved := d.r
		d.r = sr
		if err := d.section(id); err != nil {
			return fmt.Errorf("section %d: %w", id, err)
		}
		if !d.r.eof() {
			return fmt.Errorf("section %d: %d trailing bytes", id, len(d.r.b)-d.r.off)
		}
		d.r = saved
	}
	if len(d.funcTypes)-d.nImported != d.codeFuncs {
		return fmt.Errorf("function section declares %d functions, code section has %d", len(d.funcTypes)-d.nImported, d.codeFuncs)
	}
	d.out.WriteString(")\n")
	return nil
}

func (d *dumper) section(id byte) error {
	switch id {
	case secCustom:
		name, err := d.r.name()
		if err != nil {
			return err
		}
		fmt.Fprintf(&d.out, "  ;; custom section %q (%d bytes)\n", name, len(d.r.b)-d.r.off)
		d.r.off = len(d.r.b)
		return nil
	case secType:
		return d.typeSection()
	case secImport:
		return d.importSection()
	case secFunction:
		n, err := d.r.count()
		if err != nil {
			return err
		}
		for i := uint32(0); i < n; i++ {
			t, err := d.r.u32()
			if err != nil {
				return err
			}
			if int(t) >= len(d.types) {
				return fmt.Errorf("function %d: type index %d out of range", len(d.funcTypes), t)
			}
			if len(d.funcTypes) >= dumpMaxFuncs {
				return errors.New("too many functions")
			}
			d.funcTypes = append(d.funcTypes, t)
		}
		return nil
	case secTable:
		n, err := d.r.count()
		if err != nil {
			return err
		}
		for i := uint32(0); i < n; i++ {
			s, err := d.tableType()
			if err != nil {
				return err
			}
			fmt.Fprintf(&d.out, "  (table (;%d;) %s)\n", i, s)
		}
		return nil
	case secMemory:
		n, err := d.r.count()
		if err != nil {
			return err
		}
		for i := uint32(0); i < n; i++ {
			s, err := d.limits()
			if err != nil {
				return err
			}
			fmt.Fprintf(&d.out, "  (memory (;%d;) %s)\n", i, s)
		}
		return nil
	case secGlobal:
		n, err := d.r.count()
		if err != nil {
			return err
		}
		for i := uint32(0); i < n; i++ {
			gt, err := d.globalType()
			if err != nil {
				return err
			}
			init, err := d.constExpr()
			if err != nil {
				return err
			}
			fmt.Fprintf(&d.out, "  (global (;%d;) %s %s)\n", i, gt, init)
		}
		return nil
	case secExport:
		return d.exportSection()
	case secStart:
		f, err := d.r.u32()
		if err != nil {
			return err
		}
		fmt.Fprintf(&d.out, "  (start %s)\n", d.funcRef(f))
		return nil
	case secElement:
		fmt.Fprintf(&d.out, "  ;; element section (%d bytes) not decoded\n", len(d.r.b)-d.r.off)
		d.r.off = len(d.r.b)
		return nil
	case secDataCnt:
		n, err := d.r.u32()
		if err != nil {
			return err
		}
		fmt.Fprintf(&d.out, "  ;; data count %d\n", n)
		return nil
	case secCode:
		return d.codeSection()
	case secData:
		return d.dataSection()
	}
	return fmt.Errorf("unknown section id %d", id)
}

func (d *dumper) typeSection() error {
	n, err := d.r.count()
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		form, err := d.r.byte()
		if err != nil {
			return err
		}
		if form != 0x60 {
			return fmt.Errorf("type %d: unsupported form 0x%02x", i, form)
		}
		var ft funcType
		for _, dst := range []*[]ValType{&ft.params, &ft.results} {
			k, err := d.r.count()
			if err != nil {
				return err
			}
			for j := uint32(0); j < k; j++ {
				t, err := d.r.valType()
				if err != nil {
					return err
				}
				*dst = append(*dst, t)
			}
		}
		d.types = append(d.types, ft)
		fmt.Fprintf(&d.out, "  (type (;%d;) (func%s))\n", i, sigText(ft))
	}
	return nil
}

// sigText prints " (param ...) (result ...)", omitting empty lists.
func sigText(ft funcType) string {
	var sb strings.Builder
	writeTypeList(&sb, "param", ft.params)
	writeTypeList(&sb, "result", ft.results)
	return sb.String()
}

func writeTypeList(sb *strings.Builder, kw string, ts []ValType) {
	if len(ts) == 0 {
		return
	}
	sb.WriteString(" (")
	sb.WriteString(kw)
	for _, t := range ts {
		sb.WriteByte(' ')
		sb.WriteString(t.String())
	}
	sb.WriteByte(')')
}

func (d *dumper) importSection() error {
	n, err := d.r.count()
	if err != nil {
		return err
	}
	var nTable, nMem, nGlobal int
	for i := uint32(0); i < n; i++ {
		mod, err := d.r.name()
		if err != nil {
			return err
		}
		name, err := d.r.name()
		if err != nil {
			return err
		}
		kind, err := d.r.byte()
		if err != nil {
			return err
		}
		var desc string
		switch ExternKind(kind) {
		case ExternFunc:
			t, err := d.r.u32()
			if err != nil {
				return err
			}
			if int(t) >= len(d.types) {
				return fmt.Errorf("import %q %q: type index %d out of range", mod, name, t)
			}
			if len(d.funcTypes) >= dumpMaxFuncs {
				return errors.New("too many functions")
			}
			idx := uint32(len(d.funcTypes))
			d.funcTypes = append(d.funcTypes, t)
			d.nImported++
			desc = fmt.Sprintf("(func %s(;%d;) (type %d)%s)", d.funcLabel(idx), idx, t, sigText(d.types[t]))
		case ExternTable:
			s, err := d.tableType()
			if err != nil {
				return err
			}
			desc = fmt.Sprintf("(table (;%d;) %s)", nTable, s)
			nTable++
		case ExternMemory:
			s, err := d.limits()
			if err != nil {
				return err
			}
			desc = fmt.Sprintf("(memory (;%d;) %s)", nMem, s)
			nMem++
		case ExternGlobal:
			s, err := d.globalType()
			if err != nil {
				return err
			}
			desc = fmt.Sprintf("(global (;%d;) %s)", nGlobal, s)
			nGlobal++
		default:
			return fmt.Errorf("import %q %q: unknown kind 0x%02x", mod, name, kind)
		}
		fmt.Fprintf(&d.out, "  (import %q %q %s)\n", mod, name, desc)
	}
	return nil
}

func (d *dumper) limits() (string, error) {
	flag, err := d.r.byte()
	if err != nil {
		return "", err
	}
	lo, err := d.r.u32()
	if err != nil {
		return "", err
	}
	switch flag {
	case 0x00:
		return strconv.FormatUint(uint64(lo), 10), nil
	case 0x01:
		hi, err := d.r.u32()
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d %d", lo, hi), nil
	}
	return "", fmt.Errorf("unsupported limits flag 0x%02x", flag)
}

func (d *dumper) tableType() (string, error) {
	rt, err := d.r.byte()
	if err != nil {
		return "", err
	}
	var ref string
	switch rt {
	case 0x70:
		ref = "funcref"
	case 0x6F:
		ref = "externref"
	default:
		return "", fmt.Errorf("unsupported reference type 0x%02x", rt)
	}
	lim, err := d.limits()
	if err != nil {
		return "", err
	}
	return lim + " " + ref, nil
}

func (d *dumper) globalType() (string, error) {
	t, err := d.r.valType()
	if err != nil {
		return "", err
	}
	mut, err := d.r.byte()
	if err != nil {
		return "", err
	}
	switch mut {
	case 0:
		return t.String(), nil
	case 1:
		return "(mut " + t.String() + ")", nil
	}
	return "", fmt.Errorf("invalid mutability 0x%02x", mut)
}

// constExpr decodes a constant expression (instructions up to end) and
// prints it in folded form, "(i32.const 8)".
func (d *dumper) constExpr() (string, error) {
	var sb strings.Builder
	for n := 0; ; n++ {
		op, err := d.r.byte()
		if err != nil {
			return "", err
		}
		if op == opEnd {
			if n == 0 {
				return "", errors.New("empty constant expression")
			}
			return sb.String(), nil
		}
		switch op {
		case opI32Const, opI64Const, opF32Const, opF64Const, opGlobalGet:
		default:
			return "", fmt.Errorf("opcode 0x%02x not allowed in a constant expression", op)
		}
		if n > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteByte('(')
		if err := d.instr(&sb, op); err != nil {
			return "", err
		}
		sb.WriteByte(')')
	}
}

func (d *dumper) exportSection() error {
	n, err := d.r.count()
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		name, err := d.r.name()
		if err != nil {
			return err
		}
		kind, err := d.r.byte()
		if err != nil {
			return err
		}
		idx, err := d.r.u32()
		if err != nil {
			return err
		}
		var ref string
		switch ExternKind(kind) {
		case ExternFunc:
			ref = d.funcRef(idx)
		case ExternTable, ExternMemory, ExternGlobal:
			ref = strconv.FormatUint(uint64(idx), 10)
		default:
			return fmt.Errorf("export %q: unknown kind 0x%02x", name, kind)
		}
		fmt.Fprintf(&d.out, "  (export %q (%s %s))\n", name, ExternKind(kind), ref)
	}
	return nil
}

func (d *dumper) dataSection() error {
	n, err := d.r.count()
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		flag, err := d.r.u32()
		if err != nil {
			return err
		}
		var where string
		switch flag {
		case 0:
			where, err = d.constExpr()
		case 1:
			where = "passive"
		case 2:
			var mem uint32
			if mem, err = d.r.u32(); err == nil {
				where, err = d.constExpr()
				where = fmt.Sprintf("(memory %d) %s", mem, where)
			}
		default:
			return fmt.Errorf("data segment %d: unknown flags %d", i, flag)
		}
		if err != nil {
			return fmt.Errorf("data segment %d: %w", i, err)
		}
		size, err := d.r.u32()
		if err != nil {
			return err
		}
		data, err := d.r.bytes(size)
		if err != nil {
			return fmt.Errorf("data segment %d: %w", i, err)
		}
		more := ""
		if len(data) > dumpMaxDataShown {
			data, more = data[:dumpMaxDataShown], "..."
		}
		fmt.Fprintf(&d.out, "  (data (;%d;) %s (;%d bytes;) \"%s\"%s)\n", i, where, size, escapeBytes(data), more)
	}
	return nil
}

// escapeBytes writes data as the contents of a WAT string: printable ASCII
// as is, everything else as \hh.
func escapeBytes(data []byte) string {
	var sb strings.Builder
	for _, c := range data {
		if c >= 0x20 && c < 0x7F && c != '"' && c != '\\' {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "\\%02x", c)
		}
	}
	return sb.String()
}

// readNames finds the "name" custom section anywhere in the module and
// loads its function names. Sections are skipped by size, so this pass only
// trusts the framing, which run checks again.
func (d *dumper) readNames() error {
	r := reader{b: d.r.b, off: d.r.off}
	for !r.eof() {
		id, err := r.byte()
		if err != nil {
			return nil
		}
		size, err := r.u32()
		if err != nil {
			return nil
		}
		body, err := r.bytes(size)
		if err != nil || id != secCustom {
			continue
		}
		sr := reader{b: body}
		if name, err := sr.name(); err != nil || name != "name" {
			continue
		}
		if err := d.parseNames(&sr); err != nil {
			return fmt.Errorf("name section: %w", err)
		}
	}
	return nil
}

func (d *dumper) parseNames(r *reader) error {
	d.names = make(map[uint32]string)
	d.nameCount = make(map[string]int)
	for !r.eof() {
		sub, err := r.byte()
		if err != nil {
			return err
		}
		size, err := r.u32()
		if err != nil {
			return err
		}
		body, err := r.bytes(size)
		if err != nil {
			return err
		}
		if sub != 1 { // only function names are used
			continue
		}
		sr := reader{b: body}
		n, err := sr.count()
		if err != nil {
			return err
		}
		for i := uint32(0); i < n; i++ {
			idx, err := sr.u32()
			if err != nil {
				return err
			}
			name, err := sr.name()
			if err != nil {
				return err
			}
			if old, ok := d.names[idx]; ok {
				d.nameCount[old]--
			}
			d.names[idx] = name
			d.nameCount[name]++
		}
	}
	return nil
}

// funcLabel returns "$name " for a named function, or "".
func (d *dumper) funcLabel(idx uint32) string {
	if name, ok := d.names[idx]; ok {
		return watID(name) + " "
	}
	return ""
}

// funcRef returns how an instruction or export refers to function idx:
// its $name when that names it alone, else its index.
func (d *dumper) funcRef(idx uint32) string {
	if name, ok := d.names[idx]; ok && d.nameCount[name] == 1 {
		return watID(name)
	}
	return strconv.FormatUint(uint64(idx), 10)
}

// watID renders a name as a WAT identifier: $name when every character is
// allowed in one, else $"escaped".
func watID(name string) string {
	plain := name != ""
	for i := 0; i < len(name) && plain; i++ {
		c := name[i]
		plain = c > ' ' && c < 0x7F && !strings.ContainsRune(`"(),;[]{}`, rune(c))
	}
	if plain {
		return "$" + name
	}
	return `$"` + escapeBytes([]byte(name)) + `"`
}

func (d *dumper) codeSection() error {
	n, err := d.r.count()
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		idx := uint32(d.nImported) + i
		if int(idx) >= len(d.funcTypes) {
			return fmt.Errorf("code entry %d has no function section entry", i)
		}
		size, err := d.r.u32()
		if err != nil {
			return err
		}
		start := d.r.off
		if _, err := d.r.bytes(size); err != nil {
			return fmt.Errorf("function %d: body size %d exceeds the section", idx, size)
		}
		saved := d.r
		d.r = reader{b: d.r.b[:start+int(size)], off: start}
		if err := d.function(idx); err != nil {
			return fmt.Errorf("function %d: %w", idx, err)
		}
		d.r = saved
		d.codeFuncs++
	}
	return nil
}

func (d *dumper) function(idx uint32) error {
	ft := d.types[d.funcTypes[idx]]
	fmt.Fprintf(&d.out, "  (func %s(;%d;)%s", d.funcLabel(idx), idx, sigText(ft))
	groups, err := d.r.count()
	if err != nil {
		return err
	}
	for g := uint32(0); g < groups; g++ {
		k, err := d.r.u32()
		if err != nil {
			return err
		}
		t, err := d.r.valType()
		if err != nil {
			return err
		}
		if d.locals += int(k); d.locals > dumpMaxLocals {
			return fmt.Errorf("more than %d locals in the module", dumpMaxLocals)
		}
		if g == 0 {
			d.out.WriteString(" (local")
		}
		for j := uint32(0); j < k; j++ {
			d.out.WriteByte(' ')
			d.out.WriteString(t.String())
		}
		if g == groups-1 {
			d.out.WriteByte(')')
		}
	}
	d.out.WriteByte('\n')

	depth := 0
	for {
		op, err := d.r.byte()
		if err != nil {
			return errors.New("body ends without end")
		}
		ind := depth
		switch op {
		case opEnd:
			if depth == 0 {
				if !d.r.eof() {
					return fmt.Errorf("%d bytes after the final end", len(d.r.b)-d.r.off)
				}
				d.out.WriteString("  )\n")
				return nil
			}
			depth--
			ind = depth
		case opElse:
			if depth == 0 {
				return errors.New("else outside a block")
			}
			ind = depth - 1
		case opBlock, opLoop, opIf:
			if depth++; depth > dumpMaxDepth {
				return fmt.Errorf("blocks nested deeper than %d", dumpMaxDepth)
			}
		}
		d.out.WriteString("    ")
		for j := 0; j < ind; j++ {
			d.out.WriteString(dumpIndent)
		}
		if err := d.instr(&d.out, op); err != nil {
			return err
		}
		d.out.WriteByte('\n')
	}
}

// instr decodes the immediates of opcode op (already read) and writes the
// instruction's text to sb.
func (d *dumper) instr(sb *strings.Builder, op byte) error {
	info := opTable[op]
	if op == opPrefixFC {
		sub, err := d.r.u32()
		if err != nil {
			return err
		}
		if int(sub) >= len(fcTable) || fcTable[sub].name == "" {
			return fmt.Errorf("unknown opcode 0xfc %d", sub)
		}
		info = fcTable[sub]
	} else if info.name == "" {
		return fmt.Errorf("unknown opcode 0x%02x", op)
	}
	sb.WriteString(info.name)
	switch info.imm {
	case immNone:
	case immBlock:
		c, err := d.r.byte()
		if err != nil {
			return err
		}
		if bt := BlockType(c); !bt.valid() {
			return fmt.Errorf("%s: unsupported block type 0x%02x", info.name, c)
		} else if bt != BlockEmpty {
			sb.WriteString(" (result ")
			sb.WriteString(ValType(bt).String())
			sb.WriteByte(')')
		}
	case immLabel, immLocal, immGlobal:
		v, err := d.r.u32()
		if err != nil {
			return err
		}
		sb.WriteByte(' ')
		sb.WriteString(strconv.FormatUint(uint64(v), 10))
	case immFunc:
		v, err := d.r.u32()
		if err != nil {
			return err
		}
		sb.WriteByte(' ')
		sb.WriteString(d.funcRef(v))
	case immBrTable:
		n, err := d.r.count()
		if err != nil {
			return err
		}
		for i := uint32(0); i <= n; i++ { // n targets, then the default
			v, err := d.r.u32()
			if err != nil {
				return err
			}
			sb.WriteByte(' ')
			sb.WriteString(strconv.FormatUint(uint64(v), 10))
		}
	case immMemArg:
		align, err := d.r.u32()
		if err != nil {
			return err
		}
		offset, err := d.r.u32()
		if err != nil {
			return err
		}
		if align >= 32 {
			return fmt.Errorf("%s: alignment exponent %d too large", info.name, align)
		}
		if offset != 0 {
			fmt.Fprintf(sb, " offset=%d", offset)
		}
		if align != uint32(info.align) {
			fmt.Fprintf(sb, " align=%d", uint64(1)<<align)
		}
	case immMemIdx, immMemIdx2:
		n := 1
		if info.imm == immMemIdx2 {
			n = 2
		}
		for ; n > 0; n-- {
			c, err := d.r.byte()
			if err != nil {
				return err
			}
			if c != 0 {
				return fmt.Errorf("%s: memory index %d not supported", info.name, c)
			}
		}
	case immI32:
		v, err := d.r.s32()
		if err != nil {
			return err
		}
		sb.WriteByte(' ')
		sb.WriteString(strconv.FormatInt(int64(v), 10))
	case immI64:
		v, err := d.r.s64()
		if err != nil {
			return err
		}
		sb.WriteByte(' ')
		sb.WriteString(strconv.FormatInt(v, 10))
	case immF32:
		b, err := d.r.bytes(4)
		if err != nil {
			return err
		}
		sb.WriteByte(' ')
		sb.WriteString(formatFloat(float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), uint64(binary.LittleEndian.Uint32(b)), 32))
	case immF64:
		b, err := d.r.bytes(8)
		if err != nil {
			return err
		}
		sb.WriteByte(' ')
		sb.WriteString(formatFloat(math.Float64frombits(binary.LittleEndian.Uint64(b)), binary.LittleEndian.Uint64(b), 64))
	}
	return nil
}

// formatFloat prints a float constant as WAT does: shortest decimal that
// round-trips, inf, and nan with its payload when it is not the canonical
// one. bits is the raw encoding, width 32 or 64.
func formatFloat(v float64, bits uint64, width int) string {
	if !math.IsNaN(v) {
		switch {
		case math.IsInf(v, 1):
			return "inf"
		case math.IsInf(v, -1):
			return "-inf"
		}
		return strconv.FormatFloat(v, 'g', -1, width)
	}
	sign, mantBits := "", uint(52)
	if width == 32 {
		mantBits = 23
	}
	if bits>>(width-1)&1 == 1 {
		sign = "-"
	}
	payload := bits & (1<<mantBits - 1)
	if payload == 1<<(mantBits-1) {
		return sign + "nan"
	}
	return fmt.Sprintf("%snan:0x%x", sign, payload)
}
