// Package proxy is a validating reverse proxy: it forwards every request to an upstream server
// unchanged (net/http/httputil.ReverseProxy), streams every response back unchanged, and checks
// each exchange with the run layer (run.Session.Check), exactly as a scenario's exchange is
// checked, plus the request checks. It never changes what passes through, but for the one
// header --annotate adds. Mutating requests to an upstream that is not loopback go through the
// same destructive guard as every request apiconform sends.
package proxy

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// AnnotationHeader is the response header --annotate adds: the IDs of the checks the exchange
// violated, comma-separated, or "ok".
const AnnotationHeader = "X-Apiconform-Violations"

// RefusedHeader marks the answer the proxy gives itself to a request it may not forward.
const RefusedHeader = "X-Apiconform-Refused"

// Recorder keeps each checked exchange (traffic.JSONLWriter writes them as JSON Lines).
type Recorder interface {
	Write(*runner.Exchange) error
}

// Options configure a Proxy.
type Options struct {
	// Upstream is the server requests are forwarded to; its path is a prefix of every request's.
	Upstream *url.URL
	// Session checks each exchange (a run.Config with CheckOnly and Target the upstream).
	Session *run.Session
	// MaxBody is the validation cap: at most this many bytes of each body are kept for the
	// checks (default runner.DefaultMaxBodyBytes). Bodies stream in full whatever their size.
	MaxBody int64
	// Annotate adds AnnotationHeader to each response. The response is then held until its
	// body is read up to MaxBody, so that the checks can run before the headers go out.
	Annotate bool
	// AllowDestructive lets mutating requests reach an upstream that is not loopback.
	AllowDestructive bool
	// Transport sends to the upstream (default: a clone of http.DefaultTransport without proxy
	// from the environment). The destructive guard is installed under it.
	Transport http.RoundTripper
	// Record, when not nil, receives each checked exchange.
	Record Recorder
	// Log, when not nil, gets one line per exchange: method, path, status, duration, and the
	// violated check IDs or "ok".
	Log io.Writer
	// Redactor knows secrets beyond those the requests carry (nil: none).
	Redactor *runner.Redactor
	// OnError receives errors of the recorder (nil: ignored).
	OnError func(error)
}

// Proxy is an http.Handler that forwards and checks. Safe for concurrent use.
type Proxy struct {
	o     Options
	rp    *httputil.ReverseProxy
	logMu sync.Mutex
}

// New returns a Proxy for o.
func New(o Options) (*Proxy, error) {
	if o.Upstream == nil || o.Upstream.Host == "" {
		return nil, errors.New("proxy: no upstream")
	}
	if o.Session == nil {
		return nil, errors.New("proxy: no session to check exchanges with")
	}
	if o.MaxBody <= 0 {
		o.MaxBody = runner.DefaultMaxBodyBytes
	}
	next := o.Transport
	if next == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.Proxy = nil
		tr.MaxIdleConnsPerHost = 64
		tr.DisableCompression = true // what the client asked for is what it gets
		next = tr
	}
	p := &Proxy{o: o}
	p.rp = &httputil.ReverseProxy{
		// The request goes out as it came, but for its URL (the upstream's, with the upstream's
		// path as a prefix) and its Host (the upstream's). No X-Forwarded-* header is added.
		Rewrite:        func(pr *httputil.ProxyRequest) { pr.SetURL(o.Upstream) },
		Transport:      &runner.Guard{Next: next, AllowDestructive: o.AllowDestructive},
		FlushInterval:  -1, // stream as it comes
		BufferPool:     copyBuffers,
		ModifyResponse: p.modifyResponse,
		ErrorHandler:   p.errorHandler,
	}
	return p, nil
}

// copyBuffers are the 32 KiB buffers the ReverseProxy copies bodies with, reused across
// exchanges rather than allocated for each (they were a third of the proxy's CPU, in GC).
var copyBuffers = &bufferPool{pool: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}}

type bufferPool struct{ pool sync.Pool }

func (b *bufferPool) Get() []byte  { return *b.pool.Get().(*[]byte) }
func (b *bufferPool) Put(p []byte) { b.pool.Put(&p) }

