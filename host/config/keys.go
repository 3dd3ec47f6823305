package config

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// scope says which clients a Kafka client key applies to, or which part of
// the configuration a key belongs to.
type scope int

const (
	scopeCommon   scope = iota // every Kafka client: connection and security
	scopeProducer              // producers only
	scopeConsumer              // consumers only
	scopeStreams               // only as ksql.streams.<name>: processing settings
	scopeKSQL                  // ksql.<name> keys wasmstream uses
	scopeOwn                   // wasmstream.<name>
	scopeIgnored               // accepted for compatibility, no effect
)

// kind is how a key's value is parsed and validated.
type kind int

const (
	kString    kind = iota // any text
	kSecret                // any text, never printed
	kPath                  // a non-empty file system path
	kHostPorts             // comma-separated host:port list
	kInt                   // integer >= min
	kMillis                // integer milliseconds >= min
	kBool                  // true or false
	kEnum                  // one of enum (case-insensitive), stored as written in enum
	kList                  // comma-separated list, each one of enum
	kDuration              // Go duration ("10s") or integer milliseconds, >= min ms
	kSize                  // bytes with an optional unit, >= min bytes
	kName                  // [A-Za-z0-9._-]+, used in topic and group names
)

// keySpec describes one configuration key.
type keySpec struct {
	name  string
	scope scope
	kind  kind
	enum  []string
	min   int64
	max   int64 // 0: no maximum
	def   string
	doc   string
}

