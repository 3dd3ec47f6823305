package serde

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

func TestDelimitedDecode(t *testing.T) {
	null := sdk.Null
	three := []sdk.Column{col("ID", sdk.TypeBigInt), col("NAME", sdk.TypeString), col("VALUE", sdk.TypeInt)}
	tests := []struct {
		name  string
		cols  []sdk.Column
		delim string
		in    string
		want  []sdk.Value
		err   string
	}{
		{name: "plain", cols: three, in: "0,zero,0",
			want: []sdk.Value{sdk.BigInt(0), sdk.Str("zero"), sdk.Int(0)}},
		// project-filter.json "Filter on string literal": 4294967296 fits a BIGINT.
		{name: "project-filter.json big BIGINT", cols: []sdk.Column{col("C1", sdk.TypeBigInt), col("C2", sdk.TypeInt), col("C3", sdk.TypeString)},
			in: "4294967296,456,foo", want: []sdk.Value{sdk.BigInt(4294967296), sdk.Int(456), sdk.Str("foo")}},
		{name: "empty fields are NULL for every type", cols: three, in: ",,",
			want: []sdk.Value{null(sdk.TypeBigInt), null(sdk.TypeString), null(sdk.TypeInt)}},
		{name: "quoted empty string is NULL too", cols: []sdk.Column{col("A", sdk.TypeString), col("B", sdk.TypeString)}, in: `"",x`,
			want: []sdk.Value{null(sdk.TypeString), sdk.Str("x")}},
		{name: "trailing delimiter gives an empty last field", cols: []sdk.Column{col("A", sdk.TypeString), col("B", sdk.TypeString)}, in: `a,`,
			want: []sdk.Value{sdk.Str("a"), null(sdk.TypeString)}},
		{name: "quoting and doubled quotes", cols: []sdk.Column{col("A", sdk.TypeString), col("B", sdk.TypeString)}, in: `"a,""b""","line1` + "\n" + `line2"`,
			want: []sdk.Value{sdk.Str(`a,"b"`), sdk.Str("line1\nline2")}},
		{name: "quote inside an unquoted field is literal", cols: []sdk.Column{col("A", sdk.TypeString)}, in: `a"b"`,
			want: []sdk.Value{sdk.Str(`a"b"`)}},
		{name: "space after closing quote is allowed", cols: []sdk.Column{col("A", sdk.TypeString), col("B", sdk.TypeInt)}, in: `"a"  ,1`,
			want: []sdk.Value{sdk.Str("a"), sdk.Int(1)}},
		{name: "leading spaces are kept", cols: []sdk.Column{col("A", sdk.TypeString)}, in: `  a `,
			want: []sdk.Value{sdk.Str("  a ")}},
		{name: "only the first record is read", cols: []sdk.Column{col("A", sdk.TypeInt), col("B", sdk.TypeInt)}, in: "\r\n\n1,2\r\n3,4,5",
			want: []sdk.Value{sdk.Int(1), sdk.Int(2)}},
		// delimited.json "BOOLEAN - key", "BIGINT - key", "DOUBLE - key": quoted keys.
		{name: "delimited.json quoted BOOLEAN key", cols: []sdk.Column{col("K", sdk.TypeBoolean)}, in: `"true"`, want: []sdk.Value{sdk.Bool(true)}},
		{name: "delimited.json quoted BIGINT key", cols: []sdk.Column{col("K", sdk.TypeBigInt)}, in: `"10"`, want: []sdk.Value{sdk.BigInt(10)}},
		{name: "delimited.json quoted DOUBLE key", cols: []sdk.Column{col("K", sdk.TypeDouble)}, in: `"123.456"`, want: []sdk.Value{sdk.Double(123.456)}},
		{name: "boolean any case", cols: []sdk.Column{col("A", sdk.TypeBoolean), col("B", sdk.TypeBoolean)}, in: `TRUE,False`,
			want: []sdk.Value{sdk.Bool(true), sdk.Bool(false)}},
		{name: "boolean garbage is an error", cols: []sdk.Column{col("A", sdk.TypeBoolean)}, in: `yes`, err: `DELIMITED value: field "A": cannot parse "yes" as BOOLEAN`},
		{name: "INT with plus sign (Integer.parseInt)", cols: []sdk.Column{col("A", sdk.TypeInt)}, in: `+7`, want: []sdk.Value{sdk.Int(7)}},
		{name: "INT with spaces is an error", cols: []sdk.Column{col("A", sdk.TypeInt)}, in: ` 7`, err: "cannot parse"},
		{name: "INT out of range", cols: []sdk.Column{col("A", sdk.TypeInt)}, in: `2147483648`, err: "cannot parse"},
		{name: "BIGINT limits", cols: []sdk.Column{col("A", sdk.TypeBigInt), col("B", sdk.TypeBigInt)}, in: `-9223372036854775808,9223372036854775807`,
			want: []sdk.Value{sdk.BigInt(math.MinInt64), sdk.BigInt(math.MaxInt64)}},
		{name: "DOUBLE forms (Double.parseDouble)", cols: []sdk.Column{col("A", sdk.TypeDouble), col("B", sdk.TypeDouble), col("C", sdk.TypeDouble), col("D", sdk.TypeDouble), col("E", sdk.TypeDouble)},
			in:   `.5,1e3,4.9E-324,2d,0x1.8p1`,
			want: []sdk.Value{sdk.Double(0.5), sdk.Double(1000), sdk.Double(4.9e-324), sdk.Double(2), sdk.Double(3)}},
		{name: "exact double", cols: []sdk.Column{col("A", sdk.TypeDouble)}, in: `55555.555555555555555555`, want: []sdk.Value{sdk.Double(55555.555555555555555555)}},
		// delimited.json "select delimited value_format with pipe separated values".
		{name: "delimited.json pipe delimiter", cols: three, delim: "|", in: "0|zero|0",
			want: []sdk.Value{sdk.BigInt(0), sdk.Str("zero"), sdk.Int(0)}},
		// delimited.json "... SPACE separated values using custom delimiter character".
		{name: "delimited.json SPACE delimiter", cols: three, delim: "SPACE", in: "100 100 500",
			want: []sdk.Value{sdk.BigInt(100), sdk.Str("100"), sdk.Int(500)}},
		{name: "TAB delimiter", cols: three, delim: "TAB", in: "1\ta,b\t2",
			want: []sdk.Value{sdk.BigInt(1), sdk.Str("a,b"), sdk.Int(2)}},
		{name: "multi-byte delimiter", cols: three, delim: "§", in: "1§a§2",
			want: []sdk.Value{sdk.BigInt(1), sdk.Str("a"), sdk.Int(2)}},
		{name: "too few fields", cols: three, in: "1,a", err: "DELIMITED value: expected 3 fields, found 2"},
		{name: "too many fields", cols: three, in: "1,a,2,3", err: "expected 3 fields, found 4"},
		{name: "unterminated quote", cols: three, in: `1,"a,2`, err: "not terminated"},
		{name: "junk after closing quote", cols: three, in: `1,"a"x,2`, err: "after the closing quote"},
		{name: "empty record, several columns", cols: three, in: "", err: "no fields in record"},
		{name: "empty record, one column is NULL", cols: []sdk.Column{col("A", sdk.TypeString)}, in: "", want: []sdk.Value{null(sdk.TypeString)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, "DELIMITED", tc.cols, Options{Delimiter: tc.delim})
			row := make([]sdk.Value, len(tc.cols))
			err := s.Decode([]byte(tc.in), row)
			if tc.err != "" {
				var se *Error
				if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Decode(%q) error = %v, want a *Error containing %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode(%q): %v", tc.in, err)
			}
			if !sameRow(row, tc.want) {
				t.Fatalf("Decode(%q) = %s, want %s", tc.in, fmtRow(row), fmtRow(tc.want))
			}
		})
	}
}

