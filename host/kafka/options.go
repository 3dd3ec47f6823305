package kafka

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/wasmstream/wasmstream/host/config"
)

// ErrNoBootstrap is returned by ClientOpts when no bootstrap.servers is
// configured (the caller may start the embedded broker instead).
var ErrNoBootstrap = errors.New("no bootstrap.servers configured")

// ClientOpts returns the franz-go options every client of cfg needs: seed
// brokers, client id, TLS, SASL and the shared timeouts. Add ProducerOpts,
// ConsumerOpts and GroupOpts for the client's role. Building them opens the
// trust and key stores and the Kerberos files, so their errors surface here,
// once, naming the key to fix.
func ClientOpts(cfg *config.Config) ([]kgo.Opt, error) {
	return clientOpts(cfg, 0)
}

// defaultDialTimeout is franz-go's default dial timeout, which we keep.
const defaultDialTimeout = 10 * time.Second

// clientOpts is ClientOpts with the dial (and TLS handshake) timeout capped
// at maxDial when positive, so Preflight sees a dial fail before its own
// deadline.
func clientOpts(cfg *config.Config, maxDial time.Duration) ([]kgo.Opt, error) {
	if len(cfg.BootstrapServers) == 0 {
		return nil, ErrNoBootstrap
	}
	opts := []kgo.Opt{kgo.SeedBrokers(cfg.BootstrapServers...)}
	if cfg.ClientID != "" {
		opts = append(opts, kgo.ClientID(cfg.ClientID))
	}
	tc, err := TLSConfig(cfg)
	if err != nil {
		return nil, err
	}
	c := cfg.Client
	dial := defaultDialTimeout
	if c.DialTimeout.Set {
		dial = c.DialTimeout.Value
	}
	if maxDial > 0 && dial > maxDial {
		dial = maxDial
	}
	if tc != nil {
		opts = append(opts, kgo.Dialer(tlsDialer{cfg: tc, timeout: dial}.DialContext))
	} else {
		opts = append(opts, kgo.DialTimeout(dial))
	}
	mech, err := Mechanism(cfg)
	if err != nil {
		return nil, err
	}
	if mech != nil {
		opts = append(opts, kgo.SASL(mech))
	}
	if c.RequestTimeout.Set {
		opts = append(opts, kgo.RequestTimeoutOverhead(c.RequestTimeout.Value))
	}
	if c.MetadataMaxAge.Set {
		opts = append(opts, kgo.MetadataMaxAge(c.MetadataMaxAge.Value))
	}
	if c.RetryBackoff.Set {
		d := c.RetryBackoff.Value
		opts = append(opts, kgo.RetryBackoffFn(func(int) time.Duration { return d }))
	}
	if c.ConnIdle.Set {
		opts = append(opts, kgo.ConnIdleTimeout(c.ConnIdle.Value))
	}
	return opts, nil
}

// ProducerOpts returns the producer tuning of cfg. Idempotence stays on
// (franz-go's default) unless enable.idempotence=false or acks is not all.
func ProducerOpts(cfg *config.Config) []kgo.Opt {
	p := cfg.Producer
	var opts []kgo.Opt
	if p.Linger.Set {
		opts = append(opts, kgo.ProducerLinger(p.Linger.Value))
	}
	if p.BatchSize.Set {
		opts = append(opts, kgo.ProducerBatchMaxBytes(p.BatchSize.Value))
	}
	idempotent := !p.Idempotence.Set || p.Idempotence.Value
	if p.Acks.Set {
		switch p.Acks.Value {
		case "all":
			opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
		case "1":
			opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()))
			idempotent = false
		case "0":
			opts = append(opts, kgo.RequiredAcks(kgo.NoAck()))
			idempotent = false
		}
	}
	if !idempotent {
		opts = append(opts, kgo.DisableIdempotentWrite())
	}
	if p.Compression.Set {
		var c kgo.CompressionCodec
		switch p.Compression.Value {
		case "gzip":
			c = kgo.GzipCompression()
		case "snappy":
			c = kgo.SnappyCompression()
		case "lz4":
			c = kgo.Lz4Compression()
		case "zstd":
			c = kgo.ZstdCompression()
		default:
			c = kgo.NoCompression()
		}
		opts = append(opts, kgo.ProducerBatchCompression(c))
	}
	if p.MaxInFlight.Set {
		opts = append(opts, kgo.MaxProduceRequestsInflightPerBroker(p.MaxInFlight.Value))
	}
	if p.DeliveryTimeout.Set {
		opts = append(opts, kgo.RecordDeliveryTimeout(p.DeliveryTimeout.Value))
	}
	if p.MaxRequestSize.Set {
		opts = append(opts, kgo.BrokerMaxWriteBytes(p.MaxRequestSize.Value))
	}
	if p.Retries.Set {
		opts = append(opts, kgo.RecordRetries(p.Retries.Value))
	}
	if p.TransactionTimeout.Set {
		opts = append(opts, kgo.TransactionTimeout(p.TransactionTimeout.Value))
	}
	return opts
}

