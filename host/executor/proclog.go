package executor

import (
	"context"
	"log/slog"
	"sync"
)

// LogKind says what went wrong with a record that a query dropped.
type LogKind string

// The kinds of processing-log entries.
const (
	// LogDeserialization: the record's key or value could not be decoded.
	LogDeserialization LogKind = "deserialization"
	// LogEvaluation: evaluating the query's expressions for the row failed
	// (a failed CAST, a function error).
	LogEvaluation LogKind = "evaluation"
	// LogSerialization: the result row could not be encoded for the sink.
	LogSerialization LogKind = "serialization"
	// LogProduce: the sink refused the record.
	LogProduce LogKind = "produce"
	// LogLate: a record arrived after its window closed (beyond the grace
	// period) and was not aggregated.
	LogLate LogKind = "late"
)

// LogEntry is one processing-log entry: a record a query could not process,
// dropped while processing continued, as ksqlDB's processing log records it.
type LogEntry struct {
	// Query is the query id, e.g. CSAS_OUTPUT_0.
	Query string
	Kind  LogKind
	// Topic, Partition and Offset locate the input record.
	Topic     string
	Partition int32
	Offset    int64
	// Reason says what is wrong, for a person.
	Reason string
}

// ProcessingLog receives processing-log entries. Implementations must be
// safe for concurrent use: several tasks may log at once.
type ProcessingLog interface {
	Log(ctx context.Context, e LogEntry)
}

// SlogProcessingLog writes entries to a slog.Logger as structured warnings.
type SlogProcessingLog struct {
	Logger *slog.Logger
}

// NewSlogProcessingLog returns a processing log writing to l (slog.Default()
// when nil).
func NewSlogProcessingLog(l *slog.Logger) *SlogProcessingLog {
	if l == nil {
		l = slog.Default()
	}
	return &SlogProcessingLog{Logger: l}
}

// Log implements ProcessingLog.
func (s *SlogProcessingLog) Log(ctx context.Context, e LogEntry) {
	s.Logger.LogAttrs(ctx, slog.LevelWarn, "record dropped",
		slog.String("query", e.Query),
		slog.String("kind", string(e.Kind)),
		slog.String("topic", e.Topic),
		slog.Int("partition", int(e.Partition)),
		slog.Int64("offset", e.Offset),
		slog.String("reason", e.Reason),
	)
}

// MemoryProcessingLog collects entries in memory, for tests and for
// `wasmstream test` reports.
type MemoryProcessingLog struct {
	mu      sync.Mutex
	entries []LogEntry
}

// Log implements ProcessingLog.
func (m *MemoryProcessingLog) Log(_ context.Context, e LogEntry) {
	m.mu.Lock()
	m.entries = append(m.entries, e)
	m.mu.Unlock()
}

// Entries returns a copy of the entries logged so far.
func (m *MemoryProcessingLog) Entries() []LogEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]LogEntry(nil), m.entries...)
}

// Reset forgets the entries logged so far.
func (m *MemoryProcessingLog) Reset() {
	m.mu.Lock()
	m.entries = nil
	m.mu.Unlock()
}

// discardLog drops every entry.
type discardLog struct{}

func (discardLog) Log(context.Context, LogEntry) {}

// teeLog sends entries to several logs.
type teeLog []ProcessingLog

func (t teeLog) Log(ctx context.Context, e LogEntry) {
	for _, l := range t {
		l.Log(ctx, e)
	}
}

// TeeProcessingLog returns a ProcessingLog that sends every entry to each of
// logs.
func TeeProcessingLog(logs ...ProcessingLog) ProcessingLog { return teeLog(logs) }
