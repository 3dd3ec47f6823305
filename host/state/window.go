package state

import (
	"math"

	"github.com/wasmstream/wasmstream/sdk"
)

// Window is the bounds of one window in milliseconds: [Start, End) for
// time windows; for a session, the first and last record timestamps.
type Window struct {
	Start int64 `msgpack:"s"`
	End   int64 `msgpack:"e"`
}

// defaultGraceMs is ksqlDB's default grace period bound: a window without
// GRACE PERIOD accepts late records until 24 hours after its start, that
// is, a grace of max(24h - size, 0) (StreamAggregateBuilder.defaultGrace).
const defaultGraceMs = 24 * 60 * 60 * 1000

// Windows is a window clause with its defaults applied.
type Windows struct {
	Type sdk.WindowType
	// Size is the window size, or the SESSION inactivity gap.
	Size int64
	// Advance is the HOPPING advance; Size for TUMBLING.
	Advance int64
	// Grace is how long after its end a window still accepts records.
	Grace int64
	// Retention is how long a window is kept after its start (time
	// windows) or end (sessions); by default its size (gap) plus grace, as
	// Kafka Streams' window and session stores.
	Retention int64
}

// NewWindows applies ksqlDB's defaults to a manifest's window clause.
func NewWindows(w *sdk.Window) Windows {
	out := Windows{Type: w.Type, Size: w.SizeMs, Advance: w.AdvanceMs, Grace: w.GraceMs, Retention: w.RetentionMs}
	if out.Type != sdk.WindowHopping || out.Advance <= 0 {
		out.Advance = out.Size
	}
	if out.Grace < 0 {
		out.Grace = max(defaultGraceMs-out.Size, 0)
	}
	if out.Retention < 0 {
		out.Retention = out.Size + out.Grace
	}
	return out
}

// Assign appends the time windows (TUMBLING, HOPPING) a timestamp falls
// into to dst, in ascending start order, as Kafka Streams'
// TimeWindows.windowsFor does (no window starts before 0).
func (w Windows) Assign(dst []Window, ts int64) []Window {
	if w.Size <= 0 || w.Advance <= 0 {
		return dst
	}
	start := max(0, ts-w.Size+w.Advance) / w.Advance * w.Advance
	for ; start <= ts; start += w.Advance {
		end := start + w.Size
		if end < start { // overflow near MaxInt64
			end = math.MaxInt64
		}
		dst = append(dst, Window{Start: start, End: end})
	}
	return dst
}
