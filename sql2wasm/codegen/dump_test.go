package codegen

import (
	"strings"
	"testing"
)

func TestDumpMalformed(t *testing.T) {
	bin, _ := generate(t, goldenQueries()["case_nulls"])
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "not a WebAssembly"},
		{"text", []byte("(module)"), "not a WebAssembly"},
		{"truncated", bin[:len(bin)/2], "runs past the end"},
		{"bad size", append(append([]byte{}, bin[:8]...), 0, 0xff, 0xff, 0xff, 0xff, 0xff), "LEB128"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Dump(tc.b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// FuzzDump: Dump never panics, whatever the bytes.
func FuzzDump(f *testing.F) {
	for _, q := range goldenQueries() {
		bin, _, err := Generate(q)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(bin)
		f.Add(bin[:len(bin)/3])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Dump(b)
	})
}
