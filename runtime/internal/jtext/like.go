package jtext

import "unicode/utf8"

// Like matches ksqlDB's LIKE, which compiles the pattern to a Java regular
// expression without DOTALL: % is ".*" and _ is ".", so both match any
// character except the line terminators \n, \r, U+0085, U+2028 and U+2029;
// the escape character (a code point, or -1 for none) makes the next
// character literal, whatever it is; matching is case-sensitive and must
// cover the whole string. valid is false when the pattern ends with the
// escape character, which ksqlDB rejects with an error.
//
// The matcher simulates the pattern's automaton over the string, so it takes
// O(len(s) * len(pattern)) time whatever the pattern (no backtracking).
// Its scratch space lives in m and is reused between calls.
type Matcher struct {
	toks []likeTok
	cur  []uint64
	nxt  []uint64
}

type likeTok struct {
	kind byte // tokLit, tokOne, tokAny
	r    rune
}

const (
	tokLit byte = iota
	tokOne
	tokAny
)

func isLineTerminator(r rune) bool {
	return r == '\n' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029
}

func decodeRune(s []byte) (rune, int) {
	if s[0] < utf8.RuneSelf {
		return rune(s[0]), 1
	}
	return utf8.DecodeRune(s) // an invalid byte decodes as U+FFFD, as in Java
}

// Like reports whether s matches pattern; see Matcher.
func (m *Matcher) Like(s, pattern []byte, escape rune) (match, valid bool) {
	m.toks = m.toks[:0]
	escaped := false
	for i := 0; i < len(pattern); {
		r, n := decodeRune(pattern[i:])
		i += n
		switch {
		case escaped:
			escaped = false
			m.toks = append(m.toks, likeTok{tokLit, r})
		case escape >= 0 && r == escape:
			escaped = true
		case r == '%':
			if k := len(m.toks); k == 0 || m.toks[k-1].kind != tokAny { // %% is %
				m.toks = append(m.toks, likeTok{kind: tokAny})
			}
		case r == '_':
			m.toks = append(m.toks, likeTok{kind: tokOne})
		default:
			m.toks = append(m.toks, likeTok{tokLit, r})
		}
	}
	if escaped {
		return false, false
	}
	states := len(m.toks) + 1 // state j: the first j tokens are matched
	words := (states + 63) / 64
	if cap(m.cur) < words {
		m.cur = make([]uint64, words)
		m.nxt = make([]uint64, words)
	}
	cur, nxt := m.cur[:words], m.nxt[:words]
	clear(cur)
	cur[0] = 1
	m.closure(cur)
	for i := 0; i < len(s); {
		r, n := decodeRune(s[i:])
		i += n
		clear(nxt)
		alive := false
		for j, t := range m.toks {
			if cur[j>>6]&(1<<(j&63)) == 0 {
				continue
			}
			switch t.kind {
			case tokLit:
				if t.r != r {
					continue
				}
				nxt[(j+1)>>6] |= 1 << ((j + 1) & 63)
			case tokOne:
				if isLineTerminator(r) {
					continue
				}
				nxt[(j+1)>>6] |= 1 << ((j + 1) & 63)
			case tokAny:
				if isLineTerminator(r) {
					continue
				}
				nxt[j>>6] |= 1 << (j & 63)
			}
			alive = true
		}
		if !alive {
			return false, true
		}
		m.closure(nxt)
		cur, nxt = nxt, cur
	}
	last := len(m.toks)
	return cur[last>>6]&(1<<(last&63)) != 0, true
}

// closure adds the states reachable by letting a % match nothing.
func (m *Matcher) closure(set []uint64) {
	for j, t := range m.toks {
		if t.kind == tokAny && set[j>>6]&(1<<(j&63)) != 0 {
			set[(j+1)>>6] |= 1 << ((j + 1) & 63)
		}
	}
}
