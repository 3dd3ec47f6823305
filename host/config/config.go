package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Protocol is a Kafka security.protocol.
type Protocol string

// The security protocols.
const (
	Plaintext     Protocol = "PLAINTEXT"
	SSL           Protocol = "SSL"
	SASLPlaintext Protocol = "SASL_PLAINTEXT"
	SASLSSL       Protocol = "SASL_SSL"
)

// UsesTLS reports whether the protocol encrypts with TLS.
func (p Protocol) UsesTLS() bool { return p == SSL || p == SASLSSL }

// UsesSASL reports whether the protocol authenticates with SASL.
func (p Protocol) UsesSASL() bool { return p == SASLPlaintext || p == SASLSSL }

// SASL mechanisms.
const (
	MechanismPlain       = "PLAIN"
	MechanismScramSHA256 = "SCRAM-SHA-256"
	MechanismScramSHA512 = "SCRAM-SHA-512"
	MechanismOAuthBearer = "OAUTHBEARER"
	MechanismGSSAPI      = "GSSAPI"
)

// Store types of ssl.truststore.type and ssl.keystore.type.
const (
	StoreJKS    = "JKS"
	StorePKCS12 = "PKCS12"
	StorePEM    = "PEM"
)

// Setting is an optional value: Set reports whether the configuration gave
// it, so an unset one keeps the Kafka client's default.
type Setting[T any] struct {
	Value T    // the value; the zero value when not Set
	Set   bool // whether some source gave the key
}

func set[T any](v T) Setting[T] { return Setting[T]{Value: v, Set: true} }

// Config is the effective, validated configuration, built once at start-up
// by Load. Every secret in it is a Secret, so printing a Config (even with
// %+v) shows none.
type Config struct {
	// BootstrapServers are the brokers to connect to first. Empty means none
	// was configured: the caller may start the embedded broker.
	BootstrapServers []string
	// ClientID is sent to the brokers (client.id).
	ClientID string
	// ServiceID names this deployment's consumer groups and internal topics
	// (ksql.service.id).
	ServiceID string
	// Security is security.protocol with its TLS and SASL settings.
	Security Security
	// Client holds the settings every Kafka client shares.
	Client ClientTuning
	// Producer and Consumer tune the clients (ksql.streams.producer.*,
	// ksql.streams.consumer.*, ksql.streams.*, or the bare Kafka names).
	Producer ProducerTuning
	Consumer ConsumerTuning // see Producer
	// Processing holds ksql.streams.* settings of the processing itself.
	Processing Processing
	// SchemaRegistry holds ksql.schema.registry.* with the prefix removed.
	// Stored, not yet used. Values are Secrets because they may carry
	// credentials (basic.auth.user.info).
	SchemaRegistry map[string]Secret

	// StateDir is where state, checkpoints and the embedded broker live.
	StateDir string
	// StartupTimeout bounds connecting, authenticating and checking ACLs.
	StartupTimeout time.Duration
	// StatusInterval is the period of the status line; 0 turns it off.
	StatusInterval time.Duration
	// ModuleMemoryLimit is the most linear memory a query module may use,
	// in bytes.
	ModuleMemoryLimit uint64
	// BatchDeadline is the longest one batch may run inside a module.
	BatchDeadline time.Duration
	// EmitFinalIdle, when positive, closes EMIT FINAL windows on a quiet
	// input: once a stateful query has read nothing for this long, its
	// stream time follows the wall clock (wasmstream.emit.final.idle.ms).
	// Zero, the default, is ksqlDB's behaviour: stream time moves only
	// with records.
	EmitFinalIdle time.Duration

	entries []Entry
}

// Security is the connection's security.
type Security struct {
	Protocol Protocol // security.protocol
	TLS      TLS      // ssl.*, used when Protocol is SSL or SASL_SSL
	SASL     SASL     // sasl.*, used when Protocol is SASL_PLAINTEXT or SASL_SSL
}