// flight is one exchange passing through.
type flight struct {
	started time.Time
	method  string
	url     *url.URL // as sent upstream
	header  http.Header
	body    *capture
	done    sync.Once
}

// ServeHTTP forwards r and checks the exchange.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := &flight{started: time.Now(), method: r.Method, header: r.Header.Clone(), url: p.upstreamURL(r)}
	if r.Body != nil && r.Body != http.NoBody {
		f.body = newCapture(r.Body, p.o.MaxBody)
		r.Body = f.body
	}
	ctx := contextWith(r.Context(), f)
	p.rp.ServeHTTP(w, r.WithContext(ctx))
}

// upstreamURL is the URL r is forwarded to (what SetURL makes of it).
func (p *Proxy) upstreamURL(r *http.Request) *url.URL {
	u := *r.URL
	u.Scheme, u.Host = p.o.Upstream.Scheme, p.o.Upstream.Host
	u.Path = strings.TrimSuffix(p.o.Upstream.Path, "/") + r.URL.Path
	if r.URL.RawPath != "" || p.o.Upstream.RawPath != "" {
		u.RawPath = strings.TrimSuffix(p.o.Upstream.EscapedPath(), "/") + r.URL.EscapedPath()
	}
	return &u
}

// modifyResponse wraps the response body so that the exchange is checked when it ends; with
// Annotate, it reads the body up to the cap first and checks before the headers go out.
func (p *Proxy) modifyResponse(resp *http.Response) error {
	f := flightOf(resp.Request.Context())
	if f == nil {
		return nil
	}
	f.url = resp.Request.URL
	if !p.o.Annotate {
		c := newCapture(resp.Body, p.o.MaxBody)
		c.onEnd = func(readErr error) { p.finish(f, resp, c, readErr) }
		resp.Body = c
		return nil
	}
	// Read up to the cap (or the end) now, check, annotate, then send what was read and stream
	// the rest as it comes.
	src := resp.Body
	head, err := io.ReadAll(io.LimitReader(src, p.o.MaxBody+1))
	c := &capture{max: p.o.MaxBody, buf: head[:min(int64(len(head)), p.o.MaxBody)], total: int64(len(head))}
	c.eof = err == nil && int64(len(head)) <= p.o.MaxBody
	vs := p.finish(f, resp, c, err)
	resp.Header.Set(AnnotationHeader, annotation(vs))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), src), src}
	return nil
}

// annotation lists the violated check IDs of an exchange, or "ok".
func annotation(vs []runner.Violation) string {
	seen := map[string]bool{}
	var ids []string
	for _, v := range vs {
		if !seen[v.Check] {
			seen[v.Check] = true
			ids = append(ids, v.Check)
		}
	}
	if len(ids) == 0 {
		return "ok"
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

// errorHandler answers when the upstream gave no response, or a request was refused. A refusal
// is the proxy's own doing: the client gets a 403 saying so, and nothing is checked. An upstream
// that gave no response (refused the connection, hung up, timed out) broke the contract: the
// client gets a 502 and the exchange is checked as one without a response (response-received).
func (p *Proxy) errorHandler(w http.ResponseWriter, r *http.Request, err error) {
	f := flightOf(r.Context())
	var refused *runner.RefusedError
	if errors.As(err, &refused) {
		w.Header().Set(RefusedHeader, "true")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "apiconform proxy: "+refused.Error()+"\n")
		if f != nil {
			p.logLine(f.method, p.redactor(f).String(r.URL.EscapedPath()), "403", time.Since(f.started), "not forwarded: "+refused.Error())
		}
		return
	}
	msg := p.redactor(f).String(err.Error())
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusBadGateway)
	_, _ = io.WriteString(w, "apiconform proxy: the upstream gave no response: "+msg+"\n")
	if f == nil {
		return
	}
	if f.url == nil {
		f.url = r.URL
	}
	f.done.Do(func() {
		obs := runner.Observation{Method: f.method, URL: f.url, RequestHeader: f.header, Started: f.started,
			Duration: time.Since(f.started), NoResponse: "the upstream gave no response: " + err.Error()}
		if f.body != nil {
			obs.RequestBody = f.body.kept()
		}
		p.check(obs)
	})
}
func (p *Proxy) redactor(f *flight) *runner.Redactor {
	if f == nil {
		return p.o.Redactor
	}
	return p.o.Redactor.With(runner.RequestSecrets(f.header)...)
}

