package runner

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The hostile-target tests: a conformance suite is aimed at servers that misbehave. Each case
// is a loopback server that misbehaves in one way; the client must end the request within a
// bound, record one clear, attributed finding (a transport error of a known kind, or a violation
// with its check ID), read no more than its caps, and stay usable for the next request.

// hostileBound is how long any one hostile exchange may take: every case runs with a timeout of
// hostileTimeout, so a case near the bound is a hang, not a slow machine.
const (
	hostileTimeout = 500 * time.Millisecond
	hostileBound   = 5 * time.Second
)

// hostileChecks are the checks the hostile tests run: the transport and contract checks a
// misbehaving response can break, without the ones that need a fully conformant exchange.
var hostileChecks = []string{
	"response-received", "body-within-cap", "no-redirect", "status-documented", "content-type",
	"body-schema", "header-schema", "ratelimit-semantics",
}

// rawTarget serves every connection on a 127.0.0.1 listener with respond, after reading the
// request head. done is closed when the test ends: a handler that must never answer waits on it.
// Every handler has returned and every connection is closed when the test's cleanup ends.
func rawTarget(t testing.TB, respond func(c net.Conn, done <-chan struct{})) *url.URL {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				respond(c, done)
			}()
		}
	}()
	t.Cleanup(func() {
		close(done)
		_ = l.Close()
		wg.Wait()
	})
	return &url.URL{Scheme: "http", Host: l.Addr().String()}
}

// rawResponse answers every request with the given bytes, then closes the connection.
func rawResponse(t *testing.T, text string) *url.URL {
	return rawTarget(t, func(c net.Conn, _ <-chan struct{}) { _, _ = c.Write([]byte(text)) })
}

// httpTarget serves h on 127.0.0.1.
func httpTarget(t *testing.T, h http.HandlerFunc) *url.URL {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u
}

// resetConn makes Close send a TCP RST instead of a FIN.
func resetConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
}

// hostileCase is one misbehaving target and the one finding it must produce.
type hostileCase struct {
	name   string
	target func(t *testing.T) *url.URL
	// cap overrides the body cap (default: the client's default).
	cap int64
	// want are the check IDs that must fire, in registry order; nothing else may.
	want []string
	// kind is the transport kind response-received reports (of the exchange, or of the body read).
	kind string
	// says is a phrase the first violation's message must hold.
	says string
	// bodyLen, when set, is the exact length of the recorded body.
	bodyLen *int
	// maxAlloc, when > 0, bounds the bytes allocated by the whole exchange.
	maxAlloc uint64
}

const (
	mib        = 1 << 20
	fiftyMiB   = 50 * mib
	hostileCap = 1 * mib
)

