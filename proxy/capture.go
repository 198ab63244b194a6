package proxy

import (
	"context"
	"errors"
	"io"
	"sync"
)

// capture passes a body through unchanged and keeps its first max bytes for the checks, counting
// the rest. onEnd runs once, when the body ends (EOF, an error, or Close).
type capture struct {
	src   io.ReadCloser
	max   int64
	buf   []byte
	total int64
	eof   bool
	onEnd func(error)
	once  sync.Once
	mu    sync.Mutex
}

func newCapture(src io.ReadCloser, max int64) *capture {
	return &capture{src: src, max: max}
}

// Read reads from the source and keeps what fits under the cap.
func (c *capture) Read(p []byte) (int, error) {
	n, err := c.src.Read(p)
	c.mu.Lock()
	if n > 0 {
		if room := c.max - int64(len(c.buf)); room > 0 {
			c.buf = append(c.buf, p[:min(int64(n), room)]...)
		}
		c.total += int64(n)
	}
	if errors.Is(err, io.EOF) {
		c.eof = true
	}
	c.mu.Unlock()
	if err != nil {
		c.end(err)
	}
	return n, err
}

// Close closes the source; a body closed before its end is checked with what was read.
func (c *capture) Close() error {
	err := c.src.Close()
	c.end(nil)
	return err
}

func (c *capture) end(err error) {
	if c.onEnd != nil {
		c.once.Do(func() { c.onEnd(err) })
	}
}

// kept returns the bytes kept so far.
func (c *capture) kept() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.buf...)
}

type flightKey struct{}

func contextWith(ctx context.Context, f *flight) context.Context {
	return context.WithValue(ctx, flightKey{}, f)
}

func flightOf(ctx context.Context) *flight {
	f, _ := ctx.Value(flightKey{}).(*flight)
	return f
}
