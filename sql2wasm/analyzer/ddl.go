package analyzer

import (
	"fmt"
	"strings"
	"time"

	"github.com/wasmstream/wasmstream/sdk"
	"github.com/wasmstream/wasmstream/sql2wasm/ast"
	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// systemColumns are the names ksqlDB reserves: the pseudo-columns every
// source has and the window bounds of windowed sources.
var systemColumns = []string{"ROWTIME", "ROWPARTITION", "ROWOFFSET", "WINDOWSTART", "WINDOWEND"}

func isSystemColumn(name string) bool {
	for _, s := range systemColumns {
		if strings.EqualFold(s, name) {
			return true
		}
	}
	return false
}

// kindOf maps the statement's STREAM/TABLE to the catalog's kind.
func kindOf(k ast.SourceKind) sdk.SourceKind {
	if k == ast.KindTable {
		return sdk.Table
	}
	return sdk.Stream
}

func lowerKind(k sdk.SourceKind) string { return strings.ToLower(k.String()) }

// existing checks a CREATE against a source of the same name: an error
// unless OR REPLACE (same kind) or IF NOT EXISTS.
func (a *Analyzer) existing(name *ast.Ident, kind sdk.SourceKind, orReplace, ifNotExists bool) (skip bool, err *Error) {
	old := a.cat.get(name.Name)
	if old == nil {
		return false, nil
	}
	if ifNotExists {
		return true, nil
	}
	if orReplace && old.Kind == kind {
		return false, nil
	}
	return false, errorf(name.Pos(), "Cannot add %s '%s': A %s with the same name already exists",
		lowerKind(kind), name.Name, lowerKind(old.Kind))
}

// createSource handles CREATE [OR REPLACE] [SOURCE] STREAM|TABLE.
func (a *Analyzer) createSource(s *ast.CreateSource) (*Result, *Error) {
	kind := kindOf(s.Kind)
	if s.OrReplace && (s.Source || a.readOnly[s.Name.Name]) {
		return nil, errorf(s.Name.Pos(), "Cannot add %s '%s': CREATE OR REPLACE is not supported on source %ss.",
			lowerKind(kind), s.Name.Name, lowerKind(kind))
	}
	skip, err := a.existing(s.Name, kind, s.OrReplace, s.IfNotExists)
	if err != nil {
		return nil, err
	}
	if skip {
		src := a.cat.get(s.Name.Name)
		return &Result{Kind: KindCreateSource, Source: src, Skipped: true}, nil
	}

	with, err := parseWith(s.Props, createWith)
	if err != nil {
		return nil, err
	}
	src := sdk.Source{Name: s.Name.Name, Kind: kind, Declared: true}
	topic, _, ok := with.str(wKafkaTopic)
	if !ok {
		return nil, errorf(s.Pos(), `Missing required property "KAFKA_TOPIC" which has no default value.`)
	}
	src.Topic = topic
	if err := a.sourceFormats(&src, with, s.Pos()); err != nil {
		return nil, err
	}
	if src.Window, err = windowInfo(with); err != nil {
		return nil, err
	}
	if src.Partitions, _, err = with.int(wPartitions); err != nil {
		return nil, err
	}
	if src.Replicas, _, err = with.int(wReplicas); err != nil {
		return nil, err
	}

	if len(s.Columns) == 0 {
		return nil, errorf(s.Pos(), "The statement does not define any columns.")
	}
	cols, err := columns(s.Columns, kind)
	if err != nil {
		return nil, err
	}
	src.Columns = cols
	if kind == sdk.Table && len(src.KeyColumns()) == 0 {
		return nil, errorf(s.Name.Pos(), "Tables require a PRIMARY KEY. Please define the PRIMARY KEY.")
	}

	if err := checkKeyFormat(src.KeyFormat, src.KeyColumns(), s.Pos()); err != nil {
		return nil, err
	}
	wrap, wrapSet, err := with.boolean(wWrapSingleValue)
	if err != nil {
		return nil, err
	}
	_, wrapPos, _ := with.str(wWrapSingleValue)
	if src.WrapSingleValue, err = wrapping(src.ValueFormat, src.ValueColumns(), wrap, wrapSet, a.props, wrapPos); err != nil {
		return nil, err
	}
	if err := checkValueFormat(src.ValueFormat, src.ValueColumns(), wrapSet && !wrap, s.Pos()); err != nil {
		return nil, err
	}
	if err := timestampColumn(&src, with, src.Columns); err != nil {
		return nil, err
	}
	return &Result{Kind: KindCreateSource, Source: &src, readOnly: s.Source}, nil
}

// columns checks a column list: names unique and not reserved, KEY for
// streams and PRIMARY KEY for tables, supported types. The result lists the
// key columns first, as ksqlDB's logical schema does; the relative order of
// key and of value columns is kept.
func columns(defs []*ast.ColumnDef, kind sdk.SourceKind) ([]sdk.Column, *Error) {
	seen := make(map[string]bool, len(defs))
	var keys, values []sdk.Column
	for _, d := range defs {
		name := d.Name.Name
		if isSystemColumn(name) {
			return nil, errorf(d.Pos(), "'%s' is a reserved column name. You cannot use it as a name for a column.", name)
		}
		if seen[name] {
			return nil, errorf(d.Pos(), "Duplicate column names: %s", name)
		}
		seen[name] = true
		if d.Headers {
			return nil, notSupported(d.Pos(), "HEADERS columns")
		}
		if kind == sdk.Stream && d.PrimaryKey {
			return nil, errorf(d.Pos(), "Column `%s` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\n"+
				"Tables have PRIMARY KEYs, which are unique and NON NULL.\n"+
				"Streams have KEYs, which have no uniqueness or NON NULL constraints.", name)
		}
		if kind == sdk.Table && d.Key && !d.PrimaryKey {
			return nil, errorf(d.Pos(), "Column `%s` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\n"+
				"Tables have PRIMARY KEYs, which are unique and NON NULL.\n"+
				"Streams have KEYs, which have no uniqueness or NON NULL constraints.", name)
		}
		desc, err := sqlTypeDesc(d.Type)
		if err != nil {
			return nil, err
		}
		c := sdk.Column{Name: name, Type: desc.Type, Key: d.Key || d.PrimaryKey}
		if desc.Type.IsComplex() {
			c.Desc = desc
		}
		if c.Key {
			keys = append(keys, c)
		} else {
			values = append(values, c)
		}
	}
	return append(keys, values...), nil
}

// sourceFormats resolves KEY_FORMAT, VALUE_FORMAT, FORMAT and the
// delimiters of a CREATE statement, with the session defaults.
func (a *Analyzer) sourceFormats(src *sdk.Source, with withProps, stmtPos token.Pos) *Error {
	keyF, valF, err := explicitFormats(with)
	if err != nil {
		return err
	}
	if keyF == "" {
		def, ok := a.props[PropDefaultKeyFormat]
		if !ok {
			def = sdk.FormatKafka
		}
		if keyF, err = checkFormat(def, stmtPos); err != nil {
			return err
		}
	}
	if valF == "" {
		def, ok := a.props[PropDefaultValueFormat]
		if !ok || def == "" {
			return errorf(stmtPos, "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. "+
				"Either provide one or set a default via the '%s' config.", PropDefaultValueFormat)
		}
		if valF, err = checkFormat(def, stmtPos); err != nil {
			return err
		}
	}
	src.KeyFormat, src.ValueFormat = keyF, valF
	src.KeyDelimiter, src.ValueDelimiter, err = delimiters(with, keyF, valF, "", "")
	return err
}

// explicitFormats returns the formats a WITH clause names ("" for none),
// refusing FORMAT together with KEY_FORMAT or VALUE_FORMAT.
func explicitFormats(with withProps) (keyF, valF string, err *Error) {
	if f, pos, ok := with.str(wFormat); ok {
		for _, other := range []string{wKeyFormat, wValueFormat} {
			if with.has(other) {
				return "", "", errorf(with[other].pos, "Cannot supply both '%s' and 'FORMAT' properties, "+
					"as 'FORMAT' sets both key and value formats. "+
					"Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.", other)
			}
		}
		if f, err = checkFormat(f, pos); err != nil {
			return "", "", err
		}
		return f, f, nil
	}
	if f, pos, ok := with.str(wKeyFormat); ok {
		if keyF, err = checkFormat(f, pos); err != nil {
			return "", "", err
		}
	}
	if f, pos, ok := with.str(wValueFormat); ok {
		if valF, err = checkFormat(f, pos); err != nil {
			return "", "", err
		}
	}
	return keyF, valF, nil
}

// delimiters resolves KEY_DELIMITER and VALUE_DELIMITER for the given
// formats: only DELIMITED has one (default ','); inherited values are used
// when the statement sets none.
func delimiters(with withProps, keyF, valF, inheritKey, inheritVal string) (keyD, valD string, err *Error) {
	one := func(prop, format, inherit string) (string, *Error) {
		v, pos, ok := with.str(prop)
		if !ok {
			if format != sdk.FormatDelimited {
				return "", nil
			}
			if inherit != "" {
				return inherit, nil
			}
			return ",", nil
		}
		if format != sdk.FormatDelimited {
			return "", errorf(pos, "%s does not support the following configs: [delimiter]", format)
		}
		return parseDelimiter(prop, v, pos)
	}
	if keyD, err = one(wKeyDelimiter, keyF, inheritKey); err != nil {
		return "", "", err
	}
	if valD, err = one(wValueDelimiter, valF, inheritVal); err != nil {
		return "", "", err
	}
	return keyD, valD, nil
}

// windowInfo reads WINDOW_TYPE and WINDOW_SIZE: a source over a topic whose
// keys are windowed.
func windowInfo(with withProps) (*sdk.KeyWindow, *Error) {
	typ, tpos, hasType := with.str(wWindowType)
	size, spos, hasSize := with.str(wWindowSize)
	if !hasType {
		if hasSize {
			return nil, errorf(spos, "'WINDOW_SIZE' should not be set for non-windowed sources.")
		}
		return nil, nil
	}
	w := &sdk.KeyWindow{}
	switch strings.ToUpper(strings.TrimSpace(typ)) {
	case "TUMBLING":
		w.Type = sdk.WindowTumbling
	case "HOPPING":
		w.Type = sdk.WindowHopping
	case "SESSION":
		w.Type = sdk.WindowSession
	default:
		return nil, errorf(tpos, "Error in WITH clause property 'WINDOW_TYPE': Unknown window type: '%s'", typ)
	}
	if w.Type == sdk.WindowSession {
		if hasSize {
			return nil, errorf(spos, "'WINDOW_SIZE' should not be set for SESSION windows.")
		}
		return w, nil
	}
	if !hasSize {
		return nil, errorf(tpos, "%s windows require 'WINDOW_SIZE' to be provided in the WITH clause. "+
			"For example: 'WINDOW_SIZE'='10 SECONDS'", w.Type)
	}
	d, err := parseDuration(size)
	if err != nil {
		return nil, errorf(spos, "Configuration WINDOW_SIZE is invalid: Invalid duration: '%s'. %v", size, err)
	}
	w.SizeMs = d.Milliseconds()
	return w, nil
}

// parseDuration reads ksqlDB's "<number> <unit>" durations, e.g. "30
// seconds".
func parseDuration(s string) (time.Duration, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, fmt.Errorf("Expected 2 tokens, got: %d", len(f))
	}
	var n int64
	if _, err := fmt.Sscan(f[0], &n); err != nil || n < 0 {
		return 0, fmt.Errorf("Not numeric: '%s'", f[0])
	}
	d, ok := durationUnit(f[1])
	if !ok {
		return 0, fmt.Errorf("Unknown time unit: '%s'", strings.ToUpper(f[1]))
	}
	return time.Duration(n) * d, nil
}

