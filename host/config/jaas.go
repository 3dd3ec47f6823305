package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// The JAAS login modules wasmstream understands, by the last component of
// their class name (so shaded copies such as kafkashaded.org.apache... work).
const (
	// PlainLoginModule is org.apache.kafka.common.security.plain.PlainLoginModule
	// (SASL/PLAIN): options username, password.
	PlainLoginModule = "PlainLoginModule"
	// ScramLoginModule is org.apache.kafka.common.security.scram.ScramLoginModule
	// (SASL/SCRAM-SHA-256 and -512): options username, password.
	ScramLoginModule = "ScramLoginModule"
	// OAuthBearerLoginModule is
	// org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule
	// (SASL/OAUTHBEARER): the unsecuredLogin* options of Kafka's unsecured
	// token, or our token / tokenFile options for a static bearer token.
	OAuthBearerLoginModule = "OAuthBearerLoginModule"
	// Krb5LoginModule is com.sun.security.auth.module.Krb5LoginModule
	// (SASL/GSSAPI): options useKeyTab, keyTab, principal, serviceName,
	// useTicketCache, ticketCache.
	Krb5LoginModule = "Krb5LoginModule"
)

// JAAS is the one login module entry of a sasl.jaas.config value:
//
//	<LoginModuleClass> <flag> [name=value ...];
//
// Its options may hold passwords: read them with Option; String prints them
// as [hidden].
type JAAS struct {
	// LoginModule is the full class name as written.
	LoginModule string
	// Flag is the control flag, lower case: required, requisite,
	// sufficient or optional.
	Flag    string
	options map[string]string
}

// Module returns the last component of the login module class name, e.g.
// PlainLoginModule.
func (j JAAS) Module() string {
	if i := strings.LastIndexByte(j.LoginModule, '.'); i >= 0 {
		return j.LoginModule[i+1:]
	}
	return j.LoginModule
}

// Option returns the value of the option name.
func (j JAAS) Option(name string) (string, bool) {
	v, ok := j.options[name]
	return v, ok
}

