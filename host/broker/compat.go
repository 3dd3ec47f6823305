package broker

import (
	"encoding/binary"
	"net"
	"sync"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// librdkafka (kcat, confluent-kafka-*, up to at least 2.x) only starts SASL
// when the broker advertises SaslHandshake version 0, while kfake serves
// versions 1 to 1 (version 0, the pre-KIP-152 implicit flow, is not
// implemented). Real brokers advertise 0 to 1 and librdkafka then sends
// version 1 anyway. So the listener rewrites the ApiVersions response to
// advertise SaslHandshake from version 0: every client still negotiates
// version 1, and librdkafka connects.

// compatListener wraps accepted connections in compatConn.
type compatListener struct {
	net.Listener
}

// Accept implements net.Listener.
func (l compatListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &compatConn{Conn: c, pending: map[int32]int16{}}, nil
}

// compatConn watches the requests the broker reads for ApiVersions and
// patches the matching responses it writes.
type compatConn struct {
	net.Conn

	// Read side: a small parser over the request stream.
	hdr    [12]byte // size(4) key(2) version(2) correlation id(4)
	hdrLen int
	skip   int // bytes of the current request body still to pass

	mu      sync.Mutex
	pending map[int32]int16 // correlation id -> ApiVersions request version
}

// Read implements net.Conn, noting ApiVersions requests as they pass.
func (c *compatConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.scan(p[:n])
	return n, err
}

// scan follows request frames to note each ApiVersions request.
func (c *compatConn) scan(b []byte) {
	for len(b) > 0 {
		if c.skip > 0 {
			k := min(c.skip, len(b))
			c.skip -= k
			b = b[k:]
			continue
		}
		k := copy(c.hdr[c.hdrLen:], b)
		c.hdrLen += k
		b = b[k:]
		if c.hdrLen < len(c.hdr) {
			return
		}
		size := int(binary.BigEndian.Uint32(c.hdr[0:4]))
		key := int16(binary.BigEndian.Uint16(c.hdr[4:6]))
		version := int16(binary.BigEndian.Uint16(c.hdr[6:8]))
		corr := int32(binary.BigEndian.Uint32(c.hdr[8:12]))
		if key == int16(kmsg.ApiVersions) {
			c.mu.Lock()
			c.pending[corr] = version
			c.mu.Unlock()
		}
		c.hdrLen = 0
		c.skip = size - 8 // the body after key, version and correlation id
		if c.skip < 0 {
			c.skip = 0
		}
	}
}

// Write patches an ApiVersions response. kfake writes each response frame
// in one Write; anything else passes through unchanged.
func (c *compatConn) Write(p []byte) (int, error) {
	if len(p) >= 8 && int(binary.BigEndian.Uint32(p[0:4])) == len(p)-4 {
		corr := int32(binary.BigEndian.Uint32(p[4:8]))
		c.mu.Lock()
		version, ok := c.pending[corr]
		delete(c.pending, corr)
		c.mu.Unlock()
		if ok {
			if patched, ok := patchAPIVersions(p, version); ok {
				if _, err := c.Conn.Write(patched); err != nil {
					return 0, err
				}
				return len(p), nil
			}
		}
	}
	return c.Conn.Write(p)
}

// patchAPIVersions returns the frame with SaslHandshake advertised from
// version 0, or false when there is nothing to patch.
func patchAPIVersions(frame []byte, version int16) ([]byte, bool) {
	// The ApiVersions response header is only the correlation id, at every
	// version (no tagged fields).
	resp := kmsg.NewPtrApiVersionsResponse()
	resp.Version = version
	if err := resp.ReadFrom(frame[8:]); err != nil || resp.ErrorCode != 0 {
		return nil, false
	}
	patched := false
	for i := range resp.ApiKeys {
		if resp.ApiKeys[i].ApiKey == int16(kmsg.SASLHandshake) && resp.ApiKeys[i].MinVersion > 0 {
			resp.ApiKeys[i].MinVersion = 0
			patched = true
		}
	}
	if !patched {
		return nil, false
	}
	out := append(make([]byte, 0, len(frame)), frame[:8]...)
	out = resp.AppendTo(out)
	binary.BigEndian.PutUint32(out[0:4], uint32(len(out)-4))
	return out, true
}
