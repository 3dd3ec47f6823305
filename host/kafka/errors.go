package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/wasmstream/wasmstream/host/config"
)

// Identity is who connects to which cluster how; every explained error
// carries it so the message names the broker, protocol, mechanism and
// principal.
type Identity struct {
	// Brokers are the bootstrap servers.
	Brokers []string
	// Protocol is security.protocol.
	Protocol config.Protocol
	// Mechanism is the SASL mechanism, empty without SASL.
	Mechanism string
	// Principal is the Kafka principal as ACLs name it: User:<name> for
	// PLAIN and SCRAM, the token subject for OAUTHBEARER, the Kerberos
	// principal for GSSAPI (the broker maps it to a short name with its
	// principal.to.local rules), the certificate's subject for mutual TLS,
	// and User:ANONYMOUS otherwise.
	Principal string
}

// IdentityOf describes cfg's connection.
func IdentityOf(cfg *config.Config) Identity {
	id := Identity{
		Brokers:   cfg.BootstrapServers,
		Protocol:  cfg.Security.Protocol,
		Principal: "User:ANONYMOUS",
	}
	s := cfg.Security.SASL
	switch {
	case cfg.Security.Protocol.UsesSASL():
		id.Mechanism = s.Mechanism
		switch s.Mechanism {
		case config.MechanismPlain, config.MechanismScramSHA256, config.MechanismScramSHA512:
			id.Principal = "User:" + s.Username
		case config.MechanismOAuthBearer:
			id.Principal = "User:" + oauthSubject(s.OAuth)
		case config.MechanismGSSAPI:
			if s.Kerberos.Principal != "" {
				id.Principal = "User:" + s.Kerberos.Principal
			} else {
				id.Principal = "User:<ticket cache principal>"
			}
		}
	case cfg.Security.Protocol.UsesTLS():
		if c, err := loadClientCert(cfg.Security.TLS); err == nil && c != nil && c.Leaf != nil {
			id.Principal = "User:" + c.Leaf.Subject.String()
		}
	}
	return id
}

// oauthSubject is the sub claim of the token, read without verifying it.
func oauthSubject(o config.OAuth) string {
	if o.Unsecured != nil {
		return o.Unsecured.Principal()
	}
	tok := o.Token.Reveal()
	if o.TokenFile != "" {
		tok, _ = readToken(o.TokenFile)
	}
	parts := strings.Split(tok, ".")
	if len(parts) == 3 {
		if payload, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
			var claims struct {
				Sub string `json:"sub"`
			}
			if json.Unmarshal(payload, &claims) == nil && claims.Sub != "" {
				return claims.Sub
			}
		}
	}
	return "<token subject>"
}

// via says how the connection was made: "over SASL_SSL with SCRAM-SHA-512
// as User:alice".
func (id Identity) via() string {
	s := "over " + string(id.Protocol)
	if id.Mechanism != "" {
		s += " with " + id.Mechanism
	}
	return s + " as " + id.Principal
}

func (id Identity) broker(b string) string {
	if b != "" {
		return b
	}
	return strings.Join(id.Brokers, ",")
}

// ConnectError is a broker that cannot be reached: refused, unresolvable, or
// silent until the start-up timeout ran out.
type ConnectError struct {
	Identity
	// Broker is the address that failed.
	Broker string
	// Timeout is the start-up timeout when it ran out, else zero.
	Timeout time.Duration
	Err     error // the dial or last connection error
}

// Error implements error.
func (e *ConnectError) Error() string {
	var b strings.Builder
	if e.Timeout > 0 {
		fmt.Fprintf(&b, "no Kafka broker reachable within %s (tried %s %s)", e.Timeout, e.Identity.broker(e.Broker), e.Identity.via())
		if e.Err != nil && !errors.Is(e.Err, context.DeadlineExceeded) {
			fmt.Fprintf(&b, ": last error: %v", e.Err)
		}
	} else {
		fmt.Fprintf(&b, "cannot connect to Kafka broker %s (%s): %v", e.Identity.broker(e.Broker), e.Identity.via(), e.Err)
	}
	b.WriteString("; check bootstrap.servers, that the broker is running, and that this host can reach it")
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ConnectError) Unwrap() error { return e.Err }

