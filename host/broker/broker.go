package broker

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/wasmstream/wasmstream/host/config"
)

// The users every embedded broker has.
const (
	// AdminUser is the superuser: it bypasses ACLs. wasmstream itself
	// never uses it; it is for operators (and for the broker's own set-up).
	AdminUser = "admin"
	// ServiceUser is the least-privilege principal wasmstream runs as.
	ServiceUser = "wasmstream"
)

// Mechanisms every user can authenticate with.
var mechanisms = []string{config.MechanismScramSHA512, config.MechanismScramSHA256, config.MechanismPlain}

// Files in the state directory.
const (
	tlsDir        = "tls"
	kafkaDir      = "kafka"
	passwordsFile = "users.properties"
)

// Options configures the embedded broker.
type Options struct {
	// StateDir holds the CA and server certificate, the users' passwords,
	// client configuration files, and the broker's data. Required. It is
	// created 0700; every file with a secret in it is 0600.
	StateDir string
	// Listen is the address to listen on; default 127.0.0.1:0 (a free
	// port). It must be a specific address (not 0.0.0.0): the broker
	// advertises it and its certificate names it.
	Listen string
	// ServiceID is the ksql.service.id of the wasmstream that will use the
	// broker (default "default_"): the ServiceUser may create, read and
	// write topics, read consumer groups and use transactional ids whose
	// names start with it.
	ServiceID string
	// Prefixes replaces [ServiceID] as the resource name prefixes the
	// ServiceUser owns.
	Prefixes []string
	// Topics are user topics the ServiceUser may read, write and create.
	Topics []string
	// Users are more users, with their ACLs.
	Users []User
	// Partitions is the partition count of topics created without one
	// (default 3).
	Partitions int
	// DisableTLS makes the listener SASL_PLAINTEXT instead of SASL_SSL.
	DisableTLS bool
	// InMemory keeps topics, offsets and ACLs in memory only; certificates
	// and passwords are still kept in StateDir.
	InMemory bool
	// Logger receives the broker's warnings and errors; nil: discarded.
	Logger *slog.Logger
}

// User is a SASL user of the embedded broker. It can authenticate with
// SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN.
type User struct {
	Name string // the SASL user name; the principal is User:<Name>
	// Password is generated (and kept in StateDir) when empty.
	Password string
	// Superuser bypasses every ACL.
	Superuser bool
	// ACLs are granted to User:<Name> (their Principal is ignored).
	ACLs []ACL
}

// ACL is one access control entry.
type ACL struct {
	// Principal is "User:<name>".
	Principal    string
	ResourceType kmsg.ACLResourceType // TOPIC, GROUP, TRANSACTIONAL_ID or CLUSTER
	// Name is the resource name ("kafka-cluster" for the cluster).
	Name string
	// Pattern is literal (the default) or prefixed.
	Pattern   kmsg.ACLResourcePatternType
	Operation kmsg.ACLOperation // READ, WRITE, CREATE, ...
	// Deny makes it a DENY entry; the default is ALLOW.
	Deny bool
	// Host defaults to "*".
	Host string
}

// Allow returns an ALLOW entry for principal on a literal resource.
func Allow(principal string, rt kmsg.ACLResourceType, name string, ops ...kmsg.ACLOperation) []ACL {
	return allow(principal, rt, name, kmsg.ACLResourcePatternTypeLiteral, ops...)
}

// AllowPrefixed returns ALLOW entries for principal on every resource whose
// name starts with prefix.
func AllowPrefixed(principal string, rt kmsg.ACLResourceType, prefix string, ops ...kmsg.ACLOperation) []ACL {
	return allow(principal, rt, prefix, kmsg.ACLResourcePatternTypePrefixed, ops...)
}

func allow(principal string, rt kmsg.ACLResourceType, name string, pattern kmsg.ACLResourcePatternType, ops ...kmsg.ACLOperation) []ACL {
	var out []ACL
	for _, op := range ops {
		out = append(out, ACL{Principal: principal, ResourceType: rt, Name: name, Pattern: pattern, Operation: op})
	}
	return out
}

