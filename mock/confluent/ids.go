package confluent

import (
	"container/heap"
	"crypto/rand"
	"encoding/binary"
	"math/bits"
	"sync/atomic"
	"time"
)

// What of the Confluent state could grow with traffic, and what bounds it (docs/mock.md,
// "Bounds"): environments, each organization's quota (State.EnvironmentQuota, default
// DefaultEnvironmentQuota; at most maxEnvironmentQuota), those being deleted included; the IDs
// of created environments, nothing remembered (idSequence); timed deletions (deletionQueue), at
// most the environments. Credentials, clusters and connectors only ever shrink from the
// starting state.

// idSequence hands out the IDs of created environments: env- plus six lowercase letters and
// digits that look random, and never repeat within a server (not across resets either), with
// nothing remembered. The nth ID is a keyed permutation of n over the 36^6 six-character IDs
// (a Feistel network, cycle-walked into the range), so two counters never give one ID; after
// 36^6 IDs (2.2 billion), seven characters, and so on.
type idSequence struct {
	key [4]uint64
	n   atomic.Uint64
}

func newIDSequence() *idSequence {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand.Read panics rather than fail)
	g := &idSequence{}
	for i := range g.key {
		g.key[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return g
}

// next returns a new ID.
func (g *idSequence) next() string {
	return g.id(g.n.Add(1) - 1)
}

const envIDAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// id returns the nth ID.
func (g *idSequence) id(n uint64) string {
	width, span := 6, uint64(36*36*36*36*36*36)
	for n >= span && width < 12 { // 36^12 < 2^64: twelve characters hold any counter
		n -= span
		width++
		span *= 36
	}
	half := (bits.Len64(span-1) + 1) / 2
	x := g.permute(n, half)
	for x >= span { // cycle-walking: a permutation of [0, 2^(2*half)) restricted to [0, span)
		x = g.permute(x, half)
	}
	b := make([]byte, 4+width)
	copy(b, "env-")
	for i := len(b) - 1; i >= 4; i-- {
		b[i] = envIDAlphabet[x%36]
		x /= 36
	}
	return string(b)
}

// permute is a four-round Feistel network over 2*half bits: a bijection for any key.
func (g *idSequence) permute(x uint64, half int) uint64 {
	mask := uint64(1)<<half - 1
	l, r := x>>half&mask, x&mask
	for _, k := range g.key {
		l, r = r, l^(mix(r^k)&mask)
	}
	return l<<half | r
}

// mix is splitmix64's finaliser.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// deletionQueue holds the environments whose timed deletion is pending, soonest first, so
// that completing the due ones costs nothing when none is due.
type deletionQueue struct{ items deletionHeap }

type pendingDeletion struct {
	id string
	at time.Time
}

func (q *deletionQueue) push(id string, at time.Time) {
	heap.Push(&q.items, pendingDeletion{id: id, at: at})
}

func (q *deletionQueue) peek() (string, time.Time, bool) {
	if len(q.items) == 0 {
		return "", time.Time{}, false
	}
	return q.items[0].id, q.items[0].at, true
}

func (q *deletionQueue) pop() { heap.Pop(&q.items) }

type deletionHeap []pendingDeletion

func (h deletionHeap) Len() int           { return len(h) }
func (h deletionHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h deletionHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *deletionHeap) Push(x any)        { *h = append(*h, x.(pendingDeletion)) }
func (h *deletionHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
