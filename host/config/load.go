package config

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
)

// keyDelim is koanf's key path delimiter. Kafka keys are dotted but flat
// ("ssl.truststore.location" is one key, not a path), so koanf must never
// split them: we give it a delimiter no key contains.
const keyDelim = "\x1f"

func newKoanf() *koanf.Koanf {
	return koanf.NewWithConf(koanf.Conf{Delim: keyDelim})
}

// loadLayers merges the layers with koanf, lowest precedence first, and
// returns the flat key/value map and where each key's winning value came
// from.
func loadLayers(opts Options, environ []string, envm map[string]string) (map[string]string, map[string]Source, error) {
	k := newKoanf()
	sources := make(map[string]Source)
	merge := func(source func(key string) Source, p koanf.Provider, pa koanf.Parser) error {
		lk := newKoanf()
		if err := lk.Load(p, pa); err != nil {
			return err
		}
		for _, key := range lk.Keys() {
			sources[key] = source(key)
		}
		return k.Merge(lk)
	}
	fixed := func(s Source) func(string) Source { return func(string) Source { return s } }

	if err := merge(fixed(Source{Layer: LayerDefault}), confmap.Provider(toAny(builtinDefaults(envm)), ""), nil); err != nil {
		return nil, nil, err
	}
	if len(opts.Defaults) > 0 {
		if err := merge(fixed(Source{Layer: LayerDefault}), confmap.Provider(toAny(opts.Defaults), ""), nil); err != nil {
			return nil, nil, err
		}
	}
	if opts.File != "" {
		var pa koanf.Parser = propertiesParser{}
		switch strings.ToLower(filepath.Ext(opts.File)) {
		case ".yaml", ".yml":
			pa = flatYAML{}
		}
		if err := merge(fixed(Source{Layer: LayerFile, Name: opts.File}), file.Provider(opts.File), pa); err != nil {
			return nil, nil, fmt.Errorf("reading configuration file %s: %w", opts.File, err)
		}
	}
	for _, e := range []struct {
		prefix string
		layer  Layer
	}{{EnvPrefixKSQL, LayerKSQLEnv}, {EnvPrefixWasmstream, LayerWasmstreamEnv}} {
		names := make(map[string]string) // key -> variable name
		prefix := e.prefix
		p := env.Provider("", env.Opt{
			Prefix:      prefix,
			EnvironFunc: func() []string { return environ },
			TransformFunc: func(name, value string) (string, any) {
				key, ok := EnvKey(name, prefix)
				if !ok {
					return "", nil
				}
				if prefix == EnvPrefixWasmstream {
					// WASMSTREAM_STATE_DIR means wasmstream.state.dir: our own
					// keys need not repeat the prefix.
					if class, _, _ := classify(key); class == classUnknown || class == classMisplaced {
						if _, ok := specByName["wasmstream."+key]; ok {
							key = "wasmstream." + key
						}
					}
				}
				names[key] = name
				return key, value
			},
		})
		layer := e.layer
		if err := merge(func(key string) Source { return Source{Layer: layer, Name: names[key]} }, p, nil); err != nil {
			return nil, nil, err
		}
	}
	if len(opts.Flags) > 0 {
		if err := merge(fixed(Source{Layer: LayerFlag}), confmap.Provider(toAny(opts.Flags), ""), nil); err != nil {
			return nil, nil, err
		}
	}

	raw := make(map[string]string)
	for key, v := range k.All() {
		raw[key] = stringify(v)
	}
	return raw, sources, nil
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// stringify turns a YAML scalar or list into the text a properties file
// would hold: lists are comma-joined (bootstrap.servers: [a:9092, b:9092]).
func stringify(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = stringify(e)
		}
		return strings.Join(parts, ",")
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	default:
		return fmt.Sprint(t)
	}
}

// propertiesParser is a koanf.Parser for Java properties files.
type propertiesParser struct{}

// Unmarshal implements koanf.Parser.
func (propertiesParser) Unmarshal(b []byte) (map[string]any, error) {
	props, err := ParseProperties(b)
	if err != nil {
		return nil, err
	}
	return toAny(props), nil
}

// Marshal implements koanf.Parser.
func (propertiesParser) Marshal(m map[string]any) ([]byte, error) {
	props := make(map[string]string, len(m))
	for k, v := range m {
		props[k] = stringify(v)
	}
	return []byte(FormatProperties(props)), nil
}

// flatYAML is a koanf.Parser for YAML that accepts nested maps and dotted
// keys alike and yields flat dotted keys:
//
//	ksql:
//	  service.id: x        # ksql.service.id
//	bootstrap.servers: b:9092
type flatYAML struct{}

// Unmarshal implements koanf.Parser.
func (flatYAML) Unmarshal(b []byte) (map[string]any, error) {
	m, err := yaml.Parser().Unmarshal(b)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any)
	flattenYAML("", m, out)
	return out, nil
}

func flattenYAML(prefix string, m map[string]any, out map[string]any) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch v := m[k].(type) {
		case map[string]any:
			flattenYAML(key, v, out)
		case map[any]any:
			sm := make(map[string]any, len(v))
			for kk, vv := range v {
				sm[fmt.Sprint(kk)] = vv
			}
			flattenYAML(key, sm, out)
		default:
			out[key] = stringify(v)
		}
	}
}

// Marshal implements koanf.Parser.
func (flatYAML) Marshal(m map[string]any) ([]byte, error) {
	return yaml.Parser().Marshal(m)
}