// ServiceACLs are the ACLs the ServiceUser gets: on resources under each
// prefix, topics READ, WRITE, CREATE, DELETE and DESCRIBE_CONFIGS (internal
// topics are created and removed with their queries), groups READ and
// transactional ids WRITE; on each user topic READ, WRITE, CREATE and
// DESCRIBE_CONFIGS. Nothing on the cluster: no cluster-wide create, no ACL
// or configuration changes. (READ and WRITE imply DESCRIBE.)
func ServiceACLs(prefixes, topics []string) []ACL {
	p := "User:" + ServiceUser
	var out []ACL
	for _, pre := range prefixes {
		out = append(out, AllowPrefixed(p, kmsg.ACLResourceTypeTopic, pre,
			kmsg.ACLOperationRead, kmsg.ACLOperationWrite, kmsg.ACLOperationCreate, kmsg.ACLOperationDelete, kmsg.ACLOperationDescribeConfigs)...)
		out = append(out, AllowPrefixed(p, kmsg.ACLResourceTypeGroup, pre, kmsg.ACLOperationRead)...)
		out = append(out, AllowPrefixed(p, kmsg.ACLResourceTypeTransactionalId, pre, kmsg.ACLOperationWrite)...)
	}
	for _, t := range topics {
		out = append(out, Allow(p, kmsg.ACLResourceTypeTopic, t,
			kmsg.ACLOperationRead, kmsg.ACLOperationWrite, kmsg.ACLOperationCreate, kmsg.ACLOperationDescribeConfigs)...)
	}
	return out
}

// Broker is a running embedded broker.
type Broker struct {
	opts      Options
	cluster   *kfake.Cluster
	admin     *kgo.Client
	tls       *tlsFiles
	passwords map[string]string
	addrs     []string
}

