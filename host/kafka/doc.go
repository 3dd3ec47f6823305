// Package kafka turns a host/config.Config into franz-go client options —
// TLS (PEM, JKS, PKCS12 trust and key stores, host name verification) and
// SASL (PLAIN, SCRAM-SHA-256/512, OAUTHBEARER, GSSAPI) — and explains Kafka
// failures: Explain and Observer turn client errors into *ConnectError,
// *TLSError, *AuthError and *ACLError whose messages name the broker, the
// security protocol, the mechanism, the principal and what is missing;
// Preflight checks, within the start-up timeout, that the cluster can be
// reached, that authentication works and that the ACLs a set of queries
// needs are granted.
package kafka
