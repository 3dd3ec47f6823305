package serde

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

// benchCols and benchJSON are a typical 200-byte record: the shape of the
// project's stateless benchmark query, with a few fields the query ignores.
var benchCols = []sdk.Column{
	col("CLIENT_ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("CITY", sdk.TypeString),
	col("ACTION", sdk.TypeString), col("TYPE", sdk.TypeString), col("CREDIT_SCORE", sdk.TypeInt),
	col("BALANCE", sdk.TypeDouble), col("ACTIVE", sdk.TypeBoolean),
}

const benchJSON = `{"CLIENT_ID":1234567,"NAME":"Jane Doe","CITY":"Springfield","ACTION":"login",` +
	`"TYPE":"Residential","CREDIT_SCORE":782,"BALANCE":10234.56,"ACTIVE":true,` +
	`"TS":1700000000123,"NOTE":"priority customer"}`

// benchJSONLower has lower-case field names, as producers often write them:
// every lookup goes through the upper-cased comparison.
const benchJSONLower = `{"client_id":1234567,"name":"Jane Doe","city":"Springfield","action":"login",` +
	`"type":"Residential","credit_score":782,"balance":10234.56,"active":true,` +
	`"ts":1700000000123,"note":"priority customer"}`

var benchRow = []sdk.Value{
	sdk.BigInt(1234567), sdk.Str("Jane Doe"), sdk.Str("Springfield"), sdk.Str("login"),
	sdk.Str("Residential"), sdk.Int(782), sdk.Double(10234.56), sdk.Bool(true),
}

func benchDecode(b *testing.B, format string, opts Options, data []byte) {
	s := mustNew(b, format, benchCols, opts)
	row := make([]sdk.Value, len(benchCols))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Decode(data, row); err != nil {
			b.Fatal(err)
		}
	}
}

func benchEncode(b *testing.B, format string, opts Options) {
	s := mustNew(b, format, benchCols, opts)
	buf := make([]byte, 0, 512)
	out, _ := s.Encode(buf, benchRow)
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if out, err = s.Encode(buf[:0], benchRow); err != nil {
			b.Fatal(err)
		}
	}
	_ = out
}

func BenchmarkJSONDecode(b *testing.B) {
	benchDecode(b, "JSON", Options{Wrap: true}, []byte(benchJSON))
}

func BenchmarkJSONDecodeLowerCase(b *testing.B) {
	benchDecode(b, "JSON", Options{Wrap: true}, []byte(benchJSONLower))
}

func BenchmarkJSONEncode(b *testing.B) { benchEncode(b, "JSON", Options{Wrap: true}) }

func BenchmarkDelimitedDecode(b *testing.B) {
	benchDecode(b, "DELIMITED", Options{}, []byte(`1234567,Jane Doe,Springfield,login,Residential,782,10234.56,true`))
}

func BenchmarkDelimitedEncode(b *testing.B) { benchEncode(b, "DELIMITED", Options{}) }