// Start starts the embedded broker, secured: SASL (SCRAM-SHA-512,
// SCRAM-SHA-256, PLAIN) over TLS (unless DisableTLS) with ACLs enforced. On
// the first start it generates a CA, a server certificate (ECDSA P-256, for
// localhost, 127.0.0.1 and ::1) and a password for each user, and keeps them
// in StateDir; later starts reuse them, and the broker's topics, offsets and
// ACLs (unless InMemory). It then grants the ACLs: ServiceACLs for the
// ServiceUser and each User's own.
//
// The passwords file in StateDir is the source of truth for passwords: a
// password changed at runtime (AlterUserScramCredentials) is reset at the
// next start.
func Start(ctx context.Context, opts Options) (*Broker, error) {
	if opts.StateDir == "" {
		return nil, errors.New("embedded broker: no state directory")
	}
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("embedded broker: listen address %q: %w", opts.Listen, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		return nil, fmt.Errorf("embedded broker: listen address %q: give a specific address such as 127.0.0.1:9092; the broker advertises it to clients and its certificate names it", opts.Listen)
	}
	if opts.ServiceID == "" {
		opts.ServiceID = "default_"
	}
	if len(opts.Prefixes) == 0 {
		opts.Prefixes = []string{opts.ServiceID}
	}
	if opts.Partitions <= 0 {
		opts.Partitions = 3
	}
	for _, u := range opts.Users {
		if u.Name == "" || u.Name == AdminUser || u.Name == ServiceUser || strings.ContainsAny(u.Name, "=,") {
			return nil, fmt.Errorf("embedded broker: invalid user name %q (reserved or with '=' or ',')", u.Name)
		}
	}
	if err := os.MkdirAll(opts.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded broker: %w", err)
	}
	// An existing directory keeps its mode; make sure it is not readable
	// by others, since it holds passwords and keys.
	if err := os.Chmod(opts.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded broker: %w", err)
	}

	b := &Broker{opts: opts}
	if b.passwords, err = ensurePasswords(opts); err != nil {
		return nil, fmt.Errorf("embedded broker: passwords: %w", err)
	}
	var serverTLS *tls.Config
	kopts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.ClusterID("wasmstream-embedded"),
		// We terminate TLS ourselves (instead of kfake.TLS) so the
		// compatibility shim sees Kafka frames; see compat.go.
		kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			ln, err := net.Listen(network, opts.Listen)
			if err != nil {
				return nil, err
			}
			if serverTLS != nil {
				ln = tls.NewListener(ln, serverTLS)
			}
			return compatListener{ln}, nil
		}),
		kfake.EnableSASL(),
		kfake.EnableACLs(),
		kfake.DefaultNumPartitions(opts.Partitions),
	}
	if opts.Logger != nil {
		kopts = append(kopts, kfake.WithLogger(slogLogger{opts.Logger}))
	}
	if !opts.DisableTLS {
		if b.tls, err = ensureTLS(filepath.Join(opts.StateDir, tlsDir), host, time.Now()); err != nil {
			return nil, fmt.Errorf("embedded broker: TLS: %w", err)
		}
		if len(b.tls.generated) > 0 && opts.Logger != nil {
			opts.Logger.Info("embedded broker: generated TLS files", "what", strings.Join(b.tls.generated, ", "), "dir", b.tls.dir)
		}
		serverTLS = &tls.Config{Certificates: []tls.Certificate{b.tls.server}, MinVersion: tls.VersionTLS12}
	}
	for _, name := range sortedNames(b.passwords) {
		pw := b.passwords[name]
		super := name == AdminUser
		for _, u := range opts.Users {
			if u.Name == name && u.Superuser {
				super = true
			}
		}
		for _, m := range mechanisms {
			if super {
				kopts = append(kopts, kfake.Superuser(m, name, pw))
			} else {
				kopts = append(kopts, kfake.User(m, name, pw))
			}
		}
	}
	if !opts.InMemory {
		dataDir := filepath.Join(opts.StateDir, kafkaDir)
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("embedded broker: %w", err)
		}
		// The broker keeps its own copy of the credentials; ours win, so
		// drop its copy and let it take the users given above.
		if err := os.Remove(filepath.Join(dataDir, "sasl.json")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("embedded broker: %w", err)
		}
		kopts = append(kopts, kfake.DataDir(dataDir))
	}

	b.cluster, err = kfake.NewCluster(kopts...)
	if err != nil {
		return nil, fmt.Errorf("embedded broker: %w", err)
	}
	b.addrs = b.cluster.ListenAddrs()

	if err := b.connectAdmin(); err != nil {
		b.Close()
		return nil, err
	}
	acls := ServiceACLs(opts.Prefixes, opts.Topics)
	for _, u := range opts.Users {
		for _, a := range u.ACLs {
			a.Principal = "User:" + u.Name
			acls = append(acls, a)
		}
	}
	if err := b.AddACL(ctx, acls...); err != nil {
		b.Close()
		return nil, err
	}
	if err := b.writeClientFiles(); err != nil {
		b.Close()
		return nil, fmt.Errorf("embedded broker: writing client files: %w", err)
	}
	return b, nil
}

func sortedNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// ensurePasswords reads the passwords file, adds generated passwords for
// users without one, applies passwords given in opts, and writes it back
// (0600) when it changed.
func ensurePasswords(opts Options) (map[string]string, error) {
	path := filepath.Join(opts.StateDir, passwordsFile)
	pw := map[string]string{}
	if data, err := os.ReadFile(path); err == nil {
		if pw, err = config.ParseProperties(data); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	changed := false
	want := map[string]string{AdminUser: "", ServiceUser: ""}
	for _, u := range opts.Users {
		want[u.Name] = u.Password
	}
	for name, given := range want {
		switch {
		case given != "" && pw[name] != given:
			pw[name], changed = given, true
		case pw[name] == "":
			p, err := newPassword()
			if err != nil {
				return nil, err
			}
			pw[name], changed = p, true
		}
	}
	// Users no longer configured keep their entry (and can log in) only
	// while listed in opts; drop the rest.
	for name := range pw {
		if _, ok := want[name]; !ok {
			delete(pw, name)
			changed = true
		}
	}
	if changed {
		content := "# Passwords of the embedded broker's SASL users (user=password). Keep this file private.\n" + config.FormatProperties(pw)
		if err := writeFileAtomic(path, []byte(content), 0o600); err != nil {
			return nil, err
		}
	}
	return pw, nil
}

func newPassword() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// connectAdmin connects the superuser, whom Start uses to grant ACLs.
func (b *Broker) connectAdmin() error {
	opts := []kgo.Opt{
		kgo.SeedBrokers(b.addrs...),
		kgo.SASL(scram.Auth{User: AdminUser, Pass: b.passwords[AdminUser]}.AsSha512Mechanism()),
		kgo.RequestRetries(3),
	}
	if b.tls != nil {
		pool := x509.NewCertPool()
		pool.AddCert(b.tls.ca)
		opts = append(opts, kgo.DialTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("embedded broker: admin client: %w", err)
	}
	b.admin = cl
	return nil
}

// AddACL grants acls (as the superuser). Granting an ACL that exists
// already is a no-op.
func (b *Broker) AddACL(ctx context.Context, acls ...ACL) error {
	if len(acls) == 0 {
		return nil
	}
	req := kmsg.NewPtrCreateACLsRequest()
	for _, a := range acls {
		c := kmsg.NewCreateACLsRequestCreation()
		c.Principal = a.Principal
		c.ResourceType = a.ResourceType
		c.ResourceName = a.Name
		c.ResourcePatternType = a.Pattern
		if c.ResourcePatternType == 0 || c.ResourcePatternType == kmsg.ACLResourcePatternTypeUnknown {
			c.ResourcePatternType = kmsg.ACLResourcePatternTypeLiteral
		}
		c.Operation = a.Operation
		c.PermissionType = kmsg.ACLPermissionTypeAllow
		if a.Deny {
			c.PermissionType = kmsg.ACLPermissionTypeDeny
		}
		c.Host = a.Host
		if c.Host == "" {
			c.Host = "*"
		}
		req.Creations = append(req.Creations, c)
	}
	resp, err := req.RequestWith(ctx, b.admin)
	if err != nil {
		return fmt.Errorf("embedded broker: granting ACLs: %w", err)
	}
	var errs []error
	for i, r := range resp.Results {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			a := acls[i]
			errs = append(errs, fmt.Errorf("embedded broker: granting %s %s on %s %q: %w", a.Principal, a.Operation, a.ResourceType, a.Name, err))
		}
	}
	return errors.Join(errs...)
}

// CreateTopics creates topics (as the superuser) with partitions each (the
// default when <= 0). A topic that exists already is not an error.
func (b *Broker) CreateTopics(ctx context.Context, partitions int32, topics ...string) error {
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 10000
	for _, t := range topics {
		rt := kmsg.NewCreateTopicsRequestTopic()
		rt.Topic = t
		rt.NumPartitions = partitions
		if partitions <= 0 {
			rt.NumPartitions = int32(b.opts.Partitions)
		}
		rt.ReplicationFactor = 1
		req.Topics = append(req.Topics, rt)
	}
	resp, err := req.RequestWith(ctx, b.admin)
	if err != nil {
		return fmt.Errorf("embedded broker: creating topics: %w", err)
	}
	var errs []error
	for _, t := range resp.Topics {
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("embedded broker: creating topic %q: %w", t.Topic, err))
		}
	}
	return errors.Join(errs...)
}

// Addrs returns the addresses the broker listens on (host:port).
func (b *Broker) Addrs() []string { return slices.Clone(b.addrs) }

// Protocol is the listener's security protocol: SASL_SSL, or SASL_PLAINTEXT
// with DisableTLS.
func (b *Broker) Protocol() config.Protocol {
	if b.tls == nil {
		return config.SASLPlaintext
	}
	return config.SASLSSL
}

// CAFile returns the path of the PEM file of the CA that signed the
// broker's certificate (what clients must trust), or "" with DisableTLS.
func (b *Broker) CAFile() string {
	if b.tls == nil {
		return ""
	}
	return filepath.Join(b.tls.dir, caCertFile)
}

// PasswordsFile returns the path of the 0600 properties file holding each
// user's password (user=password).
func (b *Broker) PasswordsFile() string {
	return filepath.Join(b.opts.StateDir, passwordsFile)
}

// Users returns the user names, sorted.
func (b *Broker) Users() []string { return sortedNames(b.passwords) }

