package scanner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// scanAll returns "KIND:lit" for every token up to EOF, and the errors as
// "offset: msg".
func scanAll(src string) (toks []string, errs []string) {
	var s Scanner
	s.Init(src, func(pos token.Pos, msg string) {
		errs = append(errs, fmt.Sprintf("%d: %s", pos.Offset(), msg))
	})
	for i := 0; i <= len(src)+1; i++ {
		t := s.Scan()
		if t.Kind == token.EOF {
			return toks, errs
		}
		toks = append(toks, fmt.Sprintf("%s:%s", t.Kind, t.Lit))
	}
	toks = append(toks, "no EOF")
	return toks, errs
}

func TestScanValid(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{"select a From t", "SELECT:SELECT identifier:A FROM:FROM identifier:T"},
		{"key Value size", "KEY:KEY identifier:VALUE SIZE:SIZE"},
		{"my_col@x _a", "identifier:MY_COL@X identifier:_A"},
		{"`MixedCase` \"dq\" `a``b` \"c\"\"d\"", "quoted identifier:MixedCase quoted identifier:dq quoted identifier:a`b quoted identifier:c\"d"},
		{"'it''s' '' 'x'", "string:it's string: string:x"},
		{"'--not a comment' '/*x*/'", "string:--not a comment string:/*x*/"},
		{"1 42 1.5 1. .5 1e3 1.5E-3 2e+4", "integer:1 integer:42 decimal number:1.5 decimal number:1. decimal number:.5 floating-point number:1e3 floating-point number:1.5E-3 floating-point number:2e+4"},
		{"1st 1e 12ab_c 1e5x", "identifier:1ST identifier:1E identifier:12AB_C identifier:1E5X"},
		{"1.5abc", "decimal number:1.5 identifier:ABC"},
		{"t.a t.5", "identifier:T .:. identifier:A identifier:T decimal number:.5"},
		{"= <> != < <= > >= + - * / % || , ( ) . ; [ ] -> : := =>", "=:= <>:<> <>:<> <:< <=:<= >:> >=:>= +:+ -:- *:* /:/ %:% ||:|| ,:, (:( ):) .:. ;:; [:[ ]:] ->:-> ::: :=::= =>:=>"},
		{"a -- comment\nb", "identifier:A identifier:B"},
		{"a /* block\n comment */ b", "identifier:A identifier:B"},
		{"a--", "identifier:A"},
		{"a-1", "identifier:A -:- integer:1"},
		{"${var_1}", "variable:var_1"},
		{"ARRAY<ARRAY<INT>>", "ARRAY:ARRAY <:< ARRAY:ARRAY <:< identifier:INT >:> >:>"},
		{"'é' `ü`", "string:é quoted identifier:ü"},
		{"", ""},
		{"  \t\r\n ", ""},
	}
	for _, tt := range tests {
		toks, errs := scanAll(tt.src)
		if len(errs) > 0 {
			t.Errorf("%q: unexpected errors %v", tt.src, errs)
		}
		if got := strings.Join(toks, " "); got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

func TestScanPositions(t *testing.T) {
	src := "SELECT a,\n  `b` FROM t;"
	var s Scanner
	s.Init(src, nil)
	f := token.NewFile("", src)
	var got []string
	for {
		tok := s.Scan()
		got = append(got, fmt.Sprintf("%s@%s-%d", tok.Lit, f.Position(tok.Pos), tok.End.Offset()))
		if tok.Kind == token.EOF {
			break
		}
	}
	want := "SELECT@1:1-6 A@1:8-8 ,@1:9-9 b@2:3-15 FROM@2:7-20 T@2:12-22 ;@2:13-23 @2:14-23"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("got  %s\nwant %s", g, want)
	}
}

func TestScanErrors(t *testing.T) {
	tests := []struct {
		src  string
		want string // first error, "offset: message"
	}{
		{"'abc", "0: unterminated string literal: missing closing '"},
		{"a `abc", "2: unterminated quoted identifier: missing closing `"},
		{"\"abc", "0: unterminated quoted identifier: missing closing \""},
		{"a /* x", "2: unterminated comment: missing */"},
		{"a # b", "2: illegal character U+0023 '#'"},
		{"a ! b", "2: illegal character U+0021 '!'"},
		{"a | b", "2: illegal character U+007C '|'"},
		{"a $b", "2: illegal character U+0024 '$'"},
		{"é", "0: illegal character U+00E9 'é'"},
		{"a\x00", "1: illegal character U+0000"},
		{"\xff", "0: invalid UTF-8 encoding (byte 0xff)"},
		{"'\xff'", "0: invalid UTF-8 encoding"},
		{"``", "0: empty quoted identifier"},
	}
	for _, tt := range tests {
		_, errs := scanAll(tt.src)
		if len(errs) == 0 {
			t.Errorf("%q: no error, want %q", tt.src, tt.want)
			continue
		}
		if errs[0] != tt.want {
			t.Errorf("%q: got error %q, want %q", tt.src, errs[0], tt.want)
		}
	}
}

// TestScanContinuesAfterError checks that the scanner reports an error and
// still returns the tokens that follow it.
func TestScanContinuesAfterError(t *testing.T) {
	toks, errs := scanAll("a # b")
	if got, want := strings.Join(toks, " "), "identifier:A ILLEGAL:# identifier:B"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if len(errs) != 1 {
		t.Errorf("got %d errors, want 1: %v", len(errs), errs)
	}
}

func TestReserved(t *testing.T) {
	tests := []struct {
		word     string
		reserved bool
	}{
		{"SELECT", true}, {"FROM", true}, {"SIZE", true}, {"SECONDS", true},
		{"KEY", false}, {"TIMESTAMP", false}, {"SESSION", false}, {"EMIT", false},
		{"STRING", false}, {"ID", false}, {"SECOND", false},
	}
	for _, tt := range tests {
		k := token.Lookup(tt.word)
		if !k.IsKeyword() {
			t.Errorf("%s: not a keyword", tt.word)
		}
		if k.IsReserved() != tt.reserved {
			t.Errorf("%s: reserved = %v, want %v", tt.word, k.IsReserved(), tt.reserved)
		}
	}
	if k := token.Lookup("VALUE"); k != token.IDENT {
		t.Errorf("VALUE: got %s, want identifier", k)
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM t WHERE a > 1;",
		"CREATE STREAM `s` (id INT KEY) WITH (kafka_topic='t', value_format='JSON');",
		"'unterminated", "/* x", "1e5x .5 1.", "${v} -> => := ||",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var s Scanner
		s.Init(src, nil)
		last := -1
		for i := 0; i <= len(src)+1; i++ {
			tok := s.Scan()
			if tok.Kind == token.EOF {
				return
			}
			off := tok.Pos.Offset()
			if off <= last || tok.End <= tok.Pos || tok.End.Offset() > len(src) {
				t.Fatalf("bad token span %d..%d after %d", off, tok.End.Offset(), last)
			}
			last = off
		}
		t.Fatalf("no EOF after %d tokens", len(src)+1)
	})
}
