package config

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// Hidden is what every secret prints as.
const Hidden = "[hidden]"

// Secret holds a password, token, key or credential. Every way of printing
// it (fmt verbs, %#v, JSON, text marshalling, slog) shows [hidden]; only
// Reveal returns the value, so a secret reaches a log only if some code asks
// for it by name.
type Secret struct {
	value string
}

// NewSecret wraps v.
func NewSecret(v string) Secret { return Secret{value: v} }

// Reveal returns the secret's value. Call it only where the value is handed
// to the thing that needs it (a SASL mechanism, a key store decoder).
func (s Secret) Reveal() string { return s.value }

// IsSet reports whether the secret has a non-empty value.
func (s Secret) IsSet() bool { return s.value != "" }

// String implements fmt.Stringer: a secret prints as [hidden], or as an empty
// string when it is not set, so that "is it set?" stays visible.
func (s Secret) String() string {
	if s.value == "" {
		return ""
	}
	return Hidden
}

// GoString implements fmt.GoStringer for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("config.Secret(%q)", s.String()) }

// MarshalText implements encoding.TextMarshaler (and so JSON and YAML).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// secretKeyWords are the fragments that make a key a secret: Kafka's
// password-typed settings, sasl.jaas.config (which carries passwords), tokens,
// credentials, and inline private keys.
var secretKeyWords = []string{
	"password",
	"secret",
	"token",
	"jaas.config",
	"key.password",
	"credentials",
	"user.info",        // ksql.schema.registry.basic.auth.user.info is "user:password"
	"ssl.keystore.key", // an inline PEM private key
	"private.key",
}

// IsSecretKey reports whether the value of key is a secret that must never be
// printed: any key containing password, secret, token, jaas.config,
// key.password, credentials, user.info, ssl.keystore.key or private.key
// (case-insensitive). It errs on the side of hiding.
func IsSecretKey(key string) bool {
	k := strings.ToLower(key)
	for _, w := range secretKeyWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// Redact returns value, or [hidden] when key is a secret key and value is
// not empty.
func Redact(key, value string) string {
	if value != "" && IsSecretKey(key) {
		return Hidden
	}
	return value
}

// refResolver resolves ${env:NAME} and ${file:PATH} references.
type refResolver struct {
	env      map[string]string
	readFile func(string) ([]byte, error)
}

// ErrReference is wrapped by every error resolving a ${env:...} or
// ${file:...} reference.
var ErrReference = errors.New("unresolvable secret reference")

// resolve replaces every ${env:NAME} and ${file:PATH} in v. Other ${...}
// text is left as it is (Kafka leaves references of unknown providers alone
// too). ${file:PATH} is the file's content without its trailing newline;
// ${file:PATH:KEY} (Kafka's FileConfigProvider form) is KEY of the properties
// file PATH, used when PATH:KEY as a whole is not a file. Errors name the
// reference, never a value.
func (r refResolver) resolve(v string) (string, bool, error) {
	if !strings.Contains(v, "${") {
		return v, false, nil
	}
	var b strings.Builder
	used := false
	for {
		i := strings.Index(v, "${")
		if i < 0 {
			b.WriteString(v)
			break
		}
		j := strings.IndexByte(v[i:], '}')
		if j < 0 {
			b.WriteString(v)
			break
		}
		ref := v[i+2 : i+j]
		b.WriteString(v[:i])
		v = v[i+j+1:]
		switch {
		case strings.HasPrefix(ref, "env:"):
			name := strings.TrimPrefix(ref, "env:")
			val, ok := r.env[name]
			if !ok {
				return "", false, fmt.Errorf("%w: ${env:%s}: environment variable %s is not set", ErrReference, name, name)
			}
			b.WriteString(val)
			used = true
		case strings.HasPrefix(ref, "file:"):
			val, err := r.file(strings.TrimPrefix(ref, "file:"))
			if err != nil {
				return "", false, err
			}
			b.WriteString(val)
			used = true
		default:
			b.WriteString("${" + ref + "}")
		}
	}
	return b.String(), used, nil
}

func (r refResolver) file(path string) (string, error) {
	data, err := r.readFile(path)
	if err == nil {
		return strings.TrimRight(string(data), "\r\n"), nil
	}
	if i := strings.LastIndexByte(path, ':'); i > 0 && errors.Is(err, os.ErrNotExist) {
		file, key := path[:i], path[i+1:]
		data, err2 := r.readFile(file)
		if err2 == nil {
			props, perr := ParseProperties(data)
			if perr != nil {
				return "", fmt.Errorf("%w: ${file:%s}: %v", ErrReference, path, perr)
			}
			val, ok := props[key]
			if !ok {
				return "", fmt.Errorf("%w: ${file:%s}: %s has no key %q", ErrReference, path, file, key)
			}
			return val, nil
		}
	}
	return "", fmt.Errorf("%w: ${file:%s}: %v", ErrReference, path, err)
}