// TLS holds the ssl.* settings. Locations are file paths; the stores are
// opened by host/kafka when it builds the client's tls.Config.
type TLS struct {
	// TruststoreLocation, TruststoreType and TruststorePassword name the CA
	// certificates to trust. Type is JKS, PKCS12, PEM or empty (PEM if the
	// file is PEM, else JKS). ssl.ca.location sets a PEM location.
	TruststoreLocation string
	TruststoreType     string // see TruststoreLocation
	TruststorePassword Secret // see TruststoreLocation
	// TruststoreCertificates is inline PEM (ssl.truststore.certificates).
	TruststoreCertificates string

	// KeystoreLocation, KeystoreType, KeystorePassword and KeyPassword name
	// the client certificate and key for mutual TLS.
	KeystoreLocation string
	KeystoreType     string // see KeystoreLocation
	KeystorePassword Secret // see KeystoreLocation
	KeyPassword      Secret // see KeystoreLocation
	// KeystoreCertificateChain and KeystoreKey are inline PEM.
	KeystoreCertificateChain string
	KeystoreKey              Secret // see KeystoreCertificateChain
	// CertificateLocation and KeyLocation are PEM files (librdkafka's
	// ssl.certificate.location and ssl.key.location).
	CertificateLocation string
	KeyLocation         string // see CertificateLocation

	// VerifyHostname is true unless ssl.endpoint.identification.algorithm
	// is set to empty. The certificate chain is always verified.
	VerifyHostname bool
	// MinVersion and MaxVersion are "TLSv1.2" or "TLSv1.3", or empty for
	// Go's defaults.
	MinVersion string
	MaxVersion string // see MinVersion
}

// SASL holds the sasl.* settings after sasl.jaas.config has been applied.
type SASL struct {
	// Mechanism is PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or
	// GSSAPI; empty when the protocol does not use SASL.
	Mechanism string
	// LoginModule is the sasl.jaas.config login module class, if any.
	LoginModule string
	// Username and Password are for PLAIN and SCRAM.
	Username string
	Password Secret // see Username
	// OAuth is for OAUTHBEARER.
	OAuth OAuth
	// Kerberos is for GSSAPI.
	Kerberos Kerberos
}

// OAuth is the OAUTHBEARER token source: a static token, a token file read
// at every authentication, or Kafka's unsecured (alg none) token built from
// claims, which test brokers accept.
type OAuth struct {
	Token     Secret // a static token (sasl.oauthbearer.token, token=)
	TokenFile string // read at every authentication (sasl.oauthbearer.token.file, tokenFile=)
	// Unsecured is set by unsecuredLoginStringClaim_sub and friends.
	Unsecured *UnsecuredToken
	// Extensions are SASL extensions (unsecuredLoginExtension_<name>).
	Extensions map[string]string
}

// UnsecuredToken describes Kafka's unsecured OAUTHBEARER token
// (OAuthBearerUnsecuredLoginCallbackHandler): an unsigned JWT.
type UnsecuredToken struct {
	// PrincipalClaim is the claim naming the principal (default "sub").
	PrincipalClaim string
	// Claims are the string, number and list claims, by name.
	Claims map[string]any
	// Lifetime is the token lifetime (default 1h).
	Lifetime time.Duration
}

// Principal returns the principal the token names.
func (u *UnsecuredToken) Principal() string {
	if v, ok := u.Claims[u.PrincipalClaim].(string); ok {
		return v
	}
	return ""
}

// Kerberos is the GSSAPI setup.
type Kerberos struct {
	ServiceName string // sasl.kerberos.service.name or serviceName=
	Principal   string // user@REALM: sasl.kerberos.principal or principal=
	Keytab      string // sasl.kerberos.keytab or keyTab=
	Krb5Conf    string // sasl.kerberos.krb5.conf, or $KRB5_CONFIG
	// UseTicketCache reads credentials from a ticket cache (TicketCache, or
	// KRB5CCNAME, or /tmp/krb5cc_<uid>) instead of a keytab.
	UseTicketCache bool
	TicketCache    string // see UseTicketCache
}

// ClientTuning is what every client shares.
type ClientTuning struct {
	RequestTimeout Setting[time.Duration] // request.timeout.ms
	MetadataMaxAge Setting[time.Duration] // metadata.max.age.ms
	RetryBackoff   Setting[time.Duration] // retry.backoff.ms
	DialTimeout    Setting[time.Duration] // socket.connection.setup.timeout.ms
	ConnIdle       Setting[time.Duration] // connections.max.idle.ms
}

