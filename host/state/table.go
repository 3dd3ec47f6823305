package state

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/wasmstream/wasmstream/sdk"
)

// Row is one row a store holds: its key's values, its columns and its
// timestamp.
type Row struct {
	Key  []sdk.Value `msgpack:"k"`
	Cols []sdk.Value `msgpack:"c"`
	TS   int64       `msgpack:"t"`
	// Emitted says a row derived from this one reached the sink (used by
	// joins to know whether a deletion must emit a tombstone).
	Emitted bool `msgpack:"x,omitempty"`
	id      string
}

// Table is the contents of a table in a task: key -> latest row. Lookups
// take the encoded key (AppendKey) and do not allocate.
type Table struct {
	rows map[string]*Row
	buf  []byte
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{rows: map[string]*Row{}} }

// Len returns the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// Get returns the row of key, or nil.
func (t *Table) Get(key []sdk.Value) *Row {
	t.buf = AppendKey(t.buf[:0], key)
	return t.rows[string(t.buf)]
}

// Put stores a copy of cols as the row of key, reusing the storage of the
// row it replaces. The returned row is valid until the next Put or Delete
// of that key.
func (t *Table) Put(key, cols []sdk.Value, ts int64) *Row {
	t.buf = AppendKey(t.buf[:0], key)
	r, ok := t.rows[string(t.buf)]
	if !ok {
		r = &Row{id: string(t.buf)}
		t.rows[r.id] = r
		r.Key = cloneRow(nil, key)
	}
	r.Cols = cloneRow(r.Cols, cols)
	r.TS = ts
	return r
}

// Delete removes the row of key and returns it (nil if there was none).
func (t *Table) Delete(key []sdk.Value) *Row {
	t.buf = AppendKey(t.buf[:0], key)
	r, ok := t.rows[string(t.buf)]
	if ok {
		delete(t.rows, r.id)
	}
	return r
}

type tableSnapshot struct {
	Version int    `msgpack:"v"`
	Rows    []*Row `msgpack:"r"`
}

// Snapshot encodes the table (msgpack), deterministically.
func (t *Table) Snapshot() ([]byte, error) {
	s := tableSnapshot{Version: 1, Rows: make([]*Row, 0, len(t.rows))}
	for _, r := range t.rows {
		s.Rows = append(s.Rows, r)
	}
	slices.SortFunc(s.Rows, func(x, y *Row) int { return cmp.Compare(x.id, y.id) })
	return marshal(&s)
}

// Restore replaces the table's contents with a snapshot's.
func (t *Table) Restore(b []byte) error {
	var s tableSnapshot
	if err := unmarshal(b, &s); err != nil {
		return fmt.Errorf("restore table: %w", err)
	}
	if s.Version != 1 {
		return fmt.Errorf("restore table: snapshot version %d, want 1", s.Version)
	}
	t.rows = make(map[string]*Row, len(s.Rows))
	for _, r := range s.Rows {
		r.id = string(AppendKey(nil, r.Key))
		t.rows[r.id] = r
	}
	return nil
}

// ID returns the row's encoded key (AppendKey of Key): a stable identity
// and a deterministic order for the rows of a table.
func (r *Row) ID() string { return r.id }

// Each calls fn for every row, in key order.
func (t *Table) Each(fn func(*Row) error) error {
	rows := make([]*Row, 0, len(t.rows))
	for _, r := range t.rows {
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(x, y *Row) int { return cmp.Compare(x.id, y.id) })
	for _, r := range rows {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}
