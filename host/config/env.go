package config

import (
	"strings"
)

// Environment variable prefixes.
const (
	// EnvPrefixKSQL is the prefix of the variables ksqlDB's container images
	// turn into ksql-server.properties entries.
	EnvPrefixKSQL = "KSQL_"
	// EnvPrefixWasmstream is wasmstream's own prefix; it wins over KSQL_.
	EnvPrefixWasmstream = "WASMSTREAM_"
)

// ksqlEnvExcluded are KSQL_ variables of ksqlDB's images that configure the
// JVM or the image, not ksql-server.properties.
var ksqlEnvExcluded = map[string]bool{
	"KSQL_OPTS":                 true,
	"KSQL_HEAP_OPTS":            true,
	"KSQL_JVM_PERFORMANCE_OPTS": true,
	"KSQL_JMX_OPTS":             true,
	"KSQL_LOG4J_OPTS":           true,
	"KSQL_CLASSPATH":            true,
	"KSQL_CONFIG_DIR":           true,
	"KSQL_LOG_DIR":              true,
}

// EnvKey maps an environment variable name to a configuration key the way
// Confluent's images (their "dub" template tool) do: drop the prefix, lower
// the case, then read every run of underscores: "_" is ".", "__" is "_",
// "___" is "-". So KSQL_BOOTSTRAP_SERVERS is bootstrap.servers,
// KSQL_KSQL_SERVICE_ID is ksql.service.id and KSQL_KSQL_STREAMS_NUM_STREAM__THREADS
// would be ksql.streams.num.stream_threads. Longer runs are read three at a
// time, then the rest ("____" is "-_").
//
// It returns false for names without the prefix, for an empty remainder, and
// for the JVM and image variables of ksqlDB's images (KSQL_OPTS,
// KSQL_HEAP_OPTS, KSQL_LOG4J_*, ...).
func EnvKey(name, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || rest == "" {
		return "", false
	}
	if prefix == EnvPrefixKSQL && (ksqlEnvExcluded[name] || strings.HasPrefix(name, "KSQL_LOG4J_")) {
		return "", false
	}
	rest = strings.ToLower(rest)
	var b strings.Builder
	b.Grow(len(rest))
	for i := 0; i < len(rest); {
		if rest[i] != '_' {
			b.WriteByte(rest[i])
			i++
			continue
		}
		n := 0
		for i < len(rest) && rest[i] == '_' {
			n++
			i++
		}
		if n == 1 {
			b.WriteByte('.')
			continue
		}
		for ; n >= 3; n -= 3 {
			b.WriteByte('-')
		}
		if n > 0 { // 1 or 2 left over
			b.WriteByte('_')
		}
	}
	return b.String(), true
}

// envMap turns an environ list ("NAME=value") into a map.
func envMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}