// finish records and checks the exchange once, logs it and hands it to the recorder.
func (p *Proxy) finish(f *flight, resp *http.Response, c *capture, readErr error) []runner.Violation {
	var vs []runner.Violation
	f.done.Do(func() {
		obs := runner.Observation{
			Method: f.method, URL: f.url, RequestHeader: f.header, Status: resp.StatusCode, Proto: resp.Proto,
			ResponseHeader: resp.Header.Clone(), Started: f.started, Duration: time.Since(f.started), Cap: p.o.MaxBody,
		}
		obs.ResponseHeader.Del(AnnotationHeader)
		if f.body != nil {
			obs.RequestBody = f.body.kept()
		}
		body, truncated, decodeErr := decoded(c.kept(), c.total > p.o.MaxBody, resp.Header.Get("Content-Encoding"), p.o.MaxBody)
		obs.ResponseBody, obs.Truncated = body, truncated
		switch {
		case readErr != nil && !errors.Is(readErr, io.EOF):
			obs.ReadErr = "the body could not be read to its end: " + readErr.Error()
		case !c.eof && c.total <= p.o.MaxBody:
			// The client went away before the body ended: nothing the upstream did is known to
			// be wrong, and an incomplete body proves nothing.
			p.logLine(f.method, p.redactor(f).String(f.url.EscapedPath()), fmt.Sprint(resp.StatusCode), time.Since(f.started),
				"not checked: the client closed the connection before the body ended")
			return
		case decodeErr != nil:
			obs.ReadErr = decodeErr.Error()
		}
		vs = p.check(obs)
	})
	return vs
}

// check records, checks, logs and keeps one observation.
func (p *Proxy) check(obs runner.Observation) []runner.Violation {
	ex := runner.Record(obs, p.o.Redactor)
	vs := p.o.Session.Check(ex)
	if p.o.Record != nil {
		if err := p.o.Record.Write(ex); err != nil && p.o.OnError != nil {
			p.o.OnError(fmt.Errorf("--record: %w", err))
		}
	}
	what := annotation(vs)
	if ex.OperationID == "" {
		what = "outside the specs"
	}
	p.logLine(ex.Request.Method, ex.Request.Path, statusOf(ex), ex.Duration, what)
	return vs
}

func statusOf(ex *runner.Exchange) string {
	if ex.Response == nil {
		return "---"
	}
	return fmt.Sprint(ex.Response.Status)
}

// logLine writes one line per exchange.
func (p *Proxy) logLine(method, path, status string, took time.Duration, what string) {
	if p.o.Log == nil {
		return
	}
	p.logMu.Lock()
	defer p.logMu.Unlock()
	fmt.Fprintf(p.o.Log, "%s %s %s %s %s\n", method, path, status, took.Round(10*time.Microsecond), what)
}

// decoded returns the body as the checks need it: decompressed when its Content-Encoding is
// gzip or deflate (at most max bytes), as it is otherwise. A body cut at the cap cannot be
// decompressed to its end: what decodes is kept, and it counts as truncated.
func decoded(body []byte, truncated bool, encoding string, max int64) ([]byte, bool, error) {
	var r io.Reader
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		return body, truncated, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, truncated, fmt.Errorf("the gzip-encoded body is corrupt: %v", err)
		}
		r = zr
	case "deflate":
		r = flate.NewReader(bytes.NewReader(body))
	default:
		return nil, truncated, fmt.Errorf("the body is %s-encoded, which the proxy cannot decode for checking", encoding)
	}
	out, err := io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(out)) > max {
		return out[:max], true, nil
	}
	if err != nil && !truncated {
		return nil, false, fmt.Errorf("the %s-encoded body is corrupt: %v", encoding, err)
	}
	return out, truncated, nil
}