func TestHostileTargets(t *testing.T) {
	op := testAPI(t, "confluent").Operation("deleteOrgV2Environment")
	notFound := failure(404, "resource_not_found")
	bomb := gzipOf(t, fiftyMiB) // 50 MiB of zeros, about 50 KiB on the wire
	cases := []hostileCase{
		{name: "connection refused", target: refusedTarget,
			want: []string{"response-received"}, kind: TransportRefused, says: "refused the connection"},
		{name: "reset before any response", target: func(t *testing.T) *url.URL {
			return rawTarget(t, func(c net.Conn, _ <-chan struct{}) { resetConn(c) })
		}, want: []string{"response-received"}, kind: TransportReset, says: "closed or reset"},
		{name: "reset mid-body", target: func(t *testing.T) *url.URL {
			return rawTarget(t, func(c net.Conn, _ <-chan struct{}) {
				_, _ = fmt.Fprintf(c, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nX-Request-Id: r\r\nContent-Length: 1000\r\n\r\n{\"errors\":[")
				time.Sleep(50 * time.Millisecond) // let the head arrive on its own
				resetConn(c)
			})
		}, want: []string{"response-received"}, kind: TransportReset, says: "closed or reset"},
		{name: "accepts and never answers", target: func(t *testing.T) *url.URL {
			return rawTarget(t, func(_ net.Conn, done <-chan struct{}) { <-done })
		}, want: []string{"response-received"}, kind: TransportTimeout, says: "within the request timeout"},
		{name: "headers slower than the timeout", target: func(t *testing.T) *url.URL {
			return httpTarget(t, func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(3 * hostileTimeout):
				}
				w.WriteHeader(204)
			})
		}, want: []string{"response-received"}, kind: TransportTimeout, says: "within the request timeout"},
		{name: "body trickles past the timeout", target: func(t *testing.T) *url.URL {
			return httpTarget(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(404)
				for {
					if _, err := w.Write([]byte(" ")); err != nil {
						return
					}
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-time.After(50 * time.Millisecond):
					}
				}
			})
		}, want: []string{"response-received"}, kind: TransportTimeout, says: "within the request timeout"},
		{name: "body of 50 MiB", cap: hostileCap, target: func(t *testing.T) *url.URL {
			chunk := bytes.Repeat([]byte("x"), 64<<10)
			return httpTarget(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", fmt.Sprint(fiftyMiB))
				w.WriteHeader(404)
				for sent := 0; sent < fiftyMiB; sent += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			})
		}, want: []string{"body-within-cap"}, says: "larger than the 1048576-byte cap", bodyLen: size(hostileCap), maxAlloc: fiftyMiB / 4},
		{name: "gzip body expanding to 50 MiB", cap: hostileCap, target: func(t *testing.T) *url.URL {
			return httpTarget(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", "gzip")
				w.WriteHeader(404)
				_, _ = w.Write(bomb)
			})
		}, want: []string{"body-within-cap"}, says: "larger than the 1048576-byte cap", bodyLen: size(hostileCap), maxAlloc: fiftyMiB / 4},
		{name: "corrupt gzip body", target: func(t *testing.T) *url.URL {
			return httpTarget(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Encoding", "gzip")
				w.WriteHeader(404)
				_, _ = w.Write([]byte("this is not gzip at all, not even close"))
			})
		}, want: []string{"response-received"}, kind: TransportProtocol, says: "gzip-encoded body is corrupt"},
		{name: "malformed JSON", target: func(t *testing.T) *url.URL {
			return serve(t, canned{404, jsonHeaders(), `{"errors":[{"status":"404",`})
		}, want: []string{"body-schema"}, says: "not valid application/json", bodyLen: size(len(`{"errors":[{"status":"404",`))},
		{name: "JSON under a non-JSON content type", target: func(t *testing.T) *url.URL {
			return serve(t, canned{404, jsonHeaders("Content-Type", "text/plain; charset=utf-8"), notFound})
		}, want: []string{"content-type"}, says: "media type text/plain is not declared"},
		{name: "unparseable content type", target: func(t *testing.T) *url.URL {
			return serve(t, canned{404, jsonHeaders("Content-Type", "application/json; ;;="), notFound})
		}, want: []string{"content-type"}, says: "not a valid media type"},
		{name: "control character in a header value", target: func(t *testing.T) *url.URL {
			return rawResponse(t, "HTTP/1.1 204 No Content\r\nX-Request-Id: a\x01b\r\n\r\n")
		}, want: []string{"response-received"}, kind: TransportProtocol, says: "did not answer valid HTTP"},
		{name: "non-integer rate-limit header", target: func(t *testing.T) *url.URL {
			return serve(t, canned{204, confluentHeaders("X-RateLimit-Limit", "fifty"), ""})
		}, want: []string{"header-schema"}, says: "X-RateLimit-Limit is not an integer"},
		{name: "invalid UTF-8 in a rate-limit header", target: func(t *testing.T) *url.URL {
			return rawResponse(t, "HTTP/1.1 204 No Content\r\nX-Request-Id: r\r\nX-RateLimit-Limit: 5\xff\xfe\r\nX-RateLimit-Remaining: 4\r\nX-RateLimit-Reset: 9\r\n\r\n")
		}, want: []string{"header-schema"}, says: "X-RateLimit-Limit is not an integer"},
		{name: "negative Content-Length", target: func(t *testing.T) *url.URL {
			return rawResponse(t, "HTTP/1.1 404 Not Found\r\nContent-Length: -5\r\n\r\n")
		}, want: []string{"response-received"}, kind: TransportProtocol, says: "did not answer valid HTTP"},
		{name: "broken chunked encoding", target: func(t *testing.T) *url.URL {
			return rawResponse(t, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n")
		}, want: []string{"response-received"}, kind: TransportProtocol, says: "could not be read to its end"},
		{name: "headers far over the header cap", target: func(t *testing.T) *url.URL {
			return rawTarget(t, func(c net.Conn, _ <-chan struct{}) {
				_, _ = c.Write([]byte("HTTP/1.1 204 No Content\r\n"))
				line := []byte("X-Padding: " + strings.Repeat("p", 1000) + "\r\n")
				for sent := 0; sent < 4*MaxHeaderBytes; sent += len(line) {
					if _, err := c.Write(line); err != nil {
						return
					}
				}
			})
		}, want: []string{"response-received"}, kind: TransportProtocol, says: "more than 1048576 bytes of headers"},
		{name: "endless 1xx responses", target: func(t *testing.T) *url.URL {
			return rawTarget(t, func(c net.Conn, done <-chan struct{}) {
				for {
					if _, err := c.Write([]byte("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")); err != nil {
						return
					}
					select {
					case <-done:
						return
					default:
					}
				}
			})
		}, want: []string{"response-received"}, kind: TransportProtocol, says: "more than 1048576 bytes of headers"},
		{name: "101 Switching Protocols, then silence", target: func(t *testing.T) *url.URL {
			return rawTarget(t, func(c net.Conn, done <-chan struct{}) {
				_, _ = c.Write([]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"))
				select {
				case <-done:
				case <-time.After(30 * time.Second):
				}
			})
		}, want: []string{"status-documented"}, says: "101", bodyLen: size(0)},
		{name: "103 Early Hints, then a conformant 204", target: func(t *testing.T) *url.URL {
			return rawResponse(t, "HTTP/1.1 103 Early Hints\r\nLink: </x>; rel=preload\r\n\r\n"+
				"HTTP/1.1 204 No Content\r\nX-Request-Id: r\r\nX-RateLimit-Limit: 5\r\nX-RateLimit-Remaining: 4\r\nX-RateLimit-Reset: 9\r\n\r\n")
		}, bodyLen: size(0)},
		{name: "HTTP/1.0 answer ended by closing", target: func(t *testing.T) *url.URL {
			return rawResponse(t, "HTTP/1.0 404 Not Found\r\nContent-Type: application/json\r\nX-Request-Id: r\r\n\r\n"+notFound)
		}, bodyLen: size(len(notFound))},
		{name: "HTTP/0.9 answer (no status line)", target: func(t *testing.T) *url.URL {
			return rawResponse(t, notFound)
		}, want: []string{"response-received"}, kind: TransportProtocol, says: "did not answer valid HTTP"},
		{name: "status code out of range", target: func(t *testing.T) *url.URL {
			return rawResponse(t, "HTTP/1.1 999 Whatever\r\nContent-Length: 0\r\n\r\n")
		}, want: []string{"status-documented"}, says: "999", bodyLen: size(0)},
	}
	checks, err := Select(hostileChecks, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := serve(t, canned{204, confluentHeaders(), ""})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client, err := NewClient(ClientOptions{Timeout: hostileTimeout, MaxBodyBytes: tc.cap})
			if err != nil {
				t.Fatal(err)
			}
			r := &Runner{API: op.API(), Client: client, Base: tc.target(t), Checker: NewChecker(checks, CheckOptions{}, nil)}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			// The context only guards the test against a client that forgot its own timeout.
			ctx, cancel := context.WithTimeout(context.Background(), 2*hostileBound)
			defer cancel()
			res, err := r.Do(ctx, Request{Op: op, PathParams: defaultParams}, nil)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatalf("a hostile target must give a result, not a setup error: %v", err)
			}
			if took > hostileBound {
				t.Errorf("the exchange took %v with a %v timeout: not bounded", took, hostileTimeout)
			}
			var ids []string
			for _, v := range res.Violations {
				ids = append(ids, v.Check)
			}
			if strings.Join(ids, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("checks fired %v, want %v:\n%s", ids, tc.want, render(res.Violations))
			}
			ex := res.Exchange
			if tc.kind != "" {
				if got := hostileKind(ex); got != tc.kind {
					t.Errorf("transport kind %q, want %q (%+v)", got, tc.kind, ex.Err)
				}
			}
			if tc.says != "" && !strings.Contains(res.Violations[0].Message, tc.says) {
				t.Errorf("the finding does not say %q:\n%s", tc.says, render(res.Violations))
			}
			if tc.bodyLen != nil {
				if ex.Response == nil {
					t.Fatalf("no response recorded: %+v", ex.Err)
				}
				if len(ex.Response.Body) != *tc.bodyLen {
					t.Errorf("recorded body of %d bytes, want %d", len(ex.Response.Body), *tc.bodyLen)
				}
			}
			if tc.maxAlloc > 0 {
				if got := after.TotalAlloc - before.TotalAlloc; got > tc.maxAlloc {
					t.Errorf("the exchange allocated %d bytes; the cap of %d bytes does not bound memory", got, hostileCap)
				}
			}
			// The run goes on: the same runner, aimed at a conformant server, finds nothing.
			r.Base = good
			next, err := r.Do(context.Background(), Request{Op: op, PathParams: defaultParams}, nil)
			if err != nil || len(next.Violations) != 0 {
				t.Errorf("the next request after the hostile one: %v\n%s", err, render(next.Violations))
			}
		})
	}
}

