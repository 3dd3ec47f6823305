package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// userSet reports whether any layer above the built-in defaults set name (in
// any of its spellings).
func (b *builder) userSet(name string) bool {
	_, k, ok := b.lookup(name)
	return ok && b.sources[k].Layer != LayerDefault
}

// warnUnused warns about every key of family (e.g. "ssl.") that a layer
// above the defaults set although the protocol does not use it.
func (b *builder) warnUnused(family, why string) {
	for _, key := range sortedKeys(b.parsed) {
		base := key
		for _, p := range []string{prefixStreamsProducer, prefixStreamsConsumer, prefixStreams} {
			if s, ok := strings.CutPrefix(key, p); ok {
				base = s
				break
			}
		}
		if strings.HasPrefix(base, family) && b.sources[key].Layer != LayerDefault {
			b.warn(key, why)
		}
	}
}

func (b *builder) buildSecurity() Security {
	sec := Security{Protocol: Protocol(b.str("security.protocol"))}
	if sec.Protocol == "" {
		sec.Protocol = Plaintext
	}
	if sec.Protocol.UsesTLS() {
		sec.TLS = b.buildTLS()
	} else {
		b.warnUnused("ssl.", fmt.Sprintf("ignored: security.protocol=%s does not use TLS", sec.Protocol))
	}
	if sec.Protocol.UsesSASL() {
		sec.SASL = b.buildSASL(sec.Protocol)
	} else {
		b.warnUnused("sasl.", fmt.Sprintf("ignored: security.protocol=%s does not use SASL", sec.Protocol))
	}
	return sec
}

func (b *builder) buildTLS() TLS {
	t := TLS{
		TruststoreLocation:       b.str("ssl.truststore.location"),
		TruststoreType:           b.str("ssl.truststore.type"),
		TruststorePassword:       NewSecret(b.str("ssl.truststore.password")),
		TruststoreCertificates:   b.str("ssl.truststore.certificates"),
		KeystoreLocation:         b.str("ssl.keystore.location"),
		KeystoreType:             b.str("ssl.keystore.type"),
		KeystorePassword:         NewSecret(b.str("ssl.keystore.password")),
		KeyPassword:              NewSecret(b.str("ssl.key.password")),
		KeystoreCertificateChain: b.str("ssl.keystore.certificate.chain"),
		KeystoreKey:              NewSecret(b.str("ssl.keystore.key")),
		CertificateLocation:      b.str("ssl.certificate.location"),
		KeyLocation:              b.str("ssl.key.location"),
		VerifyHostname:           b.str("ssl.endpoint.identification.algorithm") != "",
	}
	if !b.has("ssl.endpoint.identification.algorithm") {
		t.VerifyHostname = true
	}

	if ca := b.str("ssl.ca.location"); ca != "" {
		switch {
		case t.TruststoreLocation != "":
			b.failf("set either %s or %s, not both", b.keyOf("ssl.ca.location"), b.keyOf("ssl.truststore.location"))
		case t.TruststoreType != "" && t.TruststoreType != StorePEM:
			b.failf("%s is a PEM file but %s=%s", b.keyOf("ssl.ca.location"), b.keyOf("ssl.truststore.type"), t.TruststoreType)
		default:
			t.TruststoreLocation, t.TruststoreType = ca, StorePEM
		}
	}
	if t.TruststoreCertificates != "" {
		switch {
		case t.TruststoreLocation != "":
			b.failf("set either %s or %s, not both", b.keyOf("ssl.truststore.certificates"), b.keyOf("ssl.truststore.location"))
		case t.TruststoreType != "" && t.TruststoreType != StorePEM:
			b.failf("%s needs %s=PEM", b.keyOf("ssl.truststore.certificates"), b.keyOf("ssl.truststore.type"))
		default:
			t.TruststoreType = StorePEM
		}
	}

	if (t.CertificateLocation == "") != (t.KeyLocation == "") {
		b.failf("%s and %s go together: set both or neither", b.keyOf("ssl.certificate.location"), b.keyOf("ssl.key.location"))
	}
	if t.CertificateLocation != "" && t.KeystoreLocation != "" {
		b.failf("set either %s or %s, not both", b.keyOf("ssl.certificate.location"), b.keyOf("ssl.keystore.location"))
	}
	if t.KeystoreCertificateChain != "" || t.KeystoreKey.IsSet() {
		switch {
		case t.KeystoreCertificateChain == "" || !t.KeystoreKey.IsSet():
			b.failf("%s and %s go together: set both or neither", b.keyOf("ssl.keystore.certificate.chain"), b.keyOf("ssl.keystore.key"))
		case t.KeystoreLocation != "":
			b.failf("set either %s or %s, not both", b.keyOf("ssl.keystore.certificate.chain"), b.keyOf("ssl.keystore.location"))
		case t.KeystoreType != "" && t.KeystoreType != StorePEM:
			b.failf("%s needs %s=PEM", b.keyOf("ssl.keystore.certificate.chain"), b.keyOf("ssl.keystore.type"))
		default:
			t.KeystoreType = StorePEM
		}
	}
	if t.KeystoreLocation != "" && t.KeystoreType == StoreJKS && !t.KeystorePassword.IsSet() {
		b.failf("%s of type JKS needs %s", b.keyOf("ssl.keystore.location"), b.keyOf("ssl.keystore.password"))
	}

	if v, _, ok := b.lookup("ssl.enabled.protocols"); ok {
		for _, p := range v.([]string) {
			if t.MinVersion == "" || p < t.MinVersion {
				t.MinVersion = p
			}
			if p > t.MaxVersion {
				t.MaxVersion = p
			}
		}
	}
	if b.str("ssl.protocol") == "TLSv1.2" {
		// A JVM's TLSv1.2 context cannot speak TLS 1.3.
		t.MaxVersion = "TLSv1.2"
		if t.MinVersion > t.MaxVersion {
			b.failf("%s=TLSv1.2 contradicts %s", b.keyOf("ssl.protocol"), b.keyOf("ssl.enabled.protocols"))
		}
	}
	return t
}

