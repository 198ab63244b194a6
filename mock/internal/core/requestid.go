package core

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync/atomic"
)

// requestIDs hands out X-Request-Id values shaped like UUIDs: eight random bytes drawn once per
// server, then an eight-byte counter. Unique within a server by construction (the counter is
// atomic and never reset, not even by Reset), and across servers with overwhelming odds.
type requestIDs struct {
	prefix  [8]byte
	counter atomic.Uint64
	// fixed is the one ID the duplicate-request-id fault repeats.
	fixed string
}

func newRequestIDs() *requestIDs {
	g := &requestIDs{}
	_, _ = rand.Read(g.prefix[:]) // never fails (crypto/rand.Read panics rather than fail)
	g.fixed = g.format(0)
	return g
}

// next returns a new ID.
func (g *requestIDs) next() string {
	return g.format(g.counter.Add(1))
}

func (g *requestIDs) format(n uint64) string {
	var raw [16]byte
	copy(raw[:8], g.prefix[:])
	binary.BigEndian.PutUint64(raw[8:], n)
	var out [36]byte
	hex.Encode(out[0:8], raw[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], raw[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], raw[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], raw[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], raw[10:16])
	return string(out[:])
}
