package serde

import (
	"encoding/binary"
	"fmt"
)

// Windowed keys, as Kafka Streams' windowed serdes write them (and ksqlDB
// with them): the encoded inner key followed by the window bounds as
// big-endian int64 milliseconds. A time window (tumbling or hopping) carries
// only its start; its end is start plus the window size, which the reader
// knows from the source. A session window carries its end, then its start.

// AppendTimeWindow appends the start of a time window to the encoded key:
// key ‖ int64BE(start), as TimeWindowedSerializer writes it.
func AppendTimeWindow(key []byte, start int64) []byte {
	return binary.BigEndian.AppendUint64(key, uint64(start))
}

// AppendSessionWindow appends the bounds of a session window to the encoded
// key: key ‖ int64BE(end) ‖ int64BE(start), as SessionWindowedSerializer
// writes it.
func AppendSessionWindow(key []byte, start, end int64) []byte {
	key = binary.BigEndian.AppendUint64(key, uint64(end))
	return binary.BigEndian.AppendUint64(key, uint64(start))
}

// ParseTimeWindow splits a time-windowed key into the inner key (a subslice
// of data) and the window start.
func ParseTimeWindow(data []byte) (key []byte, start int64, err error) {
	if len(data) < 8 {
		return nil, 0, fmt.Errorf("time-windowed key has %d bytes, needs at least 8", len(data))
	}
	n := len(data) - 8
	return data[:n:n], int64(binary.BigEndian.Uint64(data[n:])), nil
}

// ParseSessionWindow splits a session-windowed key into the inner key (a
// subslice of data) and the window bounds.
func ParseSessionWindow(data []byte) (key []byte, start, end int64, err error) {
	if len(data) < 16 {
		return nil, 0, 0, fmt.Errorf("session-windowed key has %d bytes, needs at least 16", len(data))
	}
	n := len(data) - 16
	end = int64(binary.BigEndian.Uint64(data[n:]))
	start = int64(binary.BigEndian.Uint64(data[n+8:]))
	return data[:n:n], start, end, nil
}
