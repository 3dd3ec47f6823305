package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/wasmstream/wasmstream/host/broker"
	"github.com/wasmstream/wasmstream/host/config"
)

// DefaultBrokerListen is where `wasmstream broker` listens unless told
// otherwise: Kafka's usual port, on the loopback interface only, so that the
// address stays the same from one start to the next (the client files in the
// state directory name it).
const DefaultBrokerListen = "127.0.0.1:9092"

// embeddedBrokerDir is where the embedded broker keeps its certificates,
// passwords, client files and data inside wasmstream's state directory.
// `wasmstream broker` and `wasmstream run` without bootstrap servers use the
// same one, so they share users, certificates and topics.
func embeddedBrokerDir(stateDir string) string { return filepath.Join(stateDir, "broker") }

// servicePrefixes are the resource name prefixes the service user owns:
// its consumer groups and internal topics are named under
// _confluent-ksql-<service id> (see kafka.ServiceGroup), its own topics
// under the service id.
func servicePrefixes(serviceID string) []string {
	return []string{"_confluent-ksql-" + serviceID, serviceID}
}

// stringList is a repeatable flag whose values may also be comma-separated.
type stringList []string

// String implements flag.Value.
func (l *stringList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

// Set implements flag.Value.
func (l *stringList) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// runBroker implements `wasmstream broker`: it runs the embedded secured
// broker alone, prints how to connect to it (bootstrap address, CA file,
// users, the kcat and Java client files; never a password) and runs until
// it is interrupted.
func runBroker(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("broker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf configFlags
	fs.StringVar(&cf.file, "config", "", "configuration `FILE` (for wasmstream.state.dir and ksql.service.id)")
	fs.StringVar(&cf.stateDir, "state-dir", "", "wasmstream.state.dir: the broker lives in `DIR`/broker (default $XDG_STATE_HOME/wasmstream or ~/.local/state/wasmstream)")
	fs.StringVar(&cf.serviceID, "service-id", "", "ksql.service.id: the wasmstream user owns topics and groups with this prefix (default default_)")
	listen := fs.String("listen", DefaultBrokerListen, "`ADDR` to listen on (a specific address; port 0 picks a free one)")
	var topics stringList
	fs.Var(&topics, "topic", "a `TOPIC` to create that the wasmstream user may read and write (repeatable, or comma-separated)")
	partitions := fs.Int("partitions", 3, "partitions of the topics created with --topic")
	plaintext := fs.Bool("no-tls", false, "listen with SASL_PLAINTEXT instead of SASL_SSL (not for anything but local experiments)")
	inMemory := fs.Bool("in-memory", false, "keep topics, offsets and ACLs in memory only (certificates and passwords are still kept)")
	verbose := fs.Bool("v", false, "log the broker's warnings and errors")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: wasmstream broker [--state-dir DIR] [--listen ADDR] [--topic T]...")
		fmt.Fprintln(stderr, "\nRuns the embedded Kafka broker alone, secured (SASL_SSL, SCRAM, ACLs), until interrupted,")
		fmt.Fprintln(stderr, "so that kcat or other Kafka clients can connect to it.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "wasmstream broker: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg, err := cf.load("broker", nil, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "wasmstream broker: %v\n", err)
		return 1
	}
	opts := broker.Options{
		StateDir:   embeddedBrokerDir(cfg.StateDir),
		Listen:     *listen,
		ServiceID:  cfg.ServiceID,
		Prefixes:   servicePrefixes(cfg.ServiceID),
		Topics:     topics,
		Partitions: *partitions,
		DisableTLS: *plaintext,
		InMemory:   *inMemory,
	}
	if *verbose {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	b, err := broker.Start(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "wasmstream broker: %v\n", err)
		return 1
	}
	defer b.Close()
	if len(topics) > 0 {
		if err := b.CreateTopics(ctx, int32(*partitions), topics...); err != nil {
			fmt.Fprintf(stderr, "wasmstream broker: %v\n", err)
			return 1
		}
	}
	printBrokerInfo(stdout, b, opts)
	fmt.Fprintln(stdout, "\nRunning; press Ctrl-C to stop.")
	<-ctx.Done()
	fmt.Fprintln(stdout, "wasmstream broker: stopping")
	return 0
}

// printBrokerInfo tells how to connect to b: address, protocol, CA, users
// and the client files. It never prints a password: they are in files in
// the state directory.
func printBrokerInfo(w io.Writer, b *broker.Broker, opts broker.Options) {
	fmt.Fprintf(w, "Embedded Kafka broker: %s, SASL SCRAM-SHA-512 (or SCRAM-SHA-256, PLAIN), ACLs enforced\n", b.Protocol())
	fmt.Fprintf(w, "  bootstrap.servers  %s\n", strings.Join(b.Addrs(), ","))
	if ca := b.CAFile(); ca != "" {
		fmt.Fprintf(w, "  CA certificate     %s\n", ca)
	}
	fmt.Fprintf(w, "  passwords          %s (0600; never printed)\n", b.PasswordsFile())
	fmt.Fprintf(w, "  state directory    %s\n", opts.StateDir)
	fmt.Fprintln(w, "  users")
	for _, u := range b.Users() {
		switch u {
		case broker.AdminUser:
			fmt.Fprintf(w, "    %-12s superuser, for operators (bypasses ACLs)\n", u)
		case broker.ServiceUser:
			prefixes := opts.Prefixes
			if len(prefixes) == 0 {
				prefixes = []string{cmp.Or(opts.ServiceID, "default_")}
			}
			what := fmt.Sprintf("topics, groups and transactional ids starting with %s", strings.Join(quoteAll(prefixes), ", "))
			if len(opts.Topics) > 0 {
				what += "; topics " + strings.Join(opts.Topics, ", ")
			}
			fmt.Fprintf(w, "    %-12s least privilege, what wasmstream runs as: %s\n", u, what)
		default:
			fmt.Fprintf(w, "    %-12s %s\n", u, describeUser(u, opts.Users))
		}
	}
	fmt.Fprintln(w, "Connect")
	fmt.Fprintf(w, "  kcat          kcat -F %s -L\n", b.KcatConfigFile(broker.AdminUser))
	fmt.Fprintf(w, "  Java clients  kafka-topics --bootstrap-server %s --command-config %s --list\n", b.Addrs()[0], b.ClientPropertiesFile(broker.AdminUser))
	fmt.Fprintf(w, "  wasmstream    wasmstream run --config %s QUERIES.sql\n", b.ClientPropertiesFile(broker.ServiceUser))
}

// describeUser summarizes what a user of opts.Users is allowed.
func describeUser(name string, users []broker.User) string {
	for _, u := range users {
		if u.Name != name {
			continue
		}
		if u.Superuser {
			return "superuser"
		}
		var grants []string
		for _, a := range u.ACLs {
			what := a.Operation.String() + " " + strings.ToLower(a.ResourceType.String()) + " " + a.Name
			if a.Pattern == kmsg.ACLResourcePatternTypePrefixed {
				what += "*"
			}
			if a.Deny {
				what = "not " + what
			}
			grants = append(grants, what)
		}
		if len(grants) == 0 {
			return "no ACLs: may do nothing"
		}
		return "may only " + strings.Join(grants, ", ")
	}
	return ""
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// brokerClientConfig loads the configuration with which user connects to b,
// as host/config keys with the password referenced from the passwords file.
func brokerClientConfig(b *broker.Broker, user string, flags map[string]string) (*config.Config, error) {
	props, err := b.ClientConfig(user)
	if err != nil {
		return nil, err
	}
	cfg, _, err := config.Load(config.Options{Defaults: props, Flags: flags, Environ: []string{}})
	return cfg, err
}
