// Package config loads wasmstream's configuration: Kafka's and ksqlDB's own
// property names (so a ksqlDB user's ksql.properties works), plus
// wasmstream.* keys, from a Java properties or YAML file, the environment and
// command-line flags, with one precedence, lowest first:
//
//	built-in defaults < Options.Defaults < file < KSQL_* env < WASMSTREAM_* env < flags
//
// Environment variables are mapped as Confluent's images map them
// (KSQL_BOOTSTRAP_SERVERS is bootstrap.servers; see EnvKey). Values may
// reference secrets as ${env:NAME} or ${file:/path}, resolved at load.
//
// Load validates every key once and returns a typed Config. Unknown keys are
// warnings; invalid values are an error that names the key (and never shows a
// secret). Secrets live in Secret values, which print as [hidden]; Show
// prints the effective configuration with every secret [hidden].
//
// host/kafka turns a Config into franz-go client options.
package config
