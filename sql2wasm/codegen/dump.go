package codegen

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/wasm"
)

// Dump returns a readable listing of a module produced by Generate: the
// manifest, the positions table, then the disassembly of the code
// (wasm.Dump). Golden tests compare it; it is also what `sql2wasm inspect`
// can show. It returns an error, never panics, on malformed input.
func Dump(module []byte) (string, error) {
	customs, err := customSections(module)
	if err != nil {
		return "", fmt.Errorf("dump: %w", err)
	}
	var b strings.Builder
	if raw, ok := customs[sdk.ManifestSection]; ok {
		m, err := sdk.UnmarshalManifest(raw)
		if err != nil {
			return "", fmt.Errorf("dump: %w", err)
		}
		writeManifest(&b, m)
	} else {
		b.WriteString(";; no manifest\n")
	}
	if raw, ok := customs[sdk.PositionsSection]; ok {
		if err := writePositions(&b, raw); err != nil {
			return "", fmt.Errorf("dump: positions: %w", err)
		}
	}
	code, err := wasm.Dump(module)
	if err != nil {
		return "", fmt.Errorf("dump: %w", err)
	}
	b.WriteString(code)
	return b.String(), nil
}

// customSections returns the payloads of a module's custom sections by
// name (the first of each name).
func customSections(module []byte) (map[string][]byte, error) {
	magic := []byte{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00}
	if !bytes.HasPrefix(module, magic) {
		return nil, errors.New("not a WebAssembly 1.0 binary module")
	}
	out := map[string][]byte{}
	r := module[len(magic):]
	for len(r) > 0 {
		id := r[0]
		size, n, err := uleb(r[1:])
		if err != nil {
			return nil, fmt.Errorf("section size: %w", err)
		}
		r = r[1+n:]
		if size > uint64(len(r)) {
			return nil, fmt.Errorf("section %d of %d bytes runs past the end", id, size)
		}
		body := r[:size]
		r = r[size:]
		if id != 0 {
			continue
		}
		nameLen, n, err := uleb(body)
		if err != nil || nameLen > uint64(len(body)-n) {
			return nil, errors.New("malformed custom section name")
		}
		name := string(body[n : n+int(nameLen)])
		if _, dup := out[name]; !dup {
			out[name] = body[n+int(nameLen):]
		}
	}
	return out, nil
}

// uleb decodes an unsigned LEB128 of at most 32 bits.
func uleb(b []byte) (uint64, int, error) {
	var v uint64
	for i := 0; i < 5; i++ {
		if i >= len(b) {
			return 0, 0, errors.New("truncated LEB128")
		}
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			if v > 0xFFFFFFFF {
				return 0, 0, errors.New("LEB128 beyond 32 bits")
			}
			return v, i + 1, nil
		}
	}
	return 0, 0, errors.New("LEB128 too long")
}

func writeManifest(b *strings.Builder, m *sdk.Manifest) {
	fmt.Fprintf(b, ";; manifest: abi %d, compiler %q\n", m.ABIVersion, m.Compiler)
	fmt.Fprintf(b, ";; query %s (%s), memory %d pages\n", m.QueryID, m.Kind, m.MemoryPages)
	for _, line := range strings.Split(strings.TrimRight(m.SQL, "\n"), "\n") {
		fmt.Fprintf(b, ";;   | %s\n", line)
	}
	for i := range m.Sources {
		fmt.Fprintf(b, ";; source %d: %s\n", i, sourceText(&m.Sources[i]))
	}
	fmt.Fprintf(b, ";; sink: %s\n", sourceText(&m.Sink))
	for i, st := range m.Stages {
		l := st.Layout
		fmt.Fprintf(b, ";; stage %d %q: base %d capacity %d in_data %d heap %d end %d\n",
			i, st.Export, l.Base, l.Capacity, l.InDataSize, l.HeapSize, l.End())
		for j, c := range st.Inputs {
			fmt.Fprintf(b, ";;   in  %d %s%s valid@%d values@%d\n", j, colText(c), "", l.InValid(j), l.InValues(j))
		}
		fmt.Fprintf(b, ";;   sel@%d\n", l.Sel())
		for j, c := range st.Outputs {
			fmt.Fprintf(b, ";;   out %d %s valid@%d values@%d\n", j, colText(c), l.OutValid(j), l.OutValues(j))
		}
		fmt.Fprintf(b, ";;   in_data@%d heap@%d\n", l.InData(), l.Heap())
	}
	for _, in := range m.Pipeline.Inputs {
		fmt.Fprintf(b, ";; pipeline: source %d -> stage %d\n", in.Source, in.Stage)
	}
	fmt.Fprintf(b, ";; pipeline: final stage %d\n", m.Pipeline.Final)
}

func colText(c sdk.Column) string {
	s := c.Name + " " + c.Type.String()
	if c.Key {
		s += " KEY"
	}
	return s
}

func sourceText(s *sdk.Source) string {
	if s.Name == "" && s.Topic == "" && len(s.Columns) == 0 {
		return "none"
	}
	return fmt.Sprintf("%s %s topic %q key %s value %s (%s)",
		s.Kind, s.Name, s.Topic, s.KeyFormat, s.ValueFormat, s.SchemaString())
}

func writePositions(b *strings.Builder, raw []byte) error {
	for len(raw) > 0 {
		fnIdx, n, err := uleb(raw)
		if err != nil {
			return err
		}
		raw = raw[n:]
		count, n, err := uleb(raw)
		if err != nil {
			return err
		}
		raw = raw[n:]
		fmt.Fprintf(b, ";; positions of func %d:", fnIdx)
		for i := uint64(0); i < count; i++ {
			off, n, err := uleb(raw)
			if err != nil {
				return err
			}
			raw = raw[n:]
			sql, n, err := uleb(raw)
			if err != nil {
				return err
			}
			raw = raw[n:]
			fmt.Fprintf(b, " %d->%d", off, sql)
		}
		b.WriteString("\n")
	}
	return nil
}