// TLSProblem says what went wrong in TLS.
type TLSProblem int

// The TLS problems.
const (
	// UntrustedCertificate: the broker's certificate is not signed by a
	// trusted CA.
	UntrustedCertificate TLSProblem = iota + 1
	// HostnameMismatch: the certificate is not valid for the broker's name.
	HostnameMismatch
	// CertificateExpired: the broker's certificate expired or is not yet
	// valid.
	CertificateExpired
	// PlaintextToTLS: a plaintext client on a TLS listener.
	PlaintextToTLS
	// TLSToPlaintext: a TLS client on a plaintext listener.
	TLSToPlaintext
	// HandshakeRejected: the broker refused the handshake (often: it
	// requires a client certificate, or does not trust ours).
	HandshakeRejected
)

// TLSError is a TLS failure.
type TLSError struct {
	Identity
	Broker  string     // the broker address
	Problem TLSProblem // what went wrong
	Err     error      // the TLS or client error
}

// Error implements error.
func (e *TLSError) Error() string {
	b := e.Identity.broker(e.Broker)
	switch e.Problem {
	case UntrustedCertificate:
		return fmt.Sprintf("TLS to Kafka broker %s (%s) failed: the broker's certificate is not signed by a trusted CA (%v); set ssl.truststore.location (or ssl.ca.location) to the CA that signed it", b, e.Identity.via(), e.Err)
	case HostnameMismatch:
		return fmt.Sprintf("TLS to Kafka broker %s (%s) failed: the broker's certificate is not valid for that name (%v); connect by a name the certificate lists, or set ssl.endpoint.identification.algorithm= (empty) to skip the host name check", b, e.Identity.via(), e.Err)
	case CertificateExpired:
		return fmt.Sprintf("TLS to Kafka broker %s (%s) failed: the broker's certificate is expired or not yet valid (%v)", b, e.Identity.via(), e.Err)
	case PlaintextToTLS:
		return fmt.Sprintf("Kafka broker %s closed the connection on the first plaintext request: its listener expects TLS but security.protocol=%s; set security.protocol=SSL (or SASL_SSL) and a trust store", b, e.Protocol)
	case TLSToPlaintext:
		return fmt.Sprintf("TLS to Kafka broker %s (%s) failed: the listener does not speak TLS (%v); set security.protocol=PLAINTEXT (or SASL_PLAINTEXT), or use the broker's TLS port", b, e.Identity.via(), e.Err)
	default:
		return fmt.Sprintf("TLS to Kafka broker %s (%s) failed: the broker rejected the handshake (%v); it may require a client certificate (ssl.keystore.location) or not trust the one given", b, e.Identity.via(), e.Err)
	}
}

// Unwrap returns the underlying error.
func (e *TLSError) Unwrap() error { return e.Err }

// AuthProblem says what went wrong in authentication.
type AuthProblem int

// The authentication problems.
const (
	// WrongCredentials: the broker refused the credentials, or closed the
	// connection during SASL (kfake and some brokers do that instead of
	// answering SASL_AUTHENTICATION_FAILED).
	WrongCredentials AuthProblem = iota + 1
	// NoCredentials: the broker requires SASL and the client sent none.
	NoCredentials
	// MechanismNotEnabled: the broker does not enable the mechanism.
	MechanismNotEnabled
	// AuthRejected: any other SASL failure.
	AuthRejected
)

// AuthError is a failed authentication.
type AuthError struct {
	Identity
	Broker  string      // the broker address
	Problem AuthProblem // what went wrong
	// ClosedDuringSASL is true when the broker closed the connection
	// during the SASL exchange instead of answering.
	ClosedDuringSASL bool
	Err              error // the broker's or client's error
}

