package state

import (
	"bytes"

	"github.com/vmihailenco/msgpack/v5"
)

// marshal encodes a snapshot with sorted map keys, so that equal states
// give equal bytes.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.SetSortMapKeys(true)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func unmarshal(b []byte, v any) error {
	return msgpack.Unmarshal(b, v)
}