// ErrUnknownUser is returned for a user the broker does not have.
var ErrUnknownUser = errors.New("embedded broker: unknown user")

// ClientConfig returns the configuration (host/config keys, usable as
// config.Options.Defaults or Flags) with which user connects: bootstrap
// servers, SASL_SSL, the CA as a PEM trust store, and SCRAM-SHA-512 with
// the password as a ${file:...} reference to the passwords file, so the map
// itself holds no secret and can be shown or saved.
func (b *Broker) ClientConfig(user string) (map[string]string, error) {
	if _, ok := b.passwords[user]; !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownUser, user)
	}
	m := map[string]string{
		"bootstrap.servers": strings.Join(b.addrs, ","),
		"security.protocol": string(b.Protocol()),
		"sasl.mechanism":    config.MechanismScramSHA512,
		"sasl.jaas.config": fmt.Sprintf(`org.apache.kafka.common.security.scram.ScramLoginModule required username=%s password=%s;`,
			jaasQuote(user), jaasQuote("${file:"+b.PasswordsFile()+":"+user+"}")),
	}
	if b.tls != nil {
		m["ssl.truststore.type"] = config.StorePEM
		m["ssl.truststore.location"] = b.CAFile()
	}
	return m, nil
}

// jaasQuote quotes s for a JAAS option value.
func jaasQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// ClientPropertiesFile returns the path of the Java client properties file
// written for user (for kafka-console-consumer --consumer.config, ksqlDB, or
// wasmstream --config); it references the passwords file through Kafka's
// FileConfigProvider.
func (b *Broker) ClientPropertiesFile(user string) string {
	return filepath.Join(b.opts.StateDir, "client-"+user+".properties")
}

// KcatConfigFile returns the path of the librdkafka configuration written
// for user (kcat -F FILE). librdkafka cannot reference a password file, so
// this file holds the password itself; it is 0600.
func (b *Broker) KcatConfigFile(user string) string {
	return filepath.Join(b.opts.StateDir, "kcat-"+user+".conf")
}

// writeClientFiles writes the client properties and kcat files of every
// user.
func (b *Broker) writeClientFiles() error {
	for _, user := range b.Users() {
		props, err := b.ClientConfig(user)
		if err != nil {
			return err
		}
		props["config.providers"] = "file"
		props["config.providers.file.class"] = "org.apache.kafka.common.config.provider.FileConfigProvider"
		content := "# Client configuration for the embedded broker, user " + user + ".\n" + config.FormatProperties(props)
		if err := writeFileAtomic(b.ClientPropertiesFile(user), []byte(content), 0o600); err != nil {
			return err
		}
		kcat := map[string]string{
			"bootstrap.servers": strings.Join(b.addrs, ","),
			"security.protocol": string(b.Protocol()),
			"sasl.mechanisms":   config.MechanismScramSHA512,
			"sasl.username":     user,
			"sasl.password":     b.passwords[user],
		}
		if b.tls != nil {
			kcat["ssl.ca.location"] = b.CAFile()
		}
		var sb strings.Builder
		sb.WriteString("# librdkafka (kcat -F) configuration for the embedded broker, user " + user + ".\n")
		for _, k := range sortedNames(kcat) {
			sb.WriteString(k + "=" + kcat[k] + "\n")
		}
		if err := writeFileAtomic(b.KcatConfigFile(user), []byte(sb.String()), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// Close stops the broker, persisting its state (unless InMemory).
func (b *Broker) Close() error {
	if b.admin != nil {
		b.admin.Close()
	}
	if b.cluster != nil {
		b.cluster.Close()
	}
	return nil
}

// slogLogger adapts slog to kfake's logger: warnings and errors only.
type slogLogger struct{ l *slog.Logger }

// Logf implements kfake.Logger.
func (s slogLogger) Logf(level kfake.LogLevel, msg string, args ...any) {
	switch level {
	case kfake.LogLevelError:
		s.l.Error("embedded broker: " + fmt.Sprintf(msg, args...))
	case kfake.LogLevelWarn:
		s.l.Warn("embedded broker: " + fmt.Sprintf(msg, args...))
	}
}