// DefaultFetchMaxWait is fetch.max.wait.ms when the configuration does not
// set it: Kafka's default.
const DefaultFetchMaxWait = 500 * time.Millisecond

// ConsumerOpts returns the consumer tuning of cfg (fetch sizes and waits,
// where to start without a committed offset, isolation level). max.poll.records
// is not a client option: the caller reads cfg.Consumer.MaxPollRecords.

func ConsumerOpts(cfg *config.Config) []kgo.Opt {
	c := cfg.Consumer
	var opts []kgo.Opt
	if c.FetchMaxBytes.Set {
		opts = append(opts, kgo.FetchMaxBytes(c.FetchMaxBytes.Value))
	}
	if c.FetchMinBytes.Set {
		opts = append(opts, kgo.FetchMinBytes(c.FetchMinBytes.Value))
	}
	if c.FetchMaxWait.Set {
		opts = append(opts, kgo.FetchMaxWait(c.FetchMaxWait.Value))
	} else {
		// Kafka's default (the Java client's), not franz-go's 5 s: a
		// partition that becomes fetchable while a long poll is in
		// flight (one resuming from a committed offset, say, while an
		// empty one was ready first) waits for that poll to end.
		opts = append(opts, kgo.FetchMaxWait(DefaultFetchMaxWait))
	}
	if c.MaxPartitionFetchBytes.Set {
		opts = append(opts, kgo.FetchMaxPartitionBytes(c.MaxPartitionFetchBytes.Value))
	}
	if c.AutoOffsetReset.Set {
		// auto.offset.reset is where a consumer starts on a partition with
		// no committed offset: franz-go's ConsumeStartOffset (its
		// ConsumeResetOffset is only about data loss). Both are set, as
		// the Java client also resets an out-of-range offset this way.
		var o kgo.Offset
		switch c.AutoOffsetReset.Value {
		case "earliest":
			o = kgo.NewOffset().AtStart()
		case "latest":
			o = kgo.NewOffset().AtEnd()
		case "none":
			o = kgo.NewOffset().AtCommitted()
		}
		opts = append(opts, kgo.ConsumeStartOffset(o), kgo.ConsumeResetOffset(o))
	}
	if c.IsolationLevel.Set {
		if c.IsolationLevel.Value == "read_committed" {
			opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
		} else {
			opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadUncommitted()))
		}
	}
	return opts
}

// GroupOpts returns the consumer group tuning of cfg (session timeout,
// heartbeat interval, rebalance timeout). Add it with kgo.ConsumerGroup.
func GroupOpts(cfg *config.Config) []kgo.Opt {
	c := cfg.Consumer
	var opts []kgo.Opt
	if c.SessionTimeout.Set {
		opts = append(opts, kgo.SessionTimeout(c.SessionTimeout.Value))
	}
	if c.HeartbeatInterval.Set {
		opts = append(opts, kgo.HeartbeatInterval(c.HeartbeatInterval.Value))
	}
	if c.MaxPollInterval.Set {
		opts = append(opts, kgo.RebalanceTimeout(c.MaxPollInterval.Value))
	}
	return opts
}

// Logger adapts l to franz-go's logger, at franz-go's level lvl. franz-go
// never logs credentials.
func Logger(l *slog.Logger, lvl kgo.LogLevel) kgo.Logger {
	return slogLogger{l: l, lvl: lvl}
}

type slogLogger struct {
	l   *slog.Logger
	lvl kgo.LogLevel
}

// Level implements kgo.Logger.
func (s slogLogger) Level() kgo.LogLevel { return s.lvl }

// Log implements kgo.Logger.
func (s slogLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	var sl slog.Level
	switch level {
	case kgo.LogLevelError:
		sl = slog.LevelError
	case kgo.LogLevelWarn:
		sl = slog.LevelWarn
	case kgo.LogLevelInfo:
		sl = slog.LevelInfo
	default:
		sl = slog.LevelDebug
	}
	s.l.Log(context.Background(), sl, msg, keyvals...)
}
