package serde

import (
	"testing"
	"unsafe"

	"github.com/wasmstream/wasmstream/sdk"
)

// TestStringViews checks that StringViews decodes the same values as the
// serde it wraps, shares the input's bytes where the input holds the string
// as is, copies where it does not (escapes, quoting, text built from
// numbers), and does not allocate.
func TestStringViews(t *testing.T) {
	two := []sdk.Column{col("A", sdk.TypeString), col("B", sdk.TypeString)}
	cases := []struct {
		name   string
		format string
		cols   []sdk.Column
		opts   Options
		data   string
		shared []bool // per column: the value shares the input's bytes
	}{
		{"JSON plain strings", "JSON", two, Options{}, `{"a":"xy","B":"zzz"}`, []bool{true, true}},
		{"JSON escaped string and number text", "JSON", two, Options{}, `{"A":"x\"y","B":12}`, []bool{false, false}},
		{"JSON bare key", "JSON", two[:1], Options{Key: true}, `"key"`, []bool{true}},
		{"DELIMITED plain and quoted", "DELIMITED", two, Options{}, `xy,"a""b"`, []bool{true, false}},
		{"KAFKA string", "KAFKA", two[:1], Options{}, `hello`, []bool{true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plain := mustNew(t, tc.format, tc.cols, tc.opts)
			views := StringViews(plain)
			data := []byte(tc.data)
			want := make([]sdk.Value, len(tc.cols))
			got := make([]sdk.Value, len(tc.cols))
			if err := plain.Decode(data, want); err != nil {
				t.Fatal(err)
			}
			if err := views.Decode(data, got); err != nil {
				t.Fatal(err)
			}
			lo, hi := uintptr(unsafe.Pointer(&data[0])), uintptr(unsafe.Pointer(&data[0]))+uintptr(len(data))
			for c := range got {
				if got[c] != want[c] {
					t.Errorf("column %d: %#v, want %#v", c, got[c], want[c])
				}
				p := uintptr(unsafe.Pointer(unsafe.StringData(got[c].S)))
				if shared := p >= lo && p < hi; shared != tc.shared[c] {
					t.Errorf("column %d (%q): shares the input = %v, want %v", c, got[c].S, shared, tc.shared[c])
				}
			}
			if want := tc.shared[0] && (len(tc.shared) == 1 || tc.shared[1]); want {
				if n := testing.AllocsPerRun(10, func() { _ = views.Decode(data, got) }); n != 0 {
					t.Errorf("Decode allocated %.0f times", n)
				}
			}
			if views.Format() != plain.Format() || len(views.Columns()) != len(plain.Columns()) {
				t.Errorf("StringViews changed the format or the columns")
			}
		})
	}
	// NONE reads nothing: StringViews returns it as it is.
	none := mustNew(t, "KAFKA", nil, Options{Key: true})
	if StringViews(none) != none {
		t.Errorf("StringViews(NONE) is a different serde")
	}
}
