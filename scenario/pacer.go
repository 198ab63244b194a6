package scenario

import (
	"context"
	"sync"
	"time"
)

// Pacer spaces requests so that no more than a given number per second leave, across every
// goroutine that shares it. A nil Pacer does not wait.
type Pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
	// now and sleep are the clock (tests replace them); nil means the real one.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// NewPacer returns a Pacer for perSecond requests per second; perSecond <= 0 returns nil.
func NewPacer(perSecond float64) *Pacer {
	if perSecond <= 0 {
		return nil
	}
	return &Pacer{interval: time.Duration(float64(time.Second) / perSecond)}
}

// Wait blocks until the next request may leave, or the context ends.
func (p *Pacer) Wait(ctx context.Context) error {
	if p == nil {
		return ctx.Err()
	}
	p.mu.Lock()
	now := p.clock()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.interval)
	p.mu.Unlock()
	d := at.Sub(now)
	if d > 0 && p.sleep != nil {
		return p.sleep(ctx, d)
	}
	return sleepContext(ctx, d)
}

func (p *Pacer) clock() time.Time {
	if p.now != nil {
		return p.now()
	}
	return time.Now()
}
