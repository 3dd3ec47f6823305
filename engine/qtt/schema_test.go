package qtt

import (
	"testing"

	"github.com/wasmstream/wasmstream/sdk"
)

func TestParseSchema(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"ID INT KEY, NAME STRING", "ID INTEGER KEY, NAME STRING"},
		{"T_ID BIGINT KEY, `NAME` STRING, `VALUE` BIGINT", "T_ID BIGINT KEY, NAME STRING, VALUE BIGINT"},
		{"id int primary key, `Mixed` varchar", "ID INTEGER KEY, Mixed STRING"},
		{"K STRING KEY, ID BIGINT, KSQL_COL_0 DECIMAL(4, 3)", "K STRING KEY, ID BIGINT, KSQL_COL_0 DECIMAL(4,3)"},
		{"FOO MAP<STRING, INT>", "FOO MAP<STRING,INTEGER>"},
		{"S STRUCT<`a` INT, B ARRAY<VARCHAR>>", "S STRUCT<a INTEGER,B ARRAY<STRING>>"},
		{"H ARRAY<STRUCT<KEY STRING, VALUE BYTES>> HEADERS", "H ARRAY<STRUCT<KEY STRING,VALUE BYTES>> HEADERS"},
	}
	for _, tt := range tests {
		cols, err := parseSchema(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got := formatSchema(cols); got != tt.want {
			t.Errorf("parseSchema(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"ID", "`ID INT", "X ARRAY<INT"} {
		if _, err := parseSchema(bad); err == nil {
			t.Errorf("parseSchema(%q) accepted", bad)
		}
	}
}

func TestSchemasEqual(t *testing.T) {
	src := &sdk.Source{Kind: sdk.Stream, Columns: []sdk.Column{
		{Name: "NAME", Type: sdk.TypeString},
		{Name: "ID", Type: sdk.TypeInt, Key: true},
	}}
	tests := []struct {
		schema string
		want   bool
	}{
		{"ID INT KEY, NAME STRING", true},
		{"NAME STRING, ID INTEGER KEY", true},
		{"ID INT KEY, NAME STRING, X INT", false},
		{"ID BIGINT KEY, NAME STRING", false},
		{"ID INT, NAME STRING", false},
		{"ID INT KEY, `name` STRING", false},
	}
	for _, tt := range tests {
		cols, err := parseSchema(tt.schema)
		if err != nil {
			t.Fatal(err)
		}
		if got := schemasEqual(cols, sourceSchema(src)); got != tt.want {
			t.Errorf("%q vs %s: %v, want %v", tt.schema, src.SchemaString(), got, tt.want)
		}
	}
}