// hostileKind returns the transport kind of an exchange: of its transport error, else of the
// error that cut its body short, else "".
func hostileKind(ex *Exchange) string {
	if ex.Err != nil {
		return ex.Err.Kind
	}
	if ex.Response != nil && ex.Response.ReadErr != "" {
		kind, _, _ := strings.Cut(ex.Response.ReadErr, ":")
		return kind
	}
	return ""
}

func size(n int) *int { return &n }

// gzipOf returns n zero bytes, gzip-compressed.
func gzipOf(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for written := 0; written < n; written += len(zeros) {
		if _, err := zw.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRedirectsAreNeverFollowed: a target on 127.0.0.1 redirects, with every redirect status,
// to a second loopback server standing for another host ([::1], else 127.0.0.2, else another
// port). The second server must receive no request at all, so no credential can reach it.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	var leaked atomic.Value
	other := otherLoopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		if a := r.Header.Get("Authorization"); a != "" {
			leaked.Store(a)
		}
		w.WriteHeader(204)
	}))
	op := testAPI(t, "confluent").Operation("deleteOrgV2Environment")
	checks, _ := Select(hostileChecks, nil)
	secret := "REDIRECT-SECRET-TOKEN"
	cred := &Credential{Scheme: "confluent-sts-access-token", Token: secret}
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			var seen atomic.Int32
			base := httpTarget(t, func(w http.ResponseWriter, r *http.Request) {
				seen.Add(1)
				w.Header().Set("Location", other.String()+r.URL.Path)
				w.Header().Set("X-Request-Id", "r")
				w.WriteHeader(status)
			})
			client, err := NewClient(ClientOptions{Timeout: hostileTimeout})
			if err != nil {
				t.Fatal(err)
			}
			r := &Runner{API: op.API(), Client: client, Base: base, Checker: NewChecker(checks, CheckOptions{}, NewRedactor(cred.Secrets()...))}
			res, err := r.Do(context.Background(), Request{Op: op, PathParams: defaultParams, Credential: cred}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, v := range res.Violations {
				ids = append(ids, v.Check)
			}
			if want := "no-redirect,status-documented"; strings.Join(ids, ",") != want {
				t.Errorf("checks fired %v, want %s:\n%s", ids, want, render(res.Violations))
			}
			if msg := res.Violations[0].Message; !strings.Contains(msg, "Location on host "+other.Host) || !strings.Contains(msg, "not followed") {
				t.Errorf("the no-redirect finding does not name the other host and say it was not followed: %s", msg)
			}
			if seen.Load() != 1 || res.Exchange.Status() != status {
				t.Errorf("the target saw %d requests, recorded status %d", seen.Load(), res.Exchange.Status())
			}
			if strings.Contains(render(res.Violations), secret) {
				t.Errorf("a finding holds the credential:\n%s", render(res.Violations))
			}
		})
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host received %d requests (Authorization %v): a redirect was followed", n, leaked.Load())
	}
}