// mechanismForModule is the SASL mechanism a login module implies; SCRAM
// needs sasl.mechanism to pick SHA-256 or SHA-512.
func mechanismForModule(module string) string {
	switch module {
	case PlainLoginModule:
		return MechanismPlain
	case OAuthBearerLoginModule:
		return MechanismOAuthBearer
	case Krb5LoginModule:
		return MechanismGSSAPI
	}
	return ""
}

func moduleMatches(mech, module string) bool {
	switch mech {
	case MechanismPlain:
		return module == PlainLoginModule
	case MechanismScramSHA256, MechanismScramSHA512:
		return module == ScramLoginModule
	case MechanismOAuthBearer:
		return module == OAuthBearerLoginModule
	case MechanismGSSAPI:
		return module == Krb5LoginModule
	}
	return false
}

func (b *builder) buildSASL(proto Protocol) SASL {
	var s SASL
	jaasKey := b.keyOf("sasl.jaas.config")
	var j *JAAS
	if text := b.str("sasl.jaas.config"); strings.TrimSpace(text) != "" {
		parsed, err := ParseJAAS(text)
		if err != nil {
			b.errs = append(b.errs, fmt.Errorf("invalid %s (from %s): %w", jaasKey, b.sources[jaasKey], err))
			return s
		}
		j = &parsed
		s.LoginModule = parsed.LoginModule
	}
	opt := func(name string) string {
		if j == nil {
			return ""
		}
		v, _ := j.Option(name)
		return v
	}

	s.Mechanism = b.str("sasl.mechanism")
	mechKey := b.keyOf("sasl.mechanism")
	if s.Mechanism == "" {
		switch {
		case j != nil && j.Module() == ScramLoginModule:
			b.failf("%s is ScramLoginModule: set %s to SCRAM-SHA-256 or SCRAM-SHA-512", jaasKey, mechKey)
			return s
		case j != nil:
			s.Mechanism = mechanismForModule(j.Module())
		case b.has("sasl.kerberos.keytab") || b.has("sasl.kerberos.principal"):
			s.Mechanism = MechanismGSSAPI
		case b.has("sasl.oauthbearer.token") || b.has("sasl.oauthbearer.token.file"):
			s.Mechanism = MechanismOAuthBearer
		default:
			b.failf("security.protocol=%s needs %s (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or GSSAPI) and credentials (%s, or sasl.username and sasl.password)", proto, mechKey, jaasKey)
			return s
		}
	}
	if j != nil && !moduleMatches(s.Mechanism, j.Module()) {
		b.failf("%s=%s does not match the login module %s in %s", mechKey, s.Mechanism, j.Module(), jaasKey)
		return s
	}

	switch s.Mechanism {
	case MechanismPlain, MechanismScramSHA256, MechanismScramSHA512:
		s.Username = opt("username")
		if b.has("sasl.username") {
			s.Username = b.str("sasl.username")
		}
		s.Password = NewSecret(opt("password"))
		if b.has("sasl.password") {
			s.Password = NewSecret(b.str("sasl.password"))
		}
		if s.Username == "" || !s.Password.IsSet() {
			b.failf("%s=%s needs a username and a password: set %s (%s required username=\"...\" password=\"...\";) or sasl.username and sasl.password",
				mechKey, s.Mechanism, jaasKey, loginModuleFor(s.Mechanism))
		}
	case MechanismOAuthBearer:
		s.OAuth = b.buildOAuth(j, jaasKey, mechKey)
	case MechanismGSSAPI:
		s.Kerberos = b.buildKerberos(j, jaasKey)
	}
	return s
}

