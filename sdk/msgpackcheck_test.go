package sdk

import (
	"strings"
	"testing"
)

func TestUnmarshalManifestHostileLengths(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		// {"stages": array32 of 2^31-1}: msgpack alone would allocate ~190 GB.
		{"huge array", []byte{0x81, 0xa6, 's', 't', 'a', 'g', 'e', 's', 0xdd, 0x7f, 0xff, 0xff, 0xff}, "exceeds"},
		{"array longer than input", []byte{0x81, 0xa6, 's', 't', 'a', 'g', 'e', 's', 0xdc, 0x01, 0x00, 0x80}, "truncated"},
		{"huge map", []byte{0xdf, 0x7f, 0xff, 0xff, 0xff}, "exceeds"},
		{"huge string", []byte{0x81, 0xa3, 's', 'q', 'l', 0xdb, 0xff, 0xff, 0xff, 0xff}, "truncated"},
		{"deep nesting", []byte(strings.Repeat("\x91", 100) + "\xc0"), "deeper"},
		{"reserved code", []byte{0xc1}, "invalid msgpack code"},
		{"empty", nil, "truncated"},
	}
	for _, c := range cases {
		_, err := UnmarshalManifest(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestCheckMsgpackAcceptsManifests(t *testing.T) {
	m := &Manifest{
		ABIVersion: ABIVersion, QueryID: "Q", SQL: strings.Repeat("x", 70000),
		Sources:  []Source{{Name: "S", Columns: []Column{{Name: "A", Type: TypeDouble}}, Window: &KeyWindow{Type: WindowHopping, SizeMs: -5}}},
		Stages:   []Stage{{Export: "f", Layout: Layout{Base: 8, Capacity: 1}}},
		Pipeline: Pipeline{Final: -1}, MemoryPages: 1,
	}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := checkMsgpack(b); err != nil {
		t.Fatalf("a real manifest fails the check: %v", err)
	}
	if _, err := UnmarshalManifest(b); err != nil {
		t.Fatalf("UnmarshalManifest: %v", err)
	}
}