// Error implements error.
func (e *AuthError) Error() string {
	b := e.Identity.broker(e.Broker)
	switch e.Problem {
	case WrongCredentials:
		if e.ClosedDuringSASL {
			return fmt.Sprintf("authentication failed for principal %s with mechanism %s at Kafka broker %s over %s (the broker closed the connection during SASL; wrong password?)", e.Principal, e.Mechanism, b, e.Protocol)
		}
		if isEOF(e.Err) {
			return fmt.Sprintf("Kafka broker %s closed the connection (%v); over %s this most often means it refused principal %s with mechanism %s: wrong password?", b, e.Err, e.Protocol, e.Principal, e.Mechanism)
		}
		return fmt.Sprintf("authentication failed for principal %s with mechanism %s at Kafka broker %s over %s: %v; check the user name and password", e.Principal, e.Mechanism, b, e.Protocol, e.Err)
	case NoCredentials:
		return fmt.Sprintf("Kafka broker %s closed the connection at the first request after the handshake: it requires SASL authentication but security.protocol=%s sends no credentials; set security.protocol=SASL_SSL (or SASL_PLAINTEXT), sasl.mechanism and credentials", b, e.Protocol)
	case MechanismNotEnabled:
		return fmt.Sprintf("Kafka broker %s does not enable SASL mechanism %s (%v); set sasl.mechanism to one it enables", b, e.Mechanism, e.Err)
	default:
		return fmt.Sprintf("authentication of principal %s with mechanism %s at Kafka broker %s (%s) failed: %v", e.Principal, e.Mechanism, b, e.Protocol, e.Err)
	}
}

// Unwrap returns the underlying error.
func (e *AuthError) Unwrap() error { return e.Err }

// ACLError is an authorization failure: the principal lacks the ACL for an
// operation on a resource.
type ACLError struct {
	// Principal is the denied principal, e.g. User:alice.
	Principal string
	// ResourceType is TOPIC, GROUP, TRANSACTIONAL_ID or CLUSTER.
	ResourceType kmsg.ACLResourceType
	// Resource is the resource name; empty when unknown.
	Resource string
	// Operation is what was denied (READ, WRITE, CREATE, DESCRIBE, ...);
	// ACLOperationUnknown when unknown.
	Operation kmsg.ACLOperation
	// Err is the broker's error (kerr.TopicAuthorizationFailed, ...).
	Err error
}

// Error implements error.
func (e *ACLError) Error() string {
	what := resourceName(e.ResourceType)
	if e.Resource != "" && e.ResourceType != kmsg.ACLResourceTypeCluster {
		what += fmt.Sprintf(" %q", e.Resource)
	}
	code := "authorization failed"
	var ke *kerr.Error
	if errors.As(e.Err, &ke) {
		code = ke.Message
	}
	if e.Operation == kmsg.ACLOperationUnknown || (e.Resource == "" && e.ResourceType != kmsg.ACLResourceTypeCluster) {
		return fmt.Sprintf("principal %s is not authorized on a %s (%s); grant it the ACL the operation needs", e.Principal, what, code)
	}
	return fmt.Sprintf("principal %s is not authorized to %s %s (%s); an administrator can grant it: kafka-acls --add --allow-principal %s --operation %s %s",
		e.Principal, e.Operation, what, code, e.Principal, aclOpFlag(e.Operation), aclResourceFlag(e.ResourceType, e.Resource))
}

// Unwrap returns the broker's error.
func (e *ACLError) Unwrap() error { return e.Err }

func resourceName(t kmsg.ACLResourceType) string {
	switch t {
	case kmsg.ACLResourceTypeTopic:
		return "topic"
	case kmsg.ACLResourceTypeGroup:
		return "consumer group"
	case kmsg.ACLResourceTypeTransactionalId:
		return "transactional id"
	case kmsg.ACLResourceTypeCluster:
		return "cluster"
	}
	return strings.ToLower(t.String())
}