func loginModuleFor(mech string) string {
	switch mech {
	case MechanismPlain:
		return "org.apache.kafka.common.security.plain.PlainLoginModule"
	case MechanismScramSHA256, MechanismScramSHA512:
		return "org.apache.kafka.common.security.scram.ScramLoginModule"
	case MechanismOAuthBearer:
		return "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule"
	case MechanismGSSAPI:
		return "com.sun.security.auth.module.Krb5LoginModule"
	}
	return ""
}

// Kafka's unsecured OAUTHBEARER token options.
const (
	unsecuredStringClaim = "unsecuredLoginStringClaim_"
	unsecuredNumberClaim = "unsecuredLoginNumberClaim_"
	unsecuredListClaim   = "unsecuredLoginListClaim_"
	unsecuredExtension   = "unsecuredLoginExtension_"
	unsecuredPrincipal   = "unsecuredLoginPrincipalClaimName"
	unsecuredLifetime    = "unsecuredLoginLifetimeSeconds"
)

func (b *builder) buildOAuth(j *JAAS, jaasKey, mechKey string) OAuth {
	var o OAuth
	if j != nil {
		if v, ok := j.Option("token"); ok {
			o.Token = NewSecret(v)
		}
		o.TokenFile, _ = j.Option("tokenFile")
		for _, name := range []string{"clientId", "clientSecret"} {
			if _, ok := j.Option(name); ok {
				b.failf("%s: the OAuth client-credentials flow (%s) is not supported; give a token (token=\"...\" or sasl.oauthbearer.token) or a token file (tokenFile=\"...\" or sasl.oauthbearer.token.file)", jaasKey, name)
				return o
			}
		}
		o.Unsecured = b.unsecuredToken(j, jaasKey)
		for _, name := range j.OptionNames() {
			if ext, ok := strings.CutPrefix(name, unsecuredExtension); ok {
				if o.Extensions == nil {
					o.Extensions = map[string]string{}
				}
				o.Extensions[ext], _ = j.Option(name)
			}
		}
	}
	if b.has("sasl.oauthbearer.token") {
		o.Token = NewSecret(b.str("sasl.oauthbearer.token"))
	}
	if b.has("sasl.oauthbearer.token.file") {
		o.TokenFile = b.str("sasl.oauthbearer.token.file")
	}
	n := 0
	for _, given := range []bool{o.Token.IsSet(), o.TokenFile != "", o.Unsecured != nil} {
		if given {
			n++
		}
	}
	switch {
	case n == 0:
		b.failf("%s=OAUTHBEARER needs a token: sasl.oauthbearer.token, sasl.oauthbearer.token.file, or in %s token=\"...\", tokenFile=\"...\" or unsecuredLoginStringClaim_sub=\"...\"", mechKey, jaasKey)
	case n > 1:
		b.failf("%s=OAUTHBEARER: give one token source (a token, a token file or unsecured claims), not %d", mechKey, n)
	}
	return o
}

