package parser

import (
	"testing"

	"github.com/wasmstream/wasmstream/sql2wasm/ast"
)

// FuzzParse checks that no input makes the parser panic or hang, that every
// error has a position, and that an accepted script prints to SQL that parses
// to the same trees and prints the same again.
func FuzzParse(f *testing.F) {
	for _, tt := range stmtTests {
		f.Add(tt.src)
	}
	for _, tt := range invalidTests {
		f.Add(tt.src)
	}
	for _, tt := range exprTests {
		f.Add("SELECT " + tt.src + " FROM t")
	}
	f.Fuzz(func(t *testing.T, src string) {
		stmts, err := ParseScript("", src)
		if err != nil {
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 || len(list) > MaxErrors {
				t.Fatalf("error is not a non-empty ErrorList of at most %d: %#v", MaxErrors, err)
			}
			for _, e := range list {
				if e.Pos.Line < 1 || e.Pos.Column < 1 || e.Msg == "" {
					t.Fatalf("error without position or message: %v", e)
				}
			}
			_ = FormatError(err, src)
			return
		}
		printed := ast.FormatScript(stmts)
		again, err := ParseScript("", printed)
		if err != nil {
			t.Fatalf("printed form does not parse: %v\nsource:  %q\nprinted: %q", err, src, printed)
		}
		if len(again) != len(stmts) {
			t.Fatalf("printed form has %d statements, want %d\nprinted: %q", len(again), len(stmts), printed)
		}
		for i := range stmts {
			if a, b := ast.Debug(stmts[i]), ast.Debug(again[i]); a != b {
				t.Fatalf("round trip changed the tree\nsource:  %q\nprinted: %q\nbefore: %s\nafter:  %s", src, printed, a, b)
			}
		}
		if p2 := ast.FormatScript(again); p2 != printed {
			t.Fatalf("printing is not stable:\n%q\n%q", printed, p2)
		}
	})
}

// FuzzParseExpr does the same for single expressions.
func FuzzParseExpr(f *testing.F) {
	for _, tt := range exprTests {
		f.Add(tt.src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		x, err := ParseExpr(src)
		if err != nil {
			return
		}
		printed := ast.Format(x)
		again, err := ParseExpr(printed)
		if err != nil {
			t.Fatalf("printed form does not parse: %v\nsource:  %q\nprinted: %q", err, src, printed)
		}
		if a, b := ast.Debug(x), ast.Debug(again); a != b {
			t.Fatalf("round trip changed the tree\nsource:  %q\nprinted: %q\nbefore: %s\nafter:  %s", src, printed, a, b)
		}
	})
}