// OptionNames returns the option names, sorted.
func (j JAAS) OptionNames() []string {
	names := make([]string, 0, len(j.options))
	for k := range j.options {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// String prints the entry with every option value shown as [hidden] except
// the few that are never secret (usernames, principals, service names, file
// paths).
func (j JAAS) String() string {
	return j.format(func(name, v string) string {
		switch name {
		case "username", "principal", "serviceName", "useKeyTab", "keyTab", "useTicketCache",
			"ticketCache", "storeKey", "tokenFile", "unsecuredLoginStringClaim_sub":
			return quoteJAAS(v)
		}
		return Hidden
	})
}

// format writes the entry in JAAS syntax, each value through show.
func (j JAAS) format(show func(name, value string) string) string {
	var b strings.Builder
	b.WriteString(j.LoginModule)
	b.WriteByte(' ')
	b.WriteString(j.Flag)
	for _, k := range j.OptionNames() {
		b.WriteByte(' ')
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(show(k, j.options[k]))
	}
	b.WriteByte(';')
	return b.String()
}

// quoteJAAS quotes v for a JAAS configuration, escaping what the JVM's
// StreamTokenizer unescapes.
func quoteJAAS(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\f':
			b.WriteString(`\f`)
		case '\b':
			b.WriteString(`\b`)
		case '\a':
			b.WriteString(`\a`)
		case '\v':
			b.WriteString(`\v`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, `\%03o`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// JAASError is a malformed sasl.jaas.config. It gives a byte offset and
// never quotes the text, which holds passwords.
type JAASError struct {
	// Offset is the byte offset in the value where the problem is.
	Offset int
	// Msg says what is wrong.
	Msg string
}

// Error implements error.
func (e *JAASError) Error() string {
	return fmt.Sprintf("at byte %d: %s", e.Offset, e.Msg)
}

type jaasTokKind int

const (
	jaasEOF jaasTokKind = iota
	jaasWord
	jaasQuoted
	jaasEquals
	jaasSemicolon
)

type jaasTok struct {
	kind jaasTokKind
	text string
	pos  int
}

type jaasLexer struct {
	s   string
	pos int
}

// skip skips blanks (every control character and space, as StreamTokenizer
// does) and // and /* */ comments.
func (l *jaasLexer) skip() error {
	for l.pos < len(l.s) {
		c := l.s[l.pos]
		switch {
		case c <= ' ':
			l.pos++
		case strings.HasPrefix(l.s[l.pos:], "//"):
			end := strings.IndexAny(l.s[l.pos:], "\r\n")
			if end < 0 {
				l.pos = len(l.s)
			} else {
				l.pos += end
			}
		case strings.HasPrefix(l.s[l.pos:], "/*"):
			end := strings.Index(l.s[l.pos+2:], "*/")
			if end < 0 {
				return &JAASError{Offset: l.pos, Msg: "comment /* is not closed"}
			}
			l.pos += 2 + end + 2
		default:
			return nil
		}
	}
	return nil
}

func isJAASWordByte(c byte) bool {
	return c > ' ' && c != '=' && c != ';' && c != '"' && c != '\''
}

func (l *jaasLexer) next() (jaasTok, error) {
	if err := l.skip(); err != nil {
		return jaasTok{}, err
	}
	if l.pos >= len(l.s) {
		return jaasTok{kind: jaasEOF, pos: l.pos}, nil
	}
	start := l.pos
	switch c := l.s[l.pos]; c {
	case '=':
		l.pos++
		return jaasTok{kind: jaasEquals, pos: start}, nil
	case ';':
		l.pos++
		return jaasTok{kind: jaasSemicolon, pos: start}, nil
	case '"', '\'':
		text, err := l.quoted(c)
		return jaasTok{kind: jaasQuoted, text: text, pos: start}, err
	default:
		// Comments start only between tokens, so an unquoted value such as
		// file:///etc/krb5.keytab is not cut short.
		for l.pos < len(l.s) && isJAASWordByte(l.s[l.pos]) {
			l.pos++
		}
		return jaasTok{kind: jaasWord, text: l.s[start:l.pos], pos: start}, nil
	}
}

// quoted reads a string quoted with q, decoding the escapes of the JVM's
// StreamTokenizer: \a \b \f \n \r \t \v, octal \ooo, and \c for any other c.
func (l *jaasLexer) quoted(q byte) (string, error) {
	start := l.pos
	l.pos++
	var b strings.Builder
	for l.pos < len(l.s) {
		c := l.s[l.pos]
		switch {
		case c == q:
			l.pos++
			return b.String(), nil
		case c == '\n' || c == '\r':
			return "", &JAASError{Offset: start, Msg: "quoted value is not closed before the end of the line"}
		case c == '\\':
			l.pos++
			if l.pos >= len(l.s) {
				return "", &JAASError{Offset: start, Msg: "quoted value is not closed"}
			}
			e := l.s[l.pos]
			switch e {
			case 'a':
				b.WriteByte('\a')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'v':
				b.WriteByte('\v')
			default:
				if e >= '0' && e <= '7' {
					// Up to three octal digits, the first 0-3 for three.
					n := int(e - '0')
					max := 2
					if e > '3' {
						max = 1
					}
					for k := 0; k < max && l.pos+1 < len(l.s) && l.s[l.pos+1] >= '0' && l.s[l.pos+1] <= '7'; k++ {
						l.pos++
						n = n*8 + int(l.s[l.pos]-'0')
					}
					b.WriteRune(rune(n))
				} else {
					b.WriteByte(e)
				}
			}
			l.pos++
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	return "", &JAASError{Offset: start, Msg: "quoted value is not closed"}
}

// loginModuleName matches what can safely be echoed in an error: a Java class
// name ending in LoginModule, which is never a password.
var loginModuleName = regexp.MustCompile(`^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*LoginModule$`)

// ParseJAAS parses a sasl.jaas.config value: exactly one login module entry
// "<class> <flag> name=value ... ;" where values are words or strings quoted
// with " or ' (with the JVM's escapes), // and /* */ comments are allowed,
// and the entry must end with ';' as Kafka requires. An option given twice
// keeps its last value. Errors give a byte offset and never quote values.
//
// Unquoted values are more lenient than the JVM's (which rejects numbers and
// paths unless quoted): anything without blanks, '=', ';' or quotes is one
// word here. Every value the JVM accepts reads the same.
func ParseJAAS(s string) (JAAS, error) {
	l := &jaasLexer{s: s}
	tok, err := l.next()
	if err != nil {
		return JAAS{}, err
	}
	if tok.kind == jaasEOF {
		return JAAS{}, &JAASError{Offset: tok.pos, Msg: "empty: expected a login module class name, e.g. org.apache.kafka.common.security.plain.PlainLoginModule"}
	}
	if tok.kind != jaasWord {
		return JAAS{}, &JAASError{Offset: tok.pos, Msg: "expected a login module class name"}
	}
	j := JAAS{LoginModule: tok.text, options: map[string]string{}}
	tok, err = l.next()
	if err != nil {
		return JAAS{}, err
	}
	if tok.kind != jaasWord {
		return JAAS{}, &JAASError{Offset: tok.pos, Msg: "expected a control flag (required, requisite, sufficient or optional) after the login module"}
	}
	switch f := strings.ToLower(tok.text); f {
	case "required", "requisite", "sufficient", "optional":
		j.Flag = f
	default:
		return JAAS{}, &JAASError{Offset: tok.pos, Msg: "invalid control flag: expected required, requisite, sufficient or optional"}
	}
	for {
		tok, err = l.next()
		if err != nil {
			return JAAS{}, err
		}
		if tok.kind == jaasSemicolon {
			break
		}
		if tok.kind == jaasEOF {
			return JAAS{}, &JAASError{Offset: tok.pos, Msg: "entry is not terminated by ';'"}
		}
		if tok.kind != jaasWord {
			return JAAS{}, &JAASError{Offset: tok.pos, Msg: "expected an option name"}
		}
		name := tok.text
		eq, err := l.next()
		if err != nil {
			return JAAS{}, err
		}
		if eq.kind != jaasEquals {
			// Do not echo name: a stray password would be taken for a name.
			return JAAS{}, &JAASError{Offset: eq.pos, Msg: "expected '=' after an option name"}
		}
		val, err := l.next()
		if err != nil {
			return JAAS{}, err
		}
		if val.kind != jaasWord && val.kind != jaasQuoted {
			return JAAS{}, &JAASError{Offset: val.pos, Msg: fmt.Sprintf("value not specified for option %s", name)}
		}
		j.options[name] = val.text
	}
	tok, err = l.next()
	if err != nil {
		return JAAS{}, err
	}
	if tok.kind != jaasEOF {
		return JAAS{}, &JAASError{Offset: tok.pos, Msg: "more than one login module entry: Kafka clients take exactly one"}
	}
	switch j.Module() {
	case PlainLoginModule, ScramLoginModule, OAuthBearerLoginModule, Krb5LoginModule:
	default:
		if loginModuleName.MatchString(j.LoginModule) {
			return JAAS{}, &JAASError{Offset: 0, Msg: fmt.Sprintf("unsupported login module %s: wasmstream supports PlainLoginModule, ScramLoginModule, OAuthBearerLoginModule and Krb5LoginModule", j.LoginModule)}
		}
		return JAAS{}, &JAASError{Offset: 0, Msg: "unsupported login module: wasmstream supports PlainLoginModule, ScramLoginModule, OAuthBearerLoginModule and Krb5LoginModule"}
	}
	return j, nil
}