// aclOpFlag is the kafka-acls spelling of op: Read, Write, IdempotentWrite.
func aclOpFlag(op kmsg.ACLOperation) string {
	var b strings.Builder
	for _, w := range strings.Split(strings.ToLower(op.String()), "_") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

func aclResourceFlag(t kmsg.ACLResourceType, name string) string {
	switch t {
	case kmsg.ACLResourceTypeTopic:
		return "--topic " + name
	case kmsg.ACLResourceTypeGroup:
		return "--group " + name
	case kmsg.ACLResourceTypeTransactionalId:
		return "--transactional-id " + name
	}
	return "--cluster"
}

// MissingTopicError is a topic a query reads that does not exist.
type MissingTopicError struct {
	Topic string // the topic name
}

// Error implements error.
func (e *MissingTopicError) Error() string {
	return fmt.Sprintf("topic %q does not exist: create it, or check the name in the query", e.Topic)
}

// Resource names the resource and operation a failing call touched, so
// Explain can say what is missing.
type Resource struct {
	Type      kmsg.ACLResourceType // TOPIC, GROUP, TRANSACTIONAL_ID or CLUSTER
	Name      string               // the resource name
	Operation kmsg.ACLOperation    // what the call did: READ, WRITE, ...
}

// Topic is a topic resource.
func Topic(name string, op kmsg.ACLOperation) Resource {
	return Resource{Type: kmsg.ACLResourceTypeTopic, Name: name, Operation: op}
}

// Group is a consumer group resource.
func Group(name string, op kmsg.ACLOperation) Resource {
	return Resource{Type: kmsg.ACLResourceTypeGroup, Name: name, Operation: op}
}

// TransactionalID is a transactional id resource.
func TransactionalID(name string, op kmsg.ACLOperation) Resource {
	return Resource{Type: kmsg.ACLResourceTypeTransactionalId, Name: name, Operation: op}
}

// Explain turns an error from a franz-go client built from cfg into a typed
// error (*ConnectError, *TLSError, *AuthError, *ACLError) wrapping it, whose
// message names the broker, protocol, mechanism and principal and says what
// to fix. res, when given, names the resource the failing call touched. An
// error it does not recognise is returned unchanged. An Observer on the
// client explains connection failures more precisely (Observer.Explain).
func Explain(err error, cfg *config.Config, res ...Resource) error {
	return explain(err, cfg, nil, res)
}

// failure is the last connection-level failure an Observer saw.
type failure struct {
	broker string
	key    int16 // the request that failed; -1: connecting
	err    error
}

// Observer is a franz-go hook (add it with kgo.WithHooks) that remembers
// the last connection failure per client: which broker, at which request
// (ApiVersions, SASL, the first real request), with which error. franz-go
// retries most of these quietly until a deadline; the Observer lets Explain
// say what happened, and Fatal tells when retrying is pointless (a wrong
// password, an untrusted certificate, a protocol mismatch).
type Observer struct {
	mu    sync.Mutex
	last  *failure
	fatal chan struct{}
	once  sync.Once
}

// NewObserver returns an Observer.
func NewObserver() *Observer {
	return &Observer{fatal: make(chan struct{})}
}

var (
	_ kgo.HookBrokerConnect = (*Observer)(nil)
	_ kgo.HookBrokerE2E     = (*Observer)(nil)
)

// Fatal is closed once a failure that retrying will not fix has been seen.
func (o *Observer) Fatal() <-chan struct{} { return o.fatal }

// OnBrokerE2E implements kgo.HookBrokerE2E.
func (o *Observer) OnBrokerE2E(meta kgo.BrokerMetadata, key int16, e kgo.BrokerE2E) {
	err := e.Err()
	if err == nil || !isConnErr(err) {
		return
	}
	o.record(&failure{broker: net.JoinHostPort(meta.Host, fmt.Sprint(meta.Port)), key: key, err: err})
}

// OnBrokerConnect implements kgo.HookBrokerConnect.
func (o *Observer) OnBrokerConnect(meta kgo.BrokerMetadata, _ time.Duration, _ net.Conn, err error) {
	broker := net.JoinHostPort(meta.Host, fmt.Sprint(meta.Port))
	if err == nil {
		// A connection that works makes an older failure of the same
		// broker history, not the explanation of what comes next.
		o.mu.Lock()
		if o.last != nil && o.last.broker == broker {
			o.last = nil
		}
		o.mu.Unlock()
		return
	}
	var ht *errHandshakeTimeout
	if errors.Is(err, context.Canceled) || errors.Is(err, kgo.ErrClientClosed) ||
		(errors.Is(err, context.DeadlineExceeded) && !errors.As(err, &ht)) {
		// A dial cut short by the caller's deadline says nothing new;
		// keep the failure before it.
		return
	}
	o.mu.Lock()
	last := o.last
	o.mu.Unlock()
	if last != nil && last.broker == broker && last.key >= 0 && (last.err == err || errors.Is(err, last.err)) {
		return // the request-level record says more
	}
	key := int16(-1)
	var fr *kgo.ErrFirstReadEOF
	if errors.As(err, &fr) && strings.Contains(fr.Error(), "api versions") {
		key = int16(kmsg.ApiVersions)
	}
	o.record(&failure{broker: broker, key: key, err: err})
}

func (o *Observer) record(f *failure) {
	o.mu.Lock()
	o.last = f
	o.mu.Unlock()
	if fatalFailure(f) {
		o.once.Do(func() { close(o.fatal) })
	}
}

// fatalFailure reports whether f will not go away by retrying.
func fatalFailure(f *failure) bool {
	var (
		fr *kgo.ErrFirstReadEOF
		ue x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
		rh tls.RecordHeaderError
		ht *errHandshakeTimeout
	)
	switch {
	case errors.As(f.err, &fr), errors.As(f.err, &ue), errors.As(f.err, &he), errors.As(f.err, &ci), errors.As(f.err, &rh), errors.As(f.err, &ht):
		return true
	case isRemoteTLSAlert(f.err):
		return true
	case isEOF(f.err) && (f.key == int16(kmsg.SASLHandshake) || f.key == int16(kmsg.SASLAuthenticate) || f.key == int16(kmsg.ApiVersions)):
		return true
	}
	var ke *kerr.Error
	return errors.As(f.err, &ke) && (ke == kerr.SaslAuthenticationFailed || ke == kerr.UnsupportedSaslMechanism || ke == kerr.IllegalSaslState)
}

// Explain is Explain using what the Observer saw: an EOF or a deadline is
// explained by the connection failure behind it.
func (o *Observer) Explain(err error, cfg *config.Config, res ...Resource) error {
	o.mu.Lock()
	f := o.last
	o.mu.Unlock()
	return explain(err, cfg, f, res)
}

func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed)
}