// ProducerTuning is what ksql.streams.producer.* (or ksql.streams.*, or the
// bare Kafka name) sets for producers.
type ProducerTuning struct {
	Linger             Setting[time.Duration] // linger.ms
	BatchSize          Setting[int32]         // batch.size
	Acks               Setting[string]        // "all", "1" or "0"
	Compression        Setting[string]        // compression.type
	Idempotence        Setting[bool]          // enable.idempotence
	MaxInFlight        Setting[int]           // max.in.flight.requests.per.connection
	DeliveryTimeout    Setting[time.Duration] // delivery.timeout.ms
	MaxRequestSize     Setting[int32]         // max.request.size
	Retries            Setting[int]           // retries
	TransactionTimeout Setting[time.Duration] // transaction.timeout.ms
}

// ConsumerTuning is what ksql.streams.consumer.* (or ksql.streams.*, or the
// bare Kafka name) sets for consumers.
type ConsumerTuning struct {
	FetchMaxBytes          Setting[int32]         // fetch.max.bytes
	FetchMinBytes          Setting[int32]         // fetch.min.bytes
	FetchMaxWait           Setting[time.Duration] // fetch.max.wait.ms
	MaxPartitionFetchBytes Setting[int32]         // max.partition.fetch.bytes
	AutoOffsetReset        Setting[string]        // earliest, latest or none
	IsolationLevel         Setting[string]        // read_committed or read_uncommitted
	SessionTimeout         Setting[time.Duration] // session.timeout.ms
	HeartbeatInterval      Setting[time.Duration] // heartbeat.interval.ms
	MaxPollInterval        Setting[time.Duration] // max.poll.interval.ms (the rebalance timeout)
	MaxPollRecords         Setting[int]           // max.poll.records
}

// Processing holds ksql.streams.* settings of the processing itself.
type Processing struct {
	CommitInterval      Setting[time.Duration] // ksql.streams.commit.interval.ms
	ProcessingGuarantee Setting[string]        // ksql.streams.processing.guarantee
	ReplicationFactor   Setting[int]           // ksql.streams.replication.factor
}

// Layer is one source of configuration, in precedence order: a later layer
// overrides an earlier one key by key.
type Layer int

// The layers, lowest precedence first.
const (
	LayerDefault       Layer = iota // built-in defaults and Options.Defaults
	LayerFile                       // the properties or YAML file
	LayerKSQLEnv                    // KSQL_* environment variables
	LayerWasmstreamEnv              // WASMSTREAM_* environment variables
	LayerFlag                       // command-line flags (Options.Flags)
)

// Source says where a key's value came from.
type Source struct {
	Layer Layer // the source's layer
	// Name is the file path or the environment variable name.
	Name string
	// Ref is the ${env:...} or ${file:...} reference the value was
	// resolved from, if any.
	Ref bool
}

// String implements fmt.Stringer: "default", "file ksql.properties",
// "env KSQL_BOOTSTRAP_SERVERS", "flag".
func (s Source) String() string {
	var out string
	switch s.Layer {
	case LayerDefault:
		out = "default"
	case LayerFile:
		out = "file " + s.Name
	case LayerKSQLEnv, LayerWasmstreamEnv:
		out = "env " + s.Name
	case LayerFlag:
		out = "flag"
	}
	if s.Ref {
		out += " (resolved reference)"
	}
	return out
}

// Options says where Load reads the configuration from.
type Options struct {
	// File is a .properties file (Java syntax) or a .yaml/.yml file
	// (nested or dotted keys). Empty: no file.
	File string
	// Environ is the environment as "NAME=value" strings; nil means
	// os.Environ(). It is read for KSQL_* and WASMSTREAM_* variables and
	// for ${env:NAME} references.
	Environ []string
	// Flags are command-line overrides by key; they win over everything.
	Flags map[string]string
	// Defaults are extra defaults above the built-in ones and below the
	// file, such as the embedded broker's connection settings.
	Defaults map[string]string
}