func BenchmarkKafkaDecodeBigInt(b *testing.B) {
	s := mustNew(b, "KAFKA", []sdk.Column{col("K", sdk.TypeBigInt)}, Options{Key: true})
	data := []byte{0, 0, 0, 0, 0, 0x12, 0xd6, 0x87}
	row := make([]sdk.Value, 1)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Decode(data, row); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAllocs holds the hot-path promise: Encode never allocates, Decode
// allocates once per non-NULL STRING value and for nothing else.
func TestAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping allocation counts in -short mode")
	}
	nstrings := 0
	for _, c := range benchCols {
		if c.Type == sdk.TypeString {
			nstrings++
		}
	}
	decodes := []struct {
		format string
		opts   Options
		data   string
	}{
		{"JSON", Options{Wrap: true}, benchJSON},
		{"JSON", Options{Wrap: true}, benchJSONLower},
		{"DELIMITED", Options{}, `1234567,Jane Doe,Springfield,login,Residential,782,10234.56,true`},
		{"DELIMITED", Options{Delimiter: "|"}, `"1234567"|"Jane Doe"|Springfield|login|Residential|782|10234.56|TRUE`},
	}
	for _, d := range decodes {
		s := mustNew(t, d.format, benchCols, d.opts)
		row := make([]sdk.Value, len(benchCols))
		data := []byte(d.data)
		n := testing.AllocsPerRun(100, func() {
			if err := s.Decode(data, row); err != nil {
				t.Fatal(err)
			}
		})
		if n != float64(nstrings) {
			t.Errorf("%s Decode of %q: %v allocations, want %d (one per STRING)", d.format, d.data, n, nstrings)
		}
	}
	// Numbers only: no allocation at all, including numbers from strings.
	numCols := []sdk.Column{col("A", sdk.TypeInt), col("B", sdk.TypeDouble), col("C", sdk.TypeBigInt), col("D", sdk.TypeBoolean)}
	for _, d := range []struct{ format, data string }{
		{"JSON", `{"a":"12","b":"1.5e3","c":1.0,"d":false,"skipped":{"x":["y",1,null]}}`},
		{"DELIMITED", `12,1.5e3,7,false`},
	} {
		s := mustNew(t, d.format, numCols, Options{Wrap: true})
		row := make([]sdk.Value, len(numCols))
		data := []byte(d.data)
		if n := testing.AllocsPerRun(100, func() {
			if err := s.Decode(data, row); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%s Decode of numbers %q: %v allocations, want 0", d.format, d.data, n)
		}
	}
	// A wide schema still decodes without allocating.
	var wide []sdk.Column
	var doc strings.Builder
	doc.WriteByte('{')
	for i := range 100 {
		name := fmt.Sprintf("C%d", i)
		wide = append(wide, col(name, sdk.TypeBigInt))
		if i > 0 {
			doc.WriteByte(',')
		}
		fmt.Fprintf(&doc, "%q:%d", strings.ToLower(name), i)
	}
	doc.WriteByte('}')
	ws := mustNew(t, "JSON", wide, Options{Wrap: true})
	wrow := make([]sdk.Value, len(wide))
	wdata := []byte(doc.String())
	if n := testing.AllocsPerRun(20, func() {
		if err := ws.Decode(wdata, wrow); err != nil {
			t.Fatal(err)
		}
	}); n != 0 || wrow[99].I != 99 {
		t.Errorf("JSON Decode of 100 BIGINT columns: %v allocations (want 0), last = %#v", n, wrow[99])
	}
	for _, f := range []string{"JSON", "DELIMITED"} {
		s := mustNew(t, f, benchCols, Options{Wrap: true})
		buf := make([]byte, 0, 512)
		if n := testing.AllocsPerRun(100, func() {
			if _, err := s.Encode(buf[:0], benchRow); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%s Encode: %v allocations, want 0", f, n)
		}
	}
	for _, v := range []sdk.Value{sdk.Int(1), sdk.BigInt(2), sdk.Double(3), sdk.Str("several bytes")} {
		s := mustNew(t, "KAFKA", []sdk.Column{col("K", v.Type)}, Options{Key: true})
		buf := make([]byte, 0, 64)
		row := []sdk.Value{v}
		var data []byte
		if n := testing.AllocsPerRun(100, func() {
			data, _ = s.Encode(buf[:0], row)
		}); n != 0 {
			t.Errorf("KAFKA %v Encode: %v allocations, want 0", v.Type, n)
		}
		want := 0.0
		if v.Type == sdk.TypeString {
			want = 1
		}
		if n := testing.AllocsPerRun(100, func() {
			if err := s.Decode(data, row); err != nil {
				t.Fatal(err)
			}
		}); n != want {
			t.Errorf("KAFKA %v Decode: %v allocations, want %v", v.Type, n, want)
		}
	}
}

// BenchmarkJSONDecodeStdlib is a yardstick measured in the same run:
// encoding/json decoding the same record into a struct. It does less than
// Decode (no case-insensitive lookup rules of ksqlDB, no exact-number
// checks), so the ratio is what matters, not the absolute figure.
func BenchmarkJSONDecodeStdlib(b *testing.B) {
	var rec struct {
		ClientID    int64   `json:"CLIENT_ID"`
		Name        string  `json:"NAME"`
		City        string  `json:"CITY"`
		Action      string  `json:"ACTION"`
		Type        string  `json:"TYPE"`
		CreditScore int32   `json:"CREDIT_SCORE"`
		Balance     float64 `json:"BALANCE"`
		Active      bool    `json:"ACTIVE"`
	}
	data := []byte(benchJSON)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := json.Unmarshal(data, &rec); err != nil {
			b.Fatal(err)
		}
	}
}