// isConnErr reports whether err is a connection-level error worth
// remembering (not a request-level error code).
func isConnErr(err error) bool {
	var (
		ne net.Error
		fr *kgo.ErrFirstReadEOF
		ke *kerr.Error
	)
	return isEOF(err) || errors.As(err, &ne) || errors.As(err, &fr) ||
		(errors.As(err, &ke) && (ke == kerr.SaslAuthenticationFailed || ke == kerr.UnsupportedSaslMechanism || ke == kerr.IllegalSaslState))
}

// isRemoteTLSAlert reports a TLS alert sent by the broker (Go reports those
// as a net.OpError with Op "remote error").
func isRemoteTLSAlert(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "remote error"
}

func isOurs(err error) bool {
	var (
		ce *ConnectError
		te *TLSError
		ae *AuthError
		le *ACLError
		me *MissingTopicError
	)
	return errors.As(err, &ce) || errors.As(err, &te) || errors.As(err, &ae) || errors.As(err, &le) || errors.As(err, &me)
}

func explain(err error, cfg *config.Config, f *failure, res []Resource) error {
	if err == nil || isOurs(err) {
		return err
	}
	id := IdentityOf(cfg)
	timedOut := errors.Is(err, context.DeadlineExceeded)
	key, broker := int16(-1), ""
	related := f != nil && (timedOut || errors.Is(err, context.Canceled) || isEOF(err) || errors.Is(err, f.err) || isConnErr(err))
	if related {
		key, broker = f.key, f.broker
	}
	e := classify(err, key, broker, id, res)
	if e == nil && related {
		e = classify(f.err, f.key, f.broker, id, res)
	}
	if e != nil {
		if ce, ok := e.(*ConnectError); ok && timedOut {
			ce.Timeout = startupTimeout(cfg)
		}
		return e
	}
	if timedOut {
		return &ConnectError{Identity: id, Broker: broker, Timeout: startupTimeout(cfg), Err: err}
	}
	return err
}

func startupTimeout(cfg *config.Config) time.Duration {
	if cfg.StartupTimeout > 0 {
		return cfg.StartupTimeout
	}
	return DefaultStartupTimeout
}