// durationUnit maps a written time unit (singular or plural) to its length.
func durationUnit(u string) (time.Duration, bool) {
	switch strings.TrimSuffix(strings.ToUpper(u), "S") {
	case "MILLISECOND":
		return time.Millisecond, true
	case "SECOND":
		return time.Second, true
	case "MINUTE":
		return time.Minute, true
	case "HOUR":
		return time.Hour, true
	case "DAY":
		return 24 * time.Hour, true
	}
	return 0, false
}

// timestampColumn checks TIMESTAMP and TIMESTAMP_FORMAT: the column must
// exist and be a BIGINT (epoch milliseconds), or a STRING with a format.
func timestampColumn(src *sdk.Source, with withProps, cols []sdk.Column) *Error {
	name, pos, ok := with.str(wTimestamp)
	format, fpos, hasFormat := with.str(wTimestampFormat)
	if !ok {
		if hasFormat {
			return errorf(fpos, "'TIMESTAMP_FORMAT' is only valid together with 'TIMESTAMP'")
		}
		return nil
	}
	col := columnNameFromString(name)
	var found *sdk.Column
	for i := range cols {
		if cols[i].Name == col {
			found = &cols[i]
		}
	}
	if found == nil {
		return errorf(pos, "The TIMESTAMP column set in the WITH clause does not exist in the schema: '%s'", col)
	}
	switch {
	case found.Type == sdk.TypeBigInt && !hasFormat:
	case found.Type == sdk.TypeString && hasFormat:
		return notSupported(fpos, "TIMESTAMP_FORMAT")
	default:
		return errorf(pos, "Timestamp column, `%s`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.", col)
	}
	src.TimestampColumn, src.TimestampFormat = col, format
	return nil
}