func TestDelimitedEncode(t *testing.T) {
	tests := []struct {
		name string
		cols []sdk.Column
		opts Options
		row  []sdk.Value
		want string
	}{
		{name: "plain", cols: []sdk.Column{col("A", sdk.TypeBigInt), col("B", sdk.TypeString), col("C", sdk.TypeDouble)},
			row: []sdk.Value{sdk.BigInt(0), sdk.Str("zero"), sdk.Double(0)}, want: "0,zero,0.0"},
		// project-filter.json "project string with embedded code".
		{name: "project-filter.json embedded quotes", cols: []sdk.Column{col("X", sdk.TypeString)},
			row:  []sdk.Value{sdk.Str(`" + new java.util.function.Supplier<String>(){public String get() {return "boom";}}.get() + "`)},
			want: `""" + new java.util.function.Supplier<String>(){public String get() {return ""boom"";}}.get() + """`},
		// string.json: white space at either end is quoted.
		{name: "string.json white space", cols: []sdk.Column{col("A", sdk.TypeString), col("B", sdk.TypeString), col("C", sdk.TypeString)},
			row: []sdk.Value{sdk.Str(" \t x \t"), sdk.Str("with white space"), sdk.Str("\t wit")}, want: "\" \t x \t\",with white space,\"\t wit\""},
		// bytes.json: "!" and "#" are quoted in any position.
		{name: "leading ! and # are quoted", cols: []sdk.Column{col("A", sdk.TypeString), col("B", sdk.TypeString), col("C", sdk.TypeString)},
			row: []sdk.Value{sdk.Str("!"), sdk.Str("IQ=="), sdk.Str("#")}, want: `"!",IQ==,"#"`},
		// delimited.json "read written decimals" and multi-col-keys.json: a first field "-..." is quoted, later ones not.
		{name: "negative first field is quoted", cols: []sdk.Column{col("A", sdk.TypeInt), col("B", sdk.TypeInt)},
			row: []sdk.Value{sdk.Int(-10), sdk.Int(-2147483647)}, want: `"-10",-2147483647`},
		// floating-point.json style: Java's Double.toString for extremes.
		{name: "java doubles", cols: []sdk.Column{col("A", sdk.TypeDouble), col("B", sdk.TypeDouble), col("C", sdk.TypeDouble), col("D", sdk.TypeDouble)},
			row:  []sdk.Value{sdk.Double(4.9e-324), sdk.Double(-2.2250738585072014e-308), sdk.Double(1.7976931348623157e308), sdk.Double(123.456)},
			want: `4.9E-324,-2.2250738585072014E-308,1.7976931348623157E308,123.456`},
		{name: "nulls are empty", cols: []sdk.Column{col("A", sdk.TypeString), col("B", sdk.TypeInt), col("C", sdk.TypeInt)},
			row: []sdk.Value{sdk.Null(sdk.TypeString), sdk.Null(sdk.TypeInt), sdk.Int(100)}, want: `,,100`},
		{name: "empty first string is quoted", cols: []sdk.Column{col("A", sdk.TypeString), col("B", sdk.TypeString)},
			row: []sdk.Value{sdk.Str(""), sdk.Str("")}, want: `"",`},
		{name: "delimiter inside is quoted", cols: []sdk.Column{col("A", sdk.TypeString), col("B", sdk.TypeString)}, opts: Options{Delimiter: "|"},
			row: []sdk.Value{sdk.Str("a|b"), sdk.Str("c,d")}, want: `"a|b"|c,d`},
		{name: "booleans", cols: []sdk.Column{col("A", sdk.TypeBoolean), col("B", sdk.TypeBoolean)},
			row: []sdk.Value{sdk.Bool(true), sdk.Bool(false)}, want: `true,false`},
		{name: "first field starting with a non-ASCII letter is quoted", cols: []sdk.Column{col("A", sdk.TypeString), col("B", sdk.TypeString)},
			row: []sdk.Value{sdk.Str("été"), sdk.Str("été")}, want: `"été",été`},
		{name: "single NULL value is an empty record", cols: []sdk.Column{col("A", sdk.TypeInt)},
			row: []sdk.Value{sdk.Null(sdk.TypeInt)}, want: ``},
		{name: "single NULL key is a null record", cols: []sdk.Column{col("K", sdk.TypeInt)}, opts: Options{Key: true},
			row: []sdk.Value{sdk.Null(sdk.TypeInt)}, want: "<nil>"},
		{name: "all-NULL multi-column key is a record of empty fields", cols: []sdk.Column{col("K", sdk.TypeInt), col("K2", sdk.TypeString)}, opts: Options{Key: true},
			row: []sdk.Value{sdk.Null(sdk.TypeInt), sdk.Null(sdk.TypeString)}, want: ","},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustNew(t, "DELIMITED", tc.cols, tc.opts)
			out, err := s.Encode(nil, tc.row)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			got := string(out)
			if out == nil {
				got = "<nil>"
			}
			if got != tc.want {
				t.Fatalf("Encode = %q, want %q", got, tc.want)
			}
			if out == nil {
				return
			}
			// What we write reads back.
			row := make([]sdk.Value, len(tc.cols))
			if err := s.Decode(out, row); err != nil {
				t.Fatalf("Decode(Encode) = %v", err)
			}
			for i, v := range tc.row {
				if v.Type == sdk.TypeString && !v.Null && v.S == "" {
					v = sdk.Null(sdk.TypeString) // empty reads back as NULL, as in ksqlDB
				}
				if !v.Equal(row[i]) {
					t.Fatalf("round trip: column %d = %#v, want %#v", i, row[i], v)
				}
			}
		})
	}
}

func TestDelimiterOption(t *testing.T) {
	one := []sdk.Column{col("A", sdk.TypeInt)}
	tests := []struct{ delim, err string }{
		{"", ""}, {"|", ""}, {"TAB", ""}, {"SPACE", ""}, {"§", ""},
		// delimited.json "validate value_delimiter to be single character".
		{"<~>", "Delimiter must be a single character or TAB,SPACE"},
		// delimited.json "validate delimiter is not a space" / "... not a tab character".
		{" ", "Delimiter cannot be empty"},
		{"\t", "Delimiter cannot be empty"},
		{"tab", "Delimiter must be a single character"},
		{`"`, "cannot be the same"},
		{"\n", "Delimiter cannot be empty"},
		{"\x01", "Delimiter cannot be empty"},
	}
	for _, tc := range tests {
		_, err := New("DELIMITED", one, Options{Delimiter: tc.delim})
		if tc.err == "" {
			if err != nil {
				t.Errorf("delimiter %q: %v", tc.delim, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("delimiter %q: error = %v, want %q", tc.delim, err, tc.err)
		}
	}
}