// Warning is a problem that does not stop start-up: an unknown key, a key
// with no effect. The caller logs it (slog.Warn(w.Message, "key", w.Key,
// "source", w.Source.String())).
type Warning struct {
	Key     string // the key as written
	Source  Source // where it came from
	Message string // what is wrong
}

// String implements fmt.Stringer.
func (w Warning) String() string {
	return fmt.Sprintf("%s (%s): %s", w.Key, w.Source, w.Message)
}

// ValueError is an invalid value. Value is [hidden] for secret keys.
type ValueError struct {
	Key    string // the key as written
	Value  string // the value, or [hidden] for a secret key
	Source Source // where it came from
	Reason string // what is expected
}

// Error implements error.
func (e *ValueError) Error() string {
	return fmt.Sprintf("invalid value %q for %s (from %s): %s", e.Value, e.Key, e.Source, e.Reason)
}

// ErrInvalid is wrapped by every error Load returns for a bad configuration
// (as opposed to an unreadable file).
var ErrInvalid = errors.New("invalid configuration")

// Load reads the configuration in this precedence, lowest first:
//
//	built-in defaults < Options.Defaults < file < KSQL_* env < WASMSTREAM_* env < flags
//
// resolves ${env:NAME} and ${file:PATH} references, validates every key and
// builds the Config. Unknown keys give warnings; invalid values give an error
// naming each bad key (all of them, joined) and never a secret's value.
func Load(opts Options) (*Config, []Warning, error) {
	environ := opts.Environ
	if environ == nil {
		environ = os.Environ()
	}
	env := envMap(environ)
	raw, sources, err := loadLayers(opts, environ, env)
	if err != nil {
		return nil, nil, err
	}

	b := &builder{
		raw:     raw,
		sources: sources,
		parsed:  make(map[string]any),
		env:     env,
	}
	res := refResolver{env: env, readFile: os.ReadFile}
	for _, key := range sortedKeys(raw) {
		v, used, err := res.resolve(raw[key])
		if err != nil {
			b.errs = append(b.errs, fmt.Errorf("%s (from %s): %w", key, sources[key], err))
			continue
		}
		raw[key] = v
		if used {
			s := sources[key]
			s.Ref = true
			sources[key] = s
		}
	}
	cfg := b.build()
	if len(b.errs) > 0 {
		return nil, b.warns, fmt.Errorf("%w:\n%w", ErrInvalid, errors.Join(b.errs...))
	}
	return cfg, b.warns, nil
}

// builtinDefaults returns the built-in defaults, the state directory
// computed from env.
func builtinDefaults(env map[string]string) map[string]string {
	d := make(map[string]string)
	for _, s := range keySpecs {
		if s.def != "" && (s.scope == scopeOwn || s.scope == scopeKSQL || s.scope == scopeCommon) {
			d[s.name] = s.def
		}
	}
	d["wasmstream.state.dir"] = defaultStateDir(env)
	return d
}

// defaultStateDir is $XDG_STATE_HOME/wasmstream, else
// $HOME/.local/state/wasmstream, else .wasmstream in the working directory.
func defaultStateDir(env map[string]string) string {
	if x := env["XDG_STATE_HOME"]; x != "" {
		return filepath.Join(x, "wasmstream")
	}
	if h := env["HOME"]; h != "" {
		return filepath.Join(h, ".local", "state", "wasmstream")
	}
	return ".wasmstream"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// builder turns the merged, resolved key/value map into a Config.
type builder struct {
	raw     map[string]string
	sources map[string]Source
	parsed  map[string]any
	env     map[string]string
	errs    []error
	warns   []Warning
}

func (b *builder) warn(key, msg string) {
	b.warns = append(b.warns, Warning{Key: key, Source: b.sources[key], Message: msg})
}

func (b *builder) fail(key, reason string) {
	b.errs = append(b.errs, &ValueError{Key: key, Value: Redact(key, b.raw[key]), Source: b.sources[key], Reason: reason})
}

// failf reports a problem that involves several keys; it names them and no
// values.
func (b *builder) failf(format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf(format, args...))
}