// keySpecs lists every key wasmstream reads. Client keys (scope common,
// producer, consumer) are also accepted with the ksql.streams.,
// ksql.streams.producer. and ksql.streams.consumer. prefixes; streams keys
// only with ksql.streams.
var keySpecs = []keySpec{
	// Connection and security: every client.
	{name: "bootstrap.servers", scope: scopeCommon, kind: kHostPorts, doc: "Kafka brokers to connect to first, host:port[,host:port...]; empty means the embedded broker"},
	{name: "client.id", scope: scopeCommon, kind: kString, doc: "client id sent to the brokers"},
	{name: "security.protocol", scope: scopeCommon, kind: kEnum, enum: []string{"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}, def: "PLAINTEXT", doc: "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"},
	{name: "request.timeout.ms", scope: scopeCommon, kind: kMillis, min: 1, doc: "how long a request may wait for its response"},
	{name: "metadata.max.age.ms", scope: scopeCommon, kind: kMillis, min: 1, doc: "how often metadata is refreshed"},
	{name: "retry.backoff.ms", scope: scopeCommon, kind: kMillis, min: 0, doc: "wait between retries"},
	{name: "socket.connection.setup.timeout.ms", scope: scopeCommon, kind: kMillis, min: 1, doc: "dial timeout per broker connection"},
	{name: "connections.max.idle.ms", scope: scopeCommon, kind: kMillis, min: 1, doc: "idle connections are closed after this"},
	{name: "ssl.truststore.location", scope: scopeCommon, kind: kPath, doc: "CA certificates to trust: a JKS, PKCS12 or PEM file"},
	{name: "ssl.truststore.password", scope: scopeCommon, kind: kSecret, doc: "password of the trust store (JKS, PKCS12)"},
	{name: "ssl.truststore.type", scope: scopeCommon, kind: kEnum, enum: []string{"JKS", "PKCS12", "PEM"}, doc: "JKS, PKCS12 or PEM; unset: PEM if the file is PEM, else JKS"},
	{name: "ssl.truststore.certificates", scope: scopeCommon, kind: kString, doc: "inline PEM CA certificates (with ssl.truststore.type=PEM)"},
	{name: "ssl.keystore.location", scope: scopeCommon, kind: kPath, doc: "client certificate and key for mutual TLS: a JKS, PKCS12 or PEM file"},
	{name: "ssl.keystore.password", scope: scopeCommon, kind: kSecret, doc: "password of the key store"},
	{name: "ssl.keystore.type", scope: scopeCommon, kind: kEnum, enum: []string{"JKS", "PKCS12", "PEM"}, doc: "JKS, PKCS12 or PEM; unset: PEM if the file is PEM, else JKS"},
	{name: "ssl.keystore.certificate.chain", scope: scopeCommon, kind: kString, doc: "inline PEM client certificate chain (with ssl.keystore.type=PEM)"},
	{name: "ssl.keystore.key", scope: scopeCommon, kind: kSecret, doc: "inline PEM private key (with ssl.keystore.type=PEM)"},
	{name: "ssl.key.password", scope: scopeCommon, kind: kSecret, doc: "password of the private key inside the key store"},
	{name: "ssl.endpoint.identification.algorithm", scope: scopeCommon, kind: kEnum, enum: []string{"https", ""}, def: "https", doc: "https verifies the broker host name against its certificate; empty turns that check off (the certificate chain is still verified)"},
	{name: "ssl.protocol", scope: scopeCommon, kind: kEnum, enum: []string{"TLSv1.3", "TLSv1.2", "TLS"}, doc: "lowest TLS version: TLSv1.2 or TLSv1.3"},
	{name: "ssl.enabled.protocols", scope: scopeCommon, kind: kList, enum: []string{"TLSv1.2", "TLSv1.3"}, doc: "TLS versions allowed"},
	{name: "ssl.ca.location", scope: scopeCommon, kind: kPath, doc: "librdkafka style: PEM CA file (same as ssl.truststore.location with type PEM)"},
	{name: "ssl.certificate.location", scope: scopeCommon, kind: kPath, doc: "librdkafka style: PEM client certificate"},
	{name: "ssl.key.location", scope: scopeCommon, kind: kPath, doc: "librdkafka style: PEM client private key"},
	{name: "sasl.mechanism", scope: scopeCommon, kind: kEnum, enum: []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI"}, doc: "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or GSSAPI; unset: taken from the sasl.jaas.config login module"},
	{name: "sasl.jaas.config", scope: scopeCommon, kind: kSecret, doc: "JAAS login module entry, as for Java clients"},
	{name: "sasl.username", scope: scopeCommon, kind: kString, doc: "wasmstream shortcut: SASL user name (overrides the one in sasl.jaas.config)"},
	{name: "sasl.password", scope: scopeCommon, kind: kSecret, doc: "wasmstream shortcut: SASL password (overrides the one in sasl.jaas.config)"},
	{name: "sasl.oauthbearer.token", scope: scopeCommon, kind: kSecret, doc: "wasmstream shortcut: static OAUTHBEARER token"},
	{name: "sasl.oauthbearer.token.file", scope: scopeCommon, kind: kPath, doc: "wasmstream shortcut: file holding the OAUTHBEARER token, read at every authentication"},
	{name: "sasl.kerberos.service.name", scope: scopeCommon, kind: kString, def: "kafka", doc: "Kerberos service name of the brokers"},
	{name: "sasl.kerberos.principal", scope: scopeCommon, kind: kString, doc: "Kerberos client principal (librdkafka style; or principal in sasl.jaas.config)"},
	{name: "sasl.kerberos.keytab", scope: scopeCommon, kind: kPath, doc: "Kerberos keytab file (librdkafka style; or keyTab in sasl.jaas.config)"},
	{name: "sasl.kerberos.krb5.conf", scope: scopeCommon, kind: kPath, def: "/etc/krb5.conf", doc: "Kerberos configuration file"},

	// Producers.
	{name: "linger.ms", scope: scopeProducer, kind: kMillis, min: 0, doc: "how long a batch waits for more records"},
	{name: "batch.size", scope: scopeProducer, kind: kInt, min: 1, max: 1 << 30, doc: "largest record batch in bytes"},
	{name: "acks", scope: scopeProducer, kind: kEnum, enum: []string{"all", "-1", "0", "1"}, doc: "all (-1), 1 or 0; idempotence needs all"},
	{name: "compression.type", scope: scopeProducer, kind: kEnum, enum: []string{"none", "gzip", "snappy", "lz4", "zstd"}, doc: "batch compression"},
	{name: "enable.idempotence", scope: scopeProducer, kind: kBool, doc: "idempotent producer (default true)"},
	{name: "max.in.flight.requests.per.connection", scope: scopeProducer, kind: kInt, min: 1, max: 1 << 20, doc: "produce requests in flight per broker"},
	{name: "delivery.timeout.ms", scope: scopeProducer, kind: kMillis, min: 1, doc: "how long a record may take to be acknowledged"},
	{name: "max.request.size", scope: scopeProducer, kind: kInt, min: 1, max: 1 << 30, doc: "largest request written to a broker in bytes"},
	{name: "retries", scope: scopeProducer, kind: kInt, min: 0, max: 1 << 31, doc: "retries per record"},
	{name: "transaction.timeout.ms", scope: scopeProducer, kind: kMillis, min: 1, doc: "transaction timeout (exactly-once)"},

	// Consumers.
	{name: "fetch.max.bytes", scope: scopeConsumer, kind: kInt, min: 1, max: 1 << 30, doc: "most bytes per fetch response"},
	{name: "fetch.min.bytes", scope: scopeConsumer, kind: kInt, min: 0, max: 1 << 30, doc: "fewest bytes a fetch waits for"},
	{name: "fetch.max.wait.ms", scope: scopeConsumer, kind: kMillis, min: 0, doc: "longest a fetch waits for fetch.min.bytes"},
	{name: "max.partition.fetch.bytes", scope: scopeConsumer, kind: kInt, min: 1, max: 1 << 30, doc: "most bytes per partition per fetch"},
	{name: "auto.offset.reset", scope: scopeConsumer, kind: kEnum, enum: []string{"earliest", "latest", "none"}, doc: "where a query starts without committed offsets"},
	{name: "isolation.level", scope: scopeConsumer, kind: kEnum, enum: []string{"read_committed", "read_uncommitted"}, doc: "read_committed skips aborted transactions"},
	{name: "session.timeout.ms", scope: scopeConsumer, kind: kMillis, min: 1, doc: "consumer group session timeout"},
	{name: "heartbeat.interval.ms", scope: scopeConsumer, kind: kMillis, min: 1, doc: "consumer group heartbeat interval"},
	{name: "max.poll.interval.ms", scope: scopeConsumer, kind: kMillis, min: 1, doc: "consumer group rebalance timeout"},
	{name: "max.poll.records", scope: scopeConsumer, kind: kInt, min: 1, max: 1 << 30, doc: "most records handed to a query per poll"},
	{name: "enable.auto.commit", scope: scopeConsumer, kind: kBool, doc: "ignored: wasmstream commits offsets itself, after the outputs are acknowledged"},

	// Processing (only as ksql.streams.<name>).
	{name: "commit.interval.ms", scope: scopeStreams, kind: kMillis, min: 0, doc: "how often offsets (and state) are committed"},
	{name: "processing.guarantee", scope: scopeStreams, kind: kEnum, enum: []string{"at_least_once", "exactly_once", "exactly_once_v2", "exactly_once_beta"}, doc: "at_least_once or exactly_once_v2"},
	{name: "replication.factor", scope: scopeStreams, kind: kInt, min: -1, max: 1 << 15, doc: "replication factor of internal topics (-1: broker default)"},
	{name: "state.dir", scope: scopeStreams, kind: kPath, doc: "used as wasmstream.state.dir when that is not set"},
	{name: "num.stream.threads", scope: scopeIgnored, kind: kString, doc: "ignored: wasmstream runs one task per input partition"},
	{name: "cache.max.bytes.buffering", scope: scopeIgnored, kind: kString, doc: "ignored"},
	{name: "num.standby.replicas", scope: scopeIgnored, kind: kString, doc: "ignored"},

	// ksqlDB.
	{name: "ksql.service.id", scope: scopeKSQL, kind: kName, def: "default_", doc: "names the consumer groups and internal topics of this deployment"},

	// wasmstream.
	{name: "wasmstream.state.dir", scope: scopeOwn, kind: kPath, doc: "where state, checkpoints and the embedded broker live (default $XDG_STATE_HOME/wasmstream or ~/.local/state/wasmstream)"},
	{name: "wasmstream.startup.timeout", scope: scopeOwn, kind: kDuration, min: 1, def: "10s", doc: "how long start-up may take to connect, authenticate and check ACLs"},
	{name: "wasmstream.status.interval", scope: scopeOwn, kind: kDuration, min: 0, def: "10s", doc: "period of the one-line status per query; 0 turns it off"},
	{name: "wasmstream.module.memory.limit", scope: scopeOwn, kind: kSize, min: 64 << 10, max: 4 << 30, def: "64MiB", doc: "most linear memory one query module may use"},
	{name: "wasmstream.batch.deadline", scope: scopeOwn, kind: kDuration, min: 1, def: "5s", doc: "longest one batch may run inside a module before it is stopped"},
	{name: "wasmstream.emit.final.idle.ms", scope: scopeOwn, kind: kMillis, min: 0, def: "0", doc: "once a stateful query's input has been quiet this long, its stream time follows the wall clock so that EMIT FINAL windows close; 0 waits for a later record, as ksqlDB does (wasmstream run --emit-final-idle overrides it)"},
}

// ignoredKeys are keys of ksqlDB server or Kafka client files that
// wasmstream accepts without effect, so a ksql-server.properties loads with
// an informative warning rather than an "unknown key" one.
var ignoredKeys = map[string]string{
	"listeners":                          "the ksqlDB REST listener; wasmstream has no REST server yet",
	"config.providers":                   "wasmstream resolves ${env:...} and ${file:...} itself",
	"buffer.memory":                      "franz-go bounds buffered records, not bytes",
	"key.serializer":                     "wasmstream serializes keys itself",
	"value.serializer":                   "wasmstream serializes values itself",
	"key.deserializer":                   "wasmstream deserializes keys itself",
	"value.deserializer":                 "wasmstream deserializes values itself",
	"ssl.cipher.suites":                  "Go's TLS cipher suites are used",
	"ssl.keymanager.algorithm":           "not applicable outside the JVM",
	"ssl.trustmanager.algorithm":         "not applicable outside the JVM",
	"ssl.secure.random.implementation":   "not applicable outside the JVM",
	"sasl.login.class":                   "not applicable outside the JVM",
	"sasl.client.callback.handler.class": "not applicable outside the JVM",
	"sasl.login.callback.handler.class":  "not applicable outside the JVM",
}

// ignoredPrefixes are key prefixes accepted without effect.
var ignoredPrefixes = map[string]string{
	"config.providers.": "wasmstream resolves ${env:...} and ${file:...} itself",
}

var specByName = func() map[string]*keySpec {
	m := make(map[string]*keySpec, len(keySpecs))
	for i := range keySpecs {
		m[keySpecs[i].name] = &keySpecs[i]
	}
	return m
}()

// Key prefixes of ksqlDB's configuration.
const (
	prefixStreams         = "ksql.streams."
	prefixStreamsProducer = "ksql.streams.producer."
	prefixStreamsConsumer = "ksql.streams.consumer."
	prefixSchemaRegistry  = "ksql.schema.registry."
)

// keyClass is what a key turned out to be.
type keyClass int

const (
	classUnknown        keyClass = iota
	classKnown                   // spec is the key's spec, base its name
	classSchemaRegistry          // ksql.schema.registry.*
	classIgnored                 // accepted, no effect; note says why
	classKSQLUnused              // a ksql.* key wasmstream does not use
	classMisplaced               // a known name under the wrong prefix; note says why
)

// classify tells what key is.
func classify(key string) (keyClass, *keySpec, string) {
	if strings.HasPrefix(key, prefixSchemaRegistry) {
		return classSchemaRegistry, nil, ""
	}
	for _, p := range []struct {
		prefix string
		sc     scope
	}{{prefixStreamsProducer, scopeProducer}, {prefixStreamsConsumer, scopeConsumer}} {
		if base, ok := strings.CutPrefix(key, p.prefix); ok {
			s := specByName[base]
			switch {
			case s == nil:
				if note, ok := ignoredKeys[base]; ok {
					return classIgnored, nil, note
				}
				return classUnknown, nil, ""
			case s.scope == p.sc:
				return classKnown, s, ""
			case s.scope == scopeCommon:
				return classMisplaced, s, fmt.Sprintf("connection and security settings apply to every client; set %s (or ksql.streams.%s) instead", base, base)
			default:
				return classMisplaced, s, fmt.Sprintf("%s is not a setting of this client", base)
			}
		}
	}
	if base, ok := strings.CutPrefix(key, prefixStreams); ok {
		s := specByName[base]
		switch {
		case s == nil:
			if note, ok := ignoredKeys[base]; ok {
				return classIgnored, nil, note
			}
			return classUnknown, nil, ""
		case s.scope == scopeIgnored:
			return classIgnored, s, s.doc
		case s.scope == scopeCommon || s.scope == scopeProducer || s.scope == scopeConsumer || s.scope == scopeStreams:
			return classKnown, s, ""
		default:
			return classUnknown, nil, ""
		}
	}
	if s := specByName[key]; s != nil {
		switch s.scope {
		case scopeStreams:
			return classMisplaced, s, fmt.Sprintf("a processing setting: write it as ksql.streams.%s", key)
		case scopeIgnored:
			return classIgnored, s, s.doc
		}
		return classKnown, s, ""
	}
	if note, ok := ignoredKeys[key]; ok {
		return classIgnored, nil, note
	}
	for p, note := range ignoredPrefixes {
		if strings.HasPrefix(key, p) {
			return classIgnored, nil, note
		}
	}
	if strings.HasPrefix(key, "ksql.") {
		return classKSQLUnused, nil, ""
	}
	return classUnknown, nil, ""
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// parseValue checks v against s and returns the parsed value: string,
// []string, int64, bool, time.Duration or uint64. The error never contains
// v: the caller names the key and shows v only when the key is not secret.
func parseValue(s *keySpec, v string) (any, error) {
	switch s.kind {
	case kString, kSecret:
		return v, nil
	case kPath:
		if strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("must be a file path, not empty")
		}
		return v, nil
	case kName:
		if !nameRE.MatchString(v) {
			return nil, fmt.Errorf("must be letters, digits, '.', '_' or '-' (it names topics and consumer groups)")
		}
		return v, nil
	case kHostPorts:
		var out []string
		for _, hp := range strings.Split(v, ",") {
			hp = strings.TrimSpace(hp)
			if hp == "" {
				continue
			}
			// Java clients accept a scheme-like prefix such as
			// SASL_SSL://host:port in bootstrap.servers; strip it.
			if i := strings.Index(hp, "://"); i >= 0 {
				hp = hp[i+3:]
			}
			host, port, err := net.SplitHostPort(hp)
			if err != nil || host == "" {
				return nil, fmt.Errorf("must be a comma-separated list of host:port")
			}
			if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
				return nil, fmt.Errorf("must be a comma-separated list of host:port with ports 1-65535")
			}
			out = append(out, hp)
		}
		return out, nil
	case kInt:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("must be an integer")
		}
		if n < s.min || (s.max != 0 && n > s.max) {
			return nil, rangeErr(s, "")
		}
		return n, nil
	case kMillis:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("must be an integer number of milliseconds")
		}
		if n < s.min || n > int64(time.Duration(1<<62)/time.Millisecond) {
			return nil, rangeErr(s, " milliseconds")
		}
		return time.Duration(n) * time.Millisecond, nil
	case kBool:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("must be true or false")
	case kEnum:
		t := strings.TrimSpace(v)
		for _, e := range s.enum {
			if strings.EqualFold(t, e) {
				return e, nil
			}
		}
		return nil, fmt.Errorf("must be one of %s", enumList(s.enum))
	case kList:
		var out []string
	items:
		for _, it := range strings.Split(v, ",") {
			it = strings.TrimSpace(it)
			if it == "" {
				continue
			}
			for _, e := range s.enum {
				if strings.EqualFold(it, e) {
					out = append(out, e)
					continue items
				}
			}
			return nil, fmt.Errorf("must be a comma-separated list of %s", enumList(s.enum))
		}
		return out, nil
	case kDuration:
		d, err := parseDuration(v)
		if err != nil {
			return nil, err
		}
		if d < time.Duration(s.min)*time.Millisecond {
			if s.min == 0 {
				return nil, fmt.Errorf("must not be negative")
			}
			return nil, fmt.Errorf("must be positive")
		}
		return d, nil
	case kSize:
		n, err := parseSize(v)
		if err != nil {
			return nil, err
		}
		if int64(n) < s.min || (s.max != 0 && n > uint64(s.max)) {
			return nil, fmt.Errorf("must be between %s and %s", formatSize(uint64(s.min)), formatSize(uint64(s.max)))
		}
		return n, nil
	}
	return nil, fmt.Errorf("internal: key kind %d has no parser", s.kind)
}