// columnNameFromString reads a column name written inside a string
// property: upper-cased unless back-quoted.
func columnNameFromString(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '`' && s[len(s)-1] == '`' {
		return s[1 : len(s)-1]
	}
	return strings.ToUpper(s)
}

// dropSource handles DROP STREAM|TABLE [IF EXISTS] name [DELETE TOPIC].
// Like ksqlDB it terminates the query that created the source (its CREATE
// ... AS SELECT) and refuses while other queries read the source or INSERT
// INTO it.
func (a *Analyzer) dropSource(s *ast.DropSource) (*Result, *Error) {
	name := s.Name.Name
	kind := kindOf(s.Kind)
	src := a.cat.get(name)
	if src == nil {
		if s.IfExists {
			return &Result{Kind: KindDropSource}, nil
		}
		kw := "Stream"
		if kind == sdk.Table {
			kw = "Table"
		}
		return nil, errorf(s.Name.Pos(), "%s %s does not exist", kw, name)
	}
	if src.Kind != kind {
		return nil, errorf(s.Name.Pos(), "Incompatible data source type is %s, but statement was DROP %s", src.Kind, kind)
	}
	readers, writers := a.readersOf(name)
	var others, inserts, creators []string
	for _, id := range readers {
		if a.queries[id].sink != name {
			others = append(others, id)
		}
	}
	for _, id := range writers {
		if strings.HasPrefix(id, "INSERTQUERY_") {
			inserts = append(inserts, id)
		} else {
			creators = append(creators, id)
		}
	}
	if len(others) > 0 || len(inserts) > 0 {
		return nil, errorf(s.Name.Pos(), "Cannot drop %s.\nThe following queries read from this source: [%s].\n"+
			"The following queries write into this source: [%s].\n"+
			"You need to terminate them before dropping %s.",
			name, strings.Join(others, ", "), strings.Join(inserts, ", "), name)
	}
	return &Result{Kind: KindDropSource, Dropped: name, Terminated: creators}, nil
}