// lookup returns the parsed value and key that win for a setting: for a
// client setting the most specific of ksql.streams.producer.<name> (or
// consumer), ksql.streams.<name> and <name>.
func (b *builder) lookup(name string) (any, string, bool) {
	s := specByName[name]
	var candidates []string
	switch s.scope {
	case scopeProducer:
		candidates = []string{prefixStreamsProducer + name, prefixStreams + name, name}
	case scopeConsumer:
		candidates = []string{prefixStreamsConsumer + name, prefixStreams + name, name}
	case scopeCommon:
		candidates = []string{prefixStreams + name, name}
	case scopeStreams:
		candidates = []string{prefixStreams + name}
	default:
		candidates = []string{name}
	}
	for _, k := range candidates {
		if v, ok := b.parsed[k]; ok {
			return v, k, true
		}
	}
	return nil, "", false
}

func (b *builder) str(name string) string {
	if v, _, ok := b.lookup(name); ok {
		return v.(string)
	}
	return ""
}

func (b *builder) has(name string) bool {
	_, _, ok := b.lookup(name)
	return ok
}

func (b *builder) keyOf(name string) string {
	if _, k, ok := b.lookup(name); ok {
		return k
	}
	return name
}

func durSetting(b *builder, name string) Setting[time.Duration] {
	if v, _, ok := b.lookup(name); ok {
		return set(v.(time.Duration))
	}
	return Setting[time.Duration]{}
}

func int32Setting(b *builder, name string) Setting[int32] {
	if v, _, ok := b.lookup(name); ok {
		return set(int32(v.(int64)))
	}
	return Setting[int32]{}
}

func intSetting(b *builder, name string) Setting[int] {
	if v, _, ok := b.lookup(name); ok {
		return set(int(v.(int64)))
	}
	return Setting[int]{}
}

func strSetting(b *builder, name string) Setting[string] {
	if v, _, ok := b.lookup(name); ok {
		return set(v.(string))
	}
	return Setting[string]{}
}

func boolSetting(b *builder, name string) Setting[bool] {
	if v, _, ok := b.lookup(name); ok {
		return set(v.(bool))
	}
	return Setting[bool]{}
}