func (b *builder) unsecuredToken(j *JAAS, jaasKey string) *UnsecuredToken {
	u := &UnsecuredToken{PrincipalClaim: "sub", Claims: map[string]any{}, Lifetime: time.Hour}
	found := false
	for _, name := range j.OptionNames() {
		v, _ := j.Option(name)
		switch {
		case strings.HasPrefix(name, unsecuredStringClaim):
			u.Claims[strings.TrimPrefix(name, unsecuredStringClaim)] = v
			found = true
		case strings.HasPrefix(name, unsecuredNumberClaim):
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				b.failf("%s: option %s must be a number", jaasKey, name)
				continue
			}
			u.Claims[strings.TrimPrefix(name, unsecuredNumberClaim)] = f
			found = true
		case strings.HasPrefix(name, unsecuredListClaim):
			// The first character is the delimiter (Kafka's convention).
			var list []string
			if v != "" {
				list = strings.Split(v[1:], v[:1])
			}
			u.Claims[strings.TrimPrefix(name, unsecuredListClaim)] = list
			found = true
		case name == unsecuredPrincipal:
			u.PrincipalClaim = v
		case name == unsecuredLifetime:
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				b.failf("%s: option %s must be a positive number of seconds", jaasKey, name)
				continue
			}
			u.Lifetime = time.Duration(n) * time.Second
		}
	}
	if !found {
		return nil
	}
	for _, reserved := range []string{"iat", "exp"} {
		if _, ok := u.Claims[reserved]; ok {
			b.failf("%s: the %q claim is set from unsecuredLoginLifetimeSeconds and cannot be given", jaasKey, reserved)
		}
	}
	if u.Principal() == "" {
		b.failf("%s: the unsecured token needs the principal claim: unsecuredLoginStringClaim_%s=\"<name>\"", jaasKey, u.PrincipalClaim)
	}
	return u
}

func (b *builder) buildKerberos(j *JAAS, jaasKey string) Kerberos {
	k := Kerberos{
		ServiceName: b.str("sasl.kerberos.service.name"),
		Principal:   b.str("sasl.kerberos.principal"),
		Keytab:      b.str("sasl.kerberos.keytab"),
		Krb5Conf:    b.str("sasl.kerberos.krb5.conf"),
	}
	if !b.userSet("sasl.kerberos.krb5.conf") && b.env["KRB5_CONFIG"] != "" {
		k.Krb5Conf = b.env["KRB5_CONFIG"]
	}
	if j != nil {
		if sn, ok := j.Option("serviceName"); ok {
			if b.userSet("sasl.kerberos.service.name") && sn != k.ServiceName {
				b.failf("%s serviceName=%q contradicts %s=%q", jaasKey, sn, b.keyOf("sasl.kerberos.service.name"), k.ServiceName)
			}
			k.ServiceName = sn
		}
		if p, ok := j.Option("principal"); ok && k.Principal == "" {
			k.Principal = p
		}
		useKeyTab, _ := j.Option("useKeyTab")
		useCache, _ := j.Option("useTicketCache")
		if strings.EqualFold(useKeyTab, "true") {
			if kt, ok := j.Option("keyTab"); ok && k.Keytab == "" {
				k.Keytab = strings.TrimPrefix(kt, "file:")
			}
		}
		if strings.EqualFold(useCache, "true") && k.Keytab == "" {
			k.UseTicketCache = true
			k.TicketCache, _ = j.Option("ticketCache")
		}
	}
	if k.UseTicketCache && k.TicketCache == "" {
		k.TicketCache = strings.TrimPrefix(b.env["KRB5CCNAME"], "FILE:")
		if k.TicketCache == "" {
			k.TicketCache = fmt.Sprintf("/tmp/krb5cc_%d", os.Getuid())
		}
	}
	switch {
	case k.Keytab != "" && k.Principal == "":
		b.failf("GSSAPI with a keytab needs the principal: principal=\"user@REALM\" in %s or sasl.kerberos.principal", jaasKey)
	case k.Keytab == "" && !k.UseTicketCache:
		b.failf("GSSAPI needs a keytab (useKeyTab=true keyTab=\"/path\" principal=\"user@REALM\" in %s, or sasl.kerberos.keytab and sasl.kerberos.principal) or useTicketCache=true", jaasKey)
	}
	if k.ServiceName == "" {
		b.failf("GSSAPI needs the brokers' service name: sasl.kerberos.service.name (usually kafka)")
	}
	return k
}