// classify maps one error to a typed error, or nil.
func classify(err error, key int16, broker string, id Identity, res []Resource) error {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		switch ke {
		case kerr.TopicAuthorizationFailed:
			return aclError(id, kmsg.ACLResourceTypeTopic, res, err)
		case kerr.GroupAuthorizationFailed:
			return aclError(id, kmsg.ACLResourceTypeGroup, res, err)
		case kerr.TransactionalIDAuthorizationFailed:
			return aclError(id, kmsg.ACLResourceTypeTransactionalId, res, err)
		case kerr.ClusterAuthorizationFailed:
			return aclError(id, kmsg.ACLResourceTypeCluster, res, err)
		case kerr.SaslAuthenticationFailed:
			return &AuthError{Identity: id, Broker: broker, Problem: WrongCredentials, Err: err}
		case kerr.UnsupportedSaslMechanism:
			return &AuthError{Identity: id, Broker: broker, Problem: MechanismNotEnabled, Err: err}
		case kerr.IllegalSaslState:
			return &AuthError{Identity: id, Broker: broker, Problem: AuthRejected, Err: err}
		}
		return nil
	}

	var (
		ue x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
		rh tls.RecordHeaderError
		fr *kgo.ErrFirstReadEOF
		de *net.DNSError
		oe *net.OpError
		ht *errHandshakeTimeout
	)
	switch {
	case errors.As(err, &ht):
		return &TLSError{Identity: id, Broker: broker, Problem: TLSToPlaintext, Err: err}
	case errors.As(err, &ue):
		return &TLSError{Identity: id, Broker: broker, Problem: UntrustedCertificate, Err: err}
	case errors.As(err, &he):
		return &TLSError{Identity: id, Broker: broker, Problem: HostnameMismatch, Err: err}
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		return &TLSError{Identity: id, Broker: broker, Problem: CertificateExpired, Err: err}
	case errors.As(err, &rh):
		return &TLSError{Identity: id, Broker: broker, Problem: TLSToPlaintext, Err: err}
	case isRemoteTLSAlert(err):
		return &TLSError{Identity: id, Broker: broker, Problem: HandshakeRejected, Err: err}
	case errors.As(err, &fr):
		msg := fr.Error()
		switch {
		case strings.Contains(msg, "is TLS missing?"):
			if !id.Protocol.UsesTLS() {
				return &TLSError{Identity: id, Broker: broker, Problem: PlaintextToTLS, Err: err}
			}
		case strings.Contains(msg, "is SASL missing?"):
			if !id.Protocol.UsesSASL() {
				return &AuthError{Identity: id, Broker: broker, Problem: NoCredentials, Err: err}
			}
			return &AuthError{Identity: id, Broker: broker, Problem: AuthRejected, Err: err}
		case strings.Contains(msg, "after a dial"):
			if id.Protocol.UsesTLS() {
				return &TLSError{Identity: id, Broker: broker, Problem: TLSToPlaintext, Err: err}
			}
		}
		return nil
	case strings.Contains(err.Error(), "tls alert record"):
		// franz-go read a TLS alert where a Kafka response should be.
		return &TLSError{Identity: id, Broker: broker, Problem: PlaintextToTLS, Err: err}
	case isEOF(err):
		switch {
		case key == int16(kmsg.SASLHandshake) || key == int16(kmsg.SASLAuthenticate):
			return &AuthError{Identity: id, Broker: broker, Problem: WrongCredentials, ClosedDuringSASL: true, Err: err}
		case key == int16(kmsg.ApiVersions) && !id.Protocol.UsesTLS():
			return &TLSError{Identity: id, Broker: broker, Problem: PlaintextToTLS, Err: err}
		case key < 0 && id.Protocol.UsesSASL():
			// Without an Observer we do not know the request; with SASL,
			// a closed connection is most often a refused password.
			return &AuthError{Identity: id, Broker: broker, Problem: WrongCredentials, Err: err}
		}
		return nil
	case errors.As(err, &de):
		return &ConnectError{Identity: id, Broker: broker, Err: err}
	case errors.As(err, &oe) && oe.Op == "dial":
		return &ConnectError{Identity: id, Broker: broker, Err: err}
	}
	return nil
}

func aclError(id Identity, t kmsg.ACLResourceType, res []Resource, err error) *ACLError {
	e := &ACLError{Principal: id.Principal, ResourceType: t, Operation: kmsg.ACLOperationUnknown, Err: err}
	for _, r := range res {
		if r.Type == t {
			e.Resource, e.Operation = r.Name, r.Operation
			break
		}
	}
	return e
}