// otherLoopbackServer serves h on a loopback address other than 127.0.0.1 where it can:
// [::1], else 127.0.0.2, else 127.0.0.1 on another port.
func otherLoopbackServer(t *testing.T, h http.Handler) *url.URL {
	t.Helper()
	var l net.Listener
	var err error
	for _, addr := range []string{"[::1]:0", "127.0.0.2:0", "127.0.0.1:0"} {
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: h}}
	srv.Start()
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u
}

// TestEchoedSecretsNeverLeakInPart: a hostile server echoes the credential where checks quote
// response values back (a mistyped rate-limit header, a 429's Retry-After, a body value a
// scenario assertion reads), padded so that the quoted excerpt would cut the secret short, and
// with characters that quoting escapes. No finding may hold any 8-character run of a secret.
func TestEchoedSecretsNeverLeakInPart(t *testing.T) {
	op := testAPI(t, "confluent").Operation("deleteOrgV2Environment")
	secret := "Q7m2" + strings.Repeat("a9Zx", 15) // 64 characters, as a Confluent API secret
	quoted := `pass"word\with-quotes-0123`
	tests := []struct {
		name string
		cred *Credential
		echo string // what the server sends back in place of the value
	}{
		{"long secret cut by the excerpt", &Credential{Scheme: "cloud-api-key", Username: "KEY123", Password: secret}, "x" + secret},
		{"secret with characters quoting escapes", &Credential{Scheme: "cloud-api-key", Username: "KEY123", Password: quoted}, "x" + quoted},
		{"bearer token after long padding", &Credential{Scheme: "confluent-sts-access-token", Token: secret}, strings.Repeat("p", 190) + secret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := httpTarget(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Request-Id", "r")
				w.Header().Set("X-RateLimit-Limit", tt.echo)
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", "9")
				w.Header().Set("Retry-After", tt.echo)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(429)
				_, _ = fmt.Fprintf(w, `{"errors":[{"status":"429","detail":%q}]}`, tt.echo)
			})
			client, _ := NewClient(ClientOptions{Timeout: hostileTimeout})
			a, err := ParseAssertion(`errors.0.detail == "expected"`)
			if err != nil {
				t.Fatal(err)
			}
			r := &Runner{API: op.API(), Client: client, Base: base, Checker: NewChecker(All(), CheckOptions{}, NewRedactor(tt.cred.Secrets()...))}
			res, err := r.Do(context.Background(), Request{Op: op, PathParams: defaultParams, Credential: tt.cred}, &Expectation{Status: 204, Body: []Assertion{a}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Violations) == 0 {
				t.Fatal("want findings")
			}
			recorded, _ := json.Marshal(res.Exchange)
			text := render(res.Violations) + string(recorded)
			for _, s := range tt.cred.Secrets() {
				if frag := leakedRun(text, s, 8); frag != "" {
					t.Errorf("a finding holds %q, a part of a secret:\n%s", frag, text)
				}
			}
		})
	}
}

