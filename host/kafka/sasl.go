package kafka

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jcmturner/gokrb5/v8/client"
	krb5config "github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/kerberos"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/wasmstream/wasmstream/host/config"
)

// Mechanism builds the SASL mechanism cfg asks for, or nil when the protocol
// does not use SASL. A GSSAPI mechanism reads the krb5.conf and the keytab
// (or ticket cache) here, so a missing or wrong file is reported at start-up
// rather than at the first connection; it needs no KDC until it
// authenticates. Errors never contain a secret.
func Mechanism(cfg *config.Config) (sasl.Mechanism, error) {
	if !cfg.Security.Protocol.UsesSASL() {
		return nil, nil
	}
	s := cfg.Security.SASL
	switch s.Mechanism {
	case config.MechanismPlain:
		return plain.Auth{User: s.Username, Pass: s.Password.Reveal()}.AsMechanism(), nil
	case config.MechanismScramSHA256:
		return scram.Auth{User: s.Username, Pass: s.Password.Reveal()}.AsSha256Mechanism(), nil
	case config.MechanismScramSHA512:
		return scram.Auth{User: s.Username, Pass: s.Password.Reveal()}.AsSha512Mechanism(), nil
	case config.MechanismOAuthBearer:
		return oauthMechanism(s.OAuth)
	case config.MechanismGSSAPI:
		return kerberosMechanism(s.Kerberos)
	}
	return nil, fmt.Errorf("sasl.mechanism %q is not supported", s.Mechanism)
}

// oauthMechanism returns an OAUTHBEARER mechanism whose token is fetched at
// every authentication: a token file is re-read (so a rotated token is
// picked up) and an unsecured token gets fresh iat/exp claims.
func oauthMechanism(o config.OAuth) (sasl.Mechanism, error) {
	if o.TokenFile != "" {
		if _, err := readToken(o.TokenFile); err != nil {
			return nil, err
		}
	}
	return oauth.Oauth(func(context.Context) (oauth.Auth, error) {
		var tok string
		switch {
		case o.Token.IsSet():
			tok = o.Token.Reveal()
		case o.TokenFile != "":
			t, err := readToken(o.TokenFile)
			if err != nil {
				return oauth.Auth{}, err
			}
			tok = t
		case o.Unsecured != nil:
			t, err := UnsecuredJWT(o.Unsecured, time.Now())
			if err != nil {
				return oauth.Auth{}, err
			}
			tok = t
		}
		return oauth.Auth{Token: tok, Extensions: o.Extensions}, nil
	}), nil
}

func readToken(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the OAUTHBEARER token file (sasl.oauthbearer.token.file): %w", err)
	}
	tok := strings.TrimSpace(string(data))
	if tok == "" {
		return "", fmt.Errorf("the OAUTHBEARER token file %s (sasl.oauthbearer.token.file) is empty", path)
	}
	return tok, nil
}

// UnsecuredJWT builds Kafka's unsecured OAUTHBEARER token (what
// OAuthBearerUnsecuredLoginCallbackHandler makes): an unsigned JWT, header
// {"alg":"none"}, with the configured claims plus iat and exp in seconds.
// Brokers accept it only with the unsecured validator: for tests and
// development clusters.
func UnsecuredJWT(u *config.UnsecuredToken, now time.Time) (string, error) {
	claims := make(map[string]any, len(u.Claims)+2)
	for k, v := range u.Claims {
		claims[k] = v
	}
	claims["iat"] = float64(now.UnixMilli()) / 1000
	claims["exp"] = float64(now.Add(u.Lifetime).UnixMilli()) / 1000
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("building the unsecured OAUTHBEARER token: %w", err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"none"}`)) + "." + enc.EncodeToString(payload) + ".", nil
}

// kerberosMechanism loads krb5.conf and the keytab (or ticket cache) and
// returns a GSSAPI mechanism whose Kerberos client lives as long as the
// franz-go client (which closes it).
func kerberosMechanism(k config.Kerberos) (sasl.Mechanism, error) {
	kc, err := krb5config.Load(k.Krb5Conf)
	if err != nil {
		return nil, fmt.Errorf("reading the Kerberos configuration %s (sasl.kerberos.krb5.conf): %w", k.Krb5Conf, err)
	}
	var cl *client.Client
	if k.UseTicketCache {
		cc, err := credentials.LoadCCache(k.TicketCache)
		if err != nil {
			return nil, fmt.Errorf("reading the Kerberos ticket cache %s (useTicketCache): %w", k.TicketCache, err)
		}
		if cl, err = client.NewFromCCache(cc, kc, client.DisablePAFXFAST(true)); err != nil {
			return nil, fmt.Errorf("using the Kerberos ticket cache %s: %w", k.TicketCache, err)
		}
	} else {
		kt, err := keytab.Load(k.Keytab)
		if err != nil {
			return nil, fmt.Errorf("reading the keytab %s (keyTab in sasl.jaas.config, or sasl.kerberos.keytab): %w", k.Keytab, err)
		}
		user, realm, _ := strings.Cut(k.Principal, "@")
		if realm == "" {
			realm = kc.LibDefaults.DefaultRealm
		}
		if realm == "" {
			return nil, fmt.Errorf("the Kerberos principal %s has no realm and %s sets no default_realm", k.Principal, k.Krb5Conf)
		}
		if !keytabHas(kt, user, realm) {
			return nil, fmt.Errorf("the keytab %s has no key for the principal %s@%s", k.Keytab, user, realm)
		}
		cl = client.NewWithKeytab(user, realm, kt, kc, client.DisablePAFXFAST(true))
	}
	if ok, err := cl.IsConfigured(); !ok {
		return nil, fmt.Errorf("the Kerberos client for %s is not configured: %w", k.Principal, err)
	}
	return kerberos.Auth{Client: cl, Service: k.ServiceName}.AsMechanismWithClose(), nil
}

func keytabHas(kt *keytab.Keytab, user, realm string) bool {
	for _, e := range kt.Entries {
		if e.Principal.Realm == realm && strings.Join(e.Principal.Components, "/") == user {
			return true
		}
	}
	return false
}
