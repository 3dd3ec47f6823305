package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/wasmstream/wasmstream/host/config"
)

// configFlags are the flags of every command that loads the configuration:
// a file, and overrides of single keys, which win over the file and the
// environment (see host/config for the precedence).
type configFlags struct {
	file string
	set  keyValues
	// Shorthands for the keys set most often.
	bootstrap, serviceID, stateDir string
}

// register adds the flags to fs.
func (c *configFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.file, "config", "", "configuration `FILE`: a ksql.properties-style Java properties file, or YAML")
	fs.Var(&c.set, "set", "set a configuration key, as `KEY=VALUE` (repeatable); wins over the file and the environment")
	fs.StringVar(&c.bootstrap, "bootstrap-servers", "", "bootstrap.servers (`HOST:PORT,...`); none: the embedded broker")
	fs.StringVar(&c.serviceID, "service-id", "", "ksql.service.id, the prefix of consumer groups and internal topics")
	fs.StringVar(&c.stateDir, "state-dir", "", "wasmstream.state.dir, where state and the embedded broker live (`DIR`)")
}

// options returns the config.Load options the flags ask for.
func (c *configFlags) options() config.Options {
	flags := map[string]string{}
	for _, kv := range c.set {
		flags[kv[0]] = kv[1]
	}
	for key, v := range map[string]string{"bootstrap.servers": c.bootstrap, "ksql.service.id": c.serviceID, "wasmstream.state.dir": c.stateDir} {
		if v != "" {
			flags[key] = v
		}
	}
	return config.Options{File: c.file, Flags: flags}
}

// load loads the configuration and prints its warnings to stderr, prefixed
// with the command's name.
func (c *configFlags) load(name string, defaults map[string]string, stderr io.Writer) (*config.Config, error) {
	opts := c.options()
	opts.Defaults = defaults
	cfg, warnings, err := config.Load(opts)
	for _, w := range warnings {
		fmt.Fprintf(stderr, "wasmstream %s: warning: %s\n", name, w)
	}
	return cfg, err
}

// keyValues is a repeatable KEY=VALUE flag.
type keyValues [][2]string

// String implements flag.Value. It never prints values: they may be
// secrets.
func (kv *keyValues) String() string {
	if kv == nil {
		return ""
	}
	keys := make([]string, len(*kv))
	for i, p := range *kv {
		keys[i] = p[0] + "=" + config.Redact(p[0], p[1])
	}
	return strings.Join(keys, ",")
}

// Set implements flag.Value.
func (kv *keyValues) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return errors.New("want KEY=VALUE")
	}
	*kv = append(*kv, [2]string{k, v})
	return nil
}

// runConfig implements `wasmstream config show`: it prints the effective
// configuration, one key per line with its value and where it came from,
// every secret [hidden]. Unknown keys are warnings (on stderr); an invalid
// value stops it with exit code 1 and a message naming the key.
func runConfig(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: wasmstream config show [--config FILE] [--set KEY=VALUE]... [flags]")
		fmt.Fprintln(w, "\nPrints the effective configuration (defaults < file < KSQL_* env < WASMSTREAM_* env < flags),")
		fmt.Fprintln(w, "one key per line with its value and source; every secret is shown as [hidden].")
	}
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return 0
	}
	if args[0] != "show" {
		fmt.Fprintf(stderr, "wasmstream config: unknown subcommand %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	fs := flag.NewFlagSet("config show", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf configFlags
	cf.register(fs)
	fs.Usage = func() {
		usage(stderr)
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "wasmstream config show: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg, err := cf.load("config show", nil, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "wasmstream config show: %v\n", err)
		return 1
	}
	if err := cfg.Show(stdout); err != nil {
		fmt.Fprintf(stderr, "wasmstream config show: %v\n", err)
		return 1
	}
	if len(cfg.BootstrapServers) == 0 {
		fmt.Fprintln(stderr, "wasmstream config show: bootstrap.servers is not set: `wasmstream run` starts the embedded broker")
	}
	return 0
}

// sortedKeys returns m's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
