// Package scanner turns ksqlDB-dialect SQL text into tokens.
//
// The scanner is hand-written and works on a string in one pass. It follows
// ksqlDB's lexical rules: keywords and unquoted identifiers are
// case-insensitive (identifiers are upper-cased); identifiers may be quoted
// with backticks or double quotes and are then kept as written, a doubled
// quote standing for one; strings use single quotes, two single quotes
// standing for one; `--` starts a line comment and `/* */` a block comment.
// Bad input never panics: every problem is reported to the error handler with
// its position, the scanner returns an ILLEGAL token and goes on.
package scanner

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/wasmstream/wasmstream/sql2wasm/token"
)

// ErrorHandler receives each lexical error with the position it starts at.
type ErrorHandler func(pos token.Pos, msg string)

// Scanner reads tokens from a script. The zero value is not usable; call
// Init first.
type Scanner struct {
	src string
	off int // offset of the next unread byte
	err ErrorHandler

	// ErrorCount is the number of errors reported so far.
	ErrorCount int
}

// Init prepares s to scan src from the beginning. err may be nil, in which
// case errors are only counted.
func (s *Scanner) Init(src string, err ErrorHandler) {
	s.src = src
	s.off = 0
	s.err = err
	s.ErrorCount = 0
}

func (s *Scanner) error(off int, msg string) {
	s.ErrorCount++
	if s.err != nil {
		s.err(token.PosOf(off), msg)
	}
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// isIdentPart reports whether c may continue an unquoted identifier; ksqlDB
// allows '@' there (but not at the start).
func isIdentPart(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' || c == '@' }

// skipSpace skips white space and comments. It reports an unterminated block
// comment and stops at the end of the input.
func (s *Scanner) skipSpace() {
	for s.off < len(s.src) {
		switch c := s.src[s.off]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			s.off++
		case c == '-' && s.off+1 < len(s.src) && s.src[s.off+1] == '-':
			nl := strings.IndexByte(s.src[s.off:], '\n')
			if nl < 0 {
				s.off = len(s.src)
			} else {
				s.off += nl + 1
			}
		case c == '/' && s.off+1 < len(s.src) && s.src[s.off+1] == '*':
			end := strings.Index(s.src[s.off+2:], "*/")
			if end < 0 {
				s.error(s.off, "unterminated comment: missing */")
				s.off = len(s.src)
			} else {
				s.off += 2 + end + 2
			}
		default:
			return
		}
	}
}

// Scan returns the next token. At the end of the input it returns EOF, again
// and again.
func (s *Scanner) Scan() token.Token {
	s.skipSpace()
	start := s.off
	tok := token.Token{Pos: token.PosOf(start)}
	if s.off >= len(s.src) {
		tok.Kind = token.EOF
		tok.End = tok.Pos
		return tok
	}
	c := s.src[s.off]
	switch {
	case isLetter(c) || c == '_':
		s.off++
		for s.off < len(s.src) && isIdentPart(s.src[s.off]) {
			s.off++
		}
		tok.Lit = upper(s.src[start:s.off])
		tok.Kind = token.Lookup(tok.Lit)
	case isDigit(c) || c == '.' && s.off+1 < len(s.src) && isDigit(s.src[s.off+1]):
		tok.Kind, tok.Lit = s.number()
	case c == '\'':
		tok.Kind, tok.Lit = s.quoted('\'', token.STRING)
	case c == '`' || c == '"':
		tok.Kind, tok.Lit = s.quoted(c, token.QIDENT)
	case c == '$':
		tok.Kind, tok.Lit = s.variable()
	default:
		tok.Kind = s.operator()
		if tok.Kind == token.ILLEGAL {
			tok.Lit = s.src[start:s.off]
		} else {
			tok.Lit = tok.Kind.String()
		}
	}
	tok.End = token.PosOf(s.off)
	return tok
}

// upper upper-cases ASCII letters without allocating when w is already upper
// case, which is the common case for keywords in scripts.
func upper(w string) string {
	for i := 0; i < len(w); i++ {
		if 'a' <= w[i] && w[i] <= 'z' {
			return strings.ToUpper(w)
		}
	}
	return w
}

// number scans INTEGER, DECIMAL and FLOAT literals, and ksqlDB's identifiers
// that start with a digit (such as 1ST): the longest match wins, as in
// ksqlDB's lexer.
func (s *Scanner) number() (token.Kind, string) {
	start := s.off
	kind := token.INTEGER
	for s.off < len(s.src) && isDigit(s.src[s.off]) {
		s.off++
	}
	digitsEnd := s.off
	if s.off < len(s.src) && s.src[s.off] == '.' {
		kind = token.DECIMAL
		s.off++
		for s.off < len(s.src) && isDigit(s.src[s.off]) {
			s.off++
		}
	}
	if s.off < len(s.src) && (s.src[s.off] == 'e' || s.src[s.off] == 'E') {
		e := s.off + 1
		if e < len(s.src) && (s.src[e] == '+' || s.src[e] == '-') {
			e++
		}
		if e < len(s.src) && isDigit(s.src[e]) {
			for e < len(s.src) && isDigit(s.src[e]) {
				e++
			}
			kind = token.FLOAT
			s.off = e
		}
	}
	if kind != token.DECIMAL && digitsEnd > start {
		// A digit identifier: digits followed by letters, digits, '_' or
		// '@', when that run is longer than the number.
		end := digitsEnd
		for end < len(s.src) && isIdentPart(s.src[end]) {
			end++
		}
		if end > s.off {
			s.off = end
			return token.IDENT, upper(s.src[start:end])
		}
	}
	return kind, s.src[start:s.off]
}

// quoted scans a string literal or a quoted identifier delimited by q, where
// a doubled q stands for one q.
func (s *Scanner) quoted(q byte, kind token.Kind) (token.Kind, string) {
	start := s.off
	s.off++ // opening quote
	var b strings.Builder
	escaped := false
	for {
		i := strings.IndexByte(s.src[s.off:], q)
		if i < 0 {
			what := "string literal"
			if kind == token.QIDENT {
				what = "quoted identifier"
			}
			s.error(start, fmt.Sprintf("unterminated %s: missing closing %c", what, q))
			s.off = len(s.src)
			return token.ILLEGAL, s.src[start:]
		}
		b.WriteString(s.src[s.off : s.off+i])
		s.off += i + 1
		if s.off < len(s.src) && s.src[s.off] == q {
			b.WriteByte(q)
			s.off++
			escaped = true
			continue
		}
		break
	}
	lit := s.src[start+1 : s.off-1]
	if escaped {
		lit = b.String()
	}
	if !utf8.ValidString(lit) {
		s.error(start, "invalid UTF-8 encoding")
		return token.ILLEGAL, s.src[start:s.off]
	}
	if kind == token.QIDENT && lit == "" {
		s.error(start, "empty quoted identifier")
		return token.ILLEGAL, s.src[start:s.off]
	}
	return kind, lit
}

// variable scans ${name}, ksqlDB's variable substitution.
func (s *Scanner) variable() (token.Kind, string) {
	start := s.off
	s.off++
	if s.off < len(s.src) && s.src[s.off] == '{' && s.off+1 < len(s.src) &&
		(isLetter(s.src[s.off+1]) || s.src[s.off+1] == '_') {
		e := s.off + 2
		for e < len(s.src) && isIdentPart(s.src[e]) {
			e++
		}
		if e < len(s.src) && s.src[e] == '}' {
			s.off = e + 1
			return token.VARIABLE, s.src[start+2 : e]
		}
	}
	s.error(start, "illegal character U+0024 '$'")
	return token.ILLEGAL, "$"
}

// operator scans an operator or punctuation, or reports an illegal
// character.
func (s *Scanner) operator() token.Kind {
	c := s.src[s.off]
	var next byte
	if s.off+1 < len(s.src) {
		next = s.src[s.off+1]
	}
	two := func(k token.Kind) token.Kind { s.off += 2; return k }
	one := func(k token.Kind) token.Kind { s.off++; return k }
	switch c {
	case '=':
		if next == '>' {
			return two(token.LAMBDA)
		}
		return one(token.EQ)
	case '<':
		switch next {
		case '>':
			return two(token.NE)
		case '=':
			return two(token.LE)
		}
		return one(token.LT)
	case '>':
		if next == '=' {
			return two(token.GE)
		}
		return one(token.GT)
	case '!':
		if next == '=' {
			return two(token.NE)
		}
	case '+':
		return one(token.PLUS)
	case '-':
		if next == '>' {
			return two(token.ARROW)
		}
		return one(token.MINUS)
	case '*':
		return one(token.STAR)
	case '/':
		return one(token.SLASH)
	case '%':
		return one(token.PERCENT)
	case '|':
		if next == '|' {
			return two(token.CONCAT)
		}
	case ',':
		return one(token.COMMA)
	case '(':
		return one(token.LPAREN)
	case ')':
		return one(token.RPAREN)
	case '.':
		return one(token.DOT)
	case ';':
		return one(token.SEMICOLON)
	case '[':
		return one(token.LBRACK)
	case ']':
		return one(token.RBRACK)
	case ':':
		if next == '=' {
			return two(token.ASSIGN)
		}
		return one(token.COLON)
	}
	r, size := utf8.DecodeRuneInString(s.src[s.off:])
	if r == utf8.RuneError && size <= 1 {
		s.error(s.off, fmt.Sprintf("invalid UTF-8 encoding (byte 0x%02x)", c))
		s.off++
		return token.ILLEGAL
	}
	if r < 0x20 || r == 0x7f {
		s.error(s.off, fmt.Sprintf("illegal character %U", r))
	} else {
		s.error(s.off, fmt.Sprintf("illegal character %U %q", r, r))
	}
	s.off += size
	return token.ILLEGAL
}