func rangeErr(s *keySpec, unit string) error {
	if s.max != 0 {
		return fmt.Errorf("must be between %d and %d%s", s.min, s.max, unit)
	}
	return fmt.Errorf("must be at least %d%s", s.min, unit)
}

func enumList(enum []string) string {
	var q []string
	for _, e := range enum {
		if e == "" {
			q = append(q, `"" (empty)`)
		} else {
			q = append(q, e)
		}
	}
	return strings.Join(q, ", ")
}

// parseDuration reads a Go duration ("10s", "1m30s") or, for people used to
// Kafka's *.ms settings, a bare integer of milliseconds.
func parseDuration(v string) (time.Duration, error) {
	t := strings.TrimSpace(v)
	if n, err := strconv.ParseInt(t, 10, 64); err == nil {
		if n > int64(time.Duration(1<<62)/time.Millisecond) || n < -int64(time.Duration(1<<62)/time.Millisecond) {
			return 0, fmt.Errorf("is too large")
		}
		return time.Duration(n) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(t)
	if err != nil {
		return 0, fmt.Errorf("must be a duration such as 10s, 500ms or 2m (or an integer of milliseconds)")
	}
	return d, nil
}

// parseSize reads a byte count with an optional unit: B; K, Ki, KiB, M, Mi,
// MiB, G, Gi, GiB (powers of 1024); KB, MB, GB (powers of 1000).
func parseSize(v string) (uint64, error) {
	t := strings.TrimSpace(v)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("must be a size such as 64MiB, 512KiB or 1048576")
	}
	n, err := strconv.ParseUint(t[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("is too large")
	}
	var mult uint64
	switch strings.ToLower(strings.TrimSpace(t[i:])) {
	case "", "b":
		mult = 1
	case "k", "ki", "kib":
		mult = 1 << 10
	case "m", "mi", "mib":
		mult = 1 << 20
	case "g", "gi", "gib":
		mult = 1 << 30
	case "kb":
		mult = 1000
	case "mb":
		mult = 1000 * 1000
	case "gb":
		mult = 1000 * 1000 * 1000
	default:
		return 0, fmt.Errorf("must be a size such as 64MiB, 512KiB or 1048576 (units B, KiB, MiB, GiB, KB, MB, GB)")
	}
	if n > (1<<63)/mult {
		return 0, fmt.Errorf("is too large")
	}
	return n * mult, nil
}

func formatSize(n uint64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}
