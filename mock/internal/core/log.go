package core

import (
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// MaxLoggedPath bounds how much of a request path a log line or an error detail repeats.
const MaxLoggedPath = 256

// requestLog writes one line per request:
//
//	2026-01-05T09:00:00.000Z DELETE /org/v2/environments/env-demo1 204 0.151ms req=<X-Request-Id>
//
// Only the method, the escaped path (no query), the status ("-" when no response was sent), the
// duration and the request ID: never a header, a body or a credential.
type requestLog struct {
	mu sync.Mutex
	w  io.Writer
}

func newRequestLog(w io.Writer) *requestLog { return &requestLog{w: w} }

func (l *requestLog) line(started time.Time, method, path string, status int, requestID string) {
	if l.w == nil {
		return
	}
	d := time.Since(started)
	if len(path) > MaxLoggedPath {
		path = path[:MaxLoggedPath] + "..."
	}
	if len(method) > 16 {
		method = method[:16] + "..."
	}
	b := make([]byte, 0, 128+len(path))
	b = started.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, ' ')
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, path...)
	b = append(b, ' ')
	if status == 0 {
		b = append(b, '-')
	} else {
		b = strconv.AppendInt(b, int64(status), 10)
	}
	b = append(b, ' ')
	b = strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', 3, 64)
	b = append(b, "ms req="...)
	if requestID == "" {
		requestID = "-"
	}
	b = append(b, requestID...)
	b = append(b, '\n')
	l.mu.Lock()
	_, _ = l.w.Write(b)
	l.mu.Unlock()
}

// recorder remembers the status a handler sent. Unwrap lets http.ResponseController reach the
// connection (the hang-up fault).
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap returns the underlying ResponseWriter.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