func (b *builder) build() *Config {
	cfg := &Config{SchemaRegistry: map[string]Secret{}}
	status := make(map[string]string)

	// Validate every key, whether or not it wins, so a typo in a shadowed
	// key is still reported.
	for _, key := range sortedKeys(b.raw) {
		class, spec, note := classify(key)
		switch class {
		case classKnown:
			v, err := parseValue(spec, b.raw[key])
			if err != nil {
				b.fail(key, err.Error())
				continue
			}
			b.parsed[key] = v
		case classSchemaRegistry:
			cfg.SchemaRegistry[strings.TrimPrefix(key, prefixSchemaRegistry)] = NewSecret(b.raw[key])
		case classIgnored:
			// config.providers declares what wasmstream does anyway
			// (resolving ${file:...} references): a Java client file
			// that needs it loads without a warning.
			if key != "config.providers" && !strings.HasPrefix(key, "config.providers.") {
				b.warn(key, "has no effect in wasmstream: "+note)
			}
			status[key] = "ignored"
		case classMisplaced:
			b.warn(key, "ignored: "+note)
			status[key] = "ignored"
		case classKSQLUnused:
			b.warn(key, "a ksqlDB setting wasmstream does not use; ignored")
			status[key] = "ignored"
		default:
			b.warn(key, "unknown key; ignored")
			status[key] = "unknown"
		}
	}

	if v, _, ok := b.lookup("bootstrap.servers"); ok {
		cfg.BootstrapServers = v.([]string)
	}
	cfg.ClientID = b.str("client.id")
	cfg.ServiceID = b.str("ksql.service.id")

	cfg.Client = ClientTuning{
		RequestTimeout: durSetting(b, "request.timeout.ms"),
		MetadataMaxAge: durSetting(b, "metadata.max.age.ms"),
		RetryBackoff:   durSetting(b, "retry.backoff.ms"),
		DialTimeout:    durSetting(b, "socket.connection.setup.timeout.ms"),
		ConnIdle:       durSetting(b, "connections.max.idle.ms"),
	}
	cfg.Producer = ProducerTuning{
		Linger:             durSetting(b, "linger.ms"),
		BatchSize:          int32Setting(b, "batch.size"),
		Acks:               strSetting(b, "acks"),
		Compression:        strSetting(b, "compression.type"),
		Idempotence:        boolSetting(b, "enable.idempotence"),
		MaxInFlight:        intSetting(b, "max.in.flight.requests.per.connection"),
		DeliveryTimeout:    durSetting(b, "delivery.timeout.ms"),
		MaxRequestSize:     int32Setting(b, "max.request.size"),
		Retries:            intSetting(b, "retries"),
		TransactionTimeout: durSetting(b, "transaction.timeout.ms"),
	}
	if cfg.Producer.Acks.Value == "-1" {
		cfg.Producer.Acks.Value = "all"
	}
	if cfg.Producer.Idempotence.Set && cfg.Producer.Idempotence.Value && cfg.Producer.Acks.Set && cfg.Producer.Acks.Value != "all" {
		b.failf("%s=true needs %s=all (or -1)", b.keyOf("enable.idempotence"), b.keyOf("acks"))
	}
	cfg.Consumer = ConsumerTuning{
		FetchMaxBytes:          int32Setting(b, "fetch.max.bytes"),
		FetchMinBytes:          int32Setting(b, "fetch.min.bytes"),
		FetchMaxWait:           durSetting(b, "fetch.max.wait.ms"),
		MaxPartitionFetchBytes: int32Setting(b, "max.partition.fetch.bytes"),
		AutoOffsetReset:        strSetting(b, "auto.offset.reset"),
		IsolationLevel:         strSetting(b, "isolation.level"),
		SessionTimeout:         durSetting(b, "session.timeout.ms"),
		HeartbeatInterval:      durSetting(b, "heartbeat.interval.ms"),
		MaxPollInterval:        durSetting(b, "max.poll.interval.ms"),
		MaxPollRecords:         intSetting(b, "max.poll.records"),
	}
	if v, k, ok := b.lookup("enable.auto.commit"); ok && v.(bool) {
		b.warn(k, "ignored: wasmstream commits offsets itself, only after the outputs they cover are acknowledged")
	}
	cfg.Processing = Processing{
		CommitInterval:      durSetting(b, "commit.interval.ms"),
		ProcessingGuarantee: strSetting(b, "processing.guarantee"),
		ReplicationFactor:   intSetting(b, "replication.factor"),
	}

	cfg.StateDir = b.str("wasmstream.state.dir")
	if b.sources["wasmstream.state.dir"].Layer == LayerDefault && b.has("state.dir") {
		// A ksqlDB user's ksql.streams.state.dir says where they want state.
		cfg.StateDir = b.str("state.dir")
	}
	if v, _, ok := b.lookup("wasmstream.startup.timeout"); ok {
		cfg.StartupTimeout = v.(time.Duration)
	}
	if v, _, ok := b.lookup("wasmstream.status.interval"); ok {
		cfg.StatusInterval = v.(time.Duration)
	}
	if v, _, ok := b.lookup("wasmstream.module.memory.limit"); ok {
		cfg.ModuleMemoryLimit = v.(uint64)
	}
	if v, _, ok := b.lookup("wasmstream.batch.deadline"); ok {
		cfg.BatchDeadline = v.(time.Duration)
	}
	if v, _, ok := b.lookup("wasmstream.emit.final.idle.ms"); ok {
		cfg.EmitFinalIdle = v.(time.Duration)
	}

	cfg.Security = b.buildSecurity()

	for _, key := range sortedKeys(b.raw) {
		cfg.entries = append(cfg.entries, Entry{
			Key:    key,
			Value:  Redact(key, b.raw[key]),
			Source: b.sources[key],
			Status: status[key],
		})
	}
	return cfg
}

// Entries returns the effective configuration, one entry per key that any
// layer set (defaults included), sorted by key, secrets already [hidden].
// It is what SHOW PROPERTIES and `wasmstream config show` print.
func (c *Config) Entries() []Entry {
	return append([]Entry(nil), c.entries...)
}

// Entry is one key of the effective configuration.
type Entry struct {
	Key string // the key as written
	// Value is the resolved value, or [hidden] for a secret.
	Value  string
	Source Source // where the value came from
	// Status is "" for a key in use, "unknown" or "ignored".
	Status string
}