// leakedRun returns the first run of n characters of secret found in text, or "".
func leakedRun(text, secret string, n int) string {
	for i := 0; i+n <= len(secret); i++ {
		if strings.Contains(text, secret[i:i+n]) {
			return secret[i : i+n]
		}
	}
	return ""
}

// TestSecretCutAtTheCapIsRedacted: a body over the cap that the cap cuts in the middle of an
// echoed secret does not keep the secret's first characters.
func TestSecretCutAtTheCapIsRedacted(t *testing.T) {
	op := testAPI(t, "confluent").Operation("deleteOrgV2Environment")
	secret := "CUT-SECRET-0123456789abcdef"
	const cap = 1024
	base := httpTarget(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		_, _ = w.Write([]byte(strings.Repeat(" ", cap-10) + secret + strings.Repeat(" ", cap)))
	})
	client, _ := NewClient(ClientOptions{Timeout: hostileTimeout, MaxBodyBytes: cap})
	ex, err := client.Do(context.Background(), base, Request{Op: op, PathParams: defaultParams, Credential: &Credential{Scheme: "confluent-sts-access-token", Token: secret}})
	if err != nil {
		t.Fatal(err)
	}
	if !ex.Response.Truncated {
		t.Fatal("want a truncated body")
	}
	if frag := leakedRun(string(ex.Response.Body), secret, 4); frag != "" || !strings.HasSuffix(string(ex.Response.Body), Redacted) {
		t.Errorf("the recorded body keeps %q of the secret cut at the cap: ...%q", frag, ex.Response.Body[len(ex.Response.Body)-20:])
	}
}
