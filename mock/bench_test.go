package mock

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The benchmarks of this file talk only to servers they start on 127.0.0.1.

// benchState is the demo state with a demo-key rate limit no benchmark reaches (the demo's is
// 1000 requests a minute) and n more environments, env-bench0 to env-bench<n-1>, for DELETEs
// that answer 204; the quota leaves room for 1000 creates.
func benchState(b *testing.B, n int) *State { return largeState(b, n, "env-bench") }

// BenchmarkDelete measures the handler alone, with no network, on the hot path of a load test:
// an authenticated DELETE of an environment that does not exist (404 with a Failure body).
func BenchmarkDelete(b *testing.B) {
	s, err := New(benchState(b, 0), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := httptest.NewRequest(http.MethodDelete, "/org/v2/environments/env-nope", nil)
		r.SetBasicAuth("demo-key", "demo-secret")
		for pb.Next() {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != http.StatusNotFound {
				b.Fatalf("status %d", w.Code)
			}
		}
	})
}

// loopbackClients is how many clients the loopback benchmarks run at once.
const loopbackClients = 16

// BenchmarkDeleteLoopback measures the mock as `apiconform mock` serves it (net/http on a
// 127.0.0.1 listener) under 16 concurrent clients, each on its own keep-alive connection, and
// reports requests per second (req/s). Workloads, both with demo-key and a rate limit never
// reached:
//
//   - 204: DELETE of a different existing environment each time (a real recursive delete);
//   - 404: DELETE of env-nope, which never exists (the steady state of repeated deletes: a
//     Failure body each time).
//
// Clients:
//
//   - conn: a minimal HTTP/1.1 client over one net.Conn per client (like wrk: it writes the
//     request and reads the status, headers and Content-Length body), so the figure is the
//     server's, not the load generator's. This is the figure the target (20,000 req/s) is for.
//   - nethttp: Go's net/http client, 16 goroutines sharing one Transport; heavier, shown for
//     comparison.
//
// The clients run in this process, on the same cores as the server.
func BenchmarkDeleteLoopback(b *testing.B) {
	for _, status := range []int{http.StatusNoContent, http.StatusNotFound} {
		for _, client := range []string{"conn", "nethttp"} {
			b.Run(strconv.Itoa(status)+"/"+client, func(b *testing.B) {
				n := 0
				if status == http.StatusNoContent {
					n = b.N
				}
				addr := serveLoopback(b, benchState(b, n))
				path := func(buf []byte, i int) []byte {
					buf = append(buf, "/org/v2/environments/env-"...)
					if status == http.StatusNotFound {
						return append(buf, "nope"...)
					}
					return strconv.AppendInt(append(buf, "bench"...), int64(i), 10)
				}
				var run func(b *testing.B, addr string, status int, path func([]byte, int) []byte)
				if client == "conn" {
					run = runConnClients
				} else {
					run = runNetHTTPClients
				}
				b.ReportAllocs()
				run(b, addr, status, path)
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			})
		}
	}
}

// serveLoopback serves a mock of state on 127.0.0.1 as `apiconform mock` does and returns its
// address.
func serveLoopback(b *testing.B, state *State) string {
	b.Helper()
	s, err := New(state, Options{})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { _ = hs.Serve(ln) }()
	b.Cleanup(func() { _ = hs.Close() })
	return ln.Addr().String()
}

var benchAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte("demo-key:demo-secret"))

// runConnClients sends b.N DELETEs from loopbackClients raw keep-alive connections.
func runConnClients(b *testing.B, addr string, status int, path func([]byte, int) []byte) {
	conns := make([]net.Conn, loopbackClients)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		conns[i] = c
	}
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, len(conns))
	b.ResetTimer()
	for _, c := range conns {
		wg.Add(1)
		go func(c net.Conn) {
			defer wg.Done()
			r := bufio.NewReaderSize(c, 4096)
			req := make([]byte, 0, 256)
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				req = append(req[:0], "DELETE "...)
				req = path(req, i)
				req = append(req, " HTTP/1.1\r\nHost: "...)
				req = append(req, addr...)
				req = append(req, "\r\nAuthorization: "...)
				req = append(req, benchAuth...)
				req = append(req, "\r\nUser-Agent: apiconform-bench\r\n\r\n"...)
				if _, err := c.Write(req); err != nil {
					errs <- err
					return
				}
				got, err := readResponse(r)
				if err != nil {
					errs <- err
					return
				}
				if got != status {
					errs <- fmt.Errorf("status %d, want %d", got, status)
					return
				}
			}
		}(c)
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// readResponse reads one HTTP/1.1 response with a Content-Length body (or none) and returns its
// status.
func readResponse(r *bufio.Reader) (int, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	length := 0
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(line) <= 2 {
			break
		}
		if k, v, ok := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(":")); ok {
			switch {
			case bytes.EqualFold(k, []byte("Content-Length")):
				if length, err = strconv.Atoi(string(bytes.TrimSpace(v))); err != nil {
					return 0, fmt.Errorf("bad Content-Length %q", v)
				}
			case bytes.EqualFold(k, []byte("Transfer-Encoding")):
				return 0, errors.New("chunked responses are not expected from the mock")
			}
		}
	}
	if _, err := r.Discard(length); err != nil {
		return 0, err
	}
	return status, nil
}

// runNetHTTPClients sends b.N DELETEs from loopbackClients goroutines sharing one net/http
// Transport.
func runNetHTTPClients(b *testing.B, addr string, status int, path func([]byte, int) []byte) {
	tr := &http.Transport{MaxIdleConnsPerHost: loopbackClients, MaxConnsPerHost: loopbackClients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	base := []byte("http://" + addr)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, loopbackClients)
	b.ResetTimer()
	for range loopbackClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 0, 256)
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				buf = path(append(buf[:0], base...), i)
				req, err := http.NewRequest(http.MethodDelete, string(buf), nil)
				if err != nil {
					errs <- err
					return
				}
				req.Header.Set("Authorization", benchAuth)
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != status {
					errs <- fmt.Errorf("status %d, want %d", resp.StatusCode, status)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// dumpEnvironments is the size of the state BenchmarkRequestDuringDump dumps.
const dumpEnvironments = 200_000

// BenchmarkRequestDuringDump measures the latency of GET /org/v2/environments/env-demo2 (one
// client, one keep-alive connection, one request at a time) on a mock of 200,000 environments,
// served on loopback as `apiconform mock` serves it:
//
//   - idle: nothing else runs;
//   - dumping: another client fetches GET /_mock/state (about 25 MB of JSON) over and over
//     meanwhile, so that every request falls somewhere in a dump.
//
// It reports the mean (ns/op), the median, the 99th and 99.9th percentiles and the worst
// latency, and how many dumps completed. The state is copied under the server's lock and serialised after it is
// released: the dumps cost CPU (this machine's two cores are shared with the dumper), but no
// request waits for a dump to finish.
func BenchmarkRequestDuringDump(b *testing.B) {
	for _, dumping := range []bool{false, true} {
		name := "idle"
		if dumping {
			name = "dumping"
		}
		b.Run(name, func(b *testing.B) {
			state := benchState(b, dumpEnvironments)
			addr := serveLoopback(b, state)
			stop := make(chan struct{})
			var dumps atomic.Int64
			var wg sync.WaitGroup
			if dumping {
				started := make(chan struct{})
				wg.Add(1)
				go func() {
					defer wg.Done()
					client := &http.Client{Transport: &http.Transport{}}
					defer client.CloseIdleConnections()
					for first := true; ; first = false {
						select {
						case <-stop:
							return
						default:
						}
						resp, err := client.Get("http://" + addr + "/_mock/state")
						if first {
							close(started)
						}
						if err != nil {
							b.Error(err)
							return
						}
						_, _ = io.Copy(io.Discard, resp.Body)
						_ = resp.Body.Close()
						dumps.Add(1)
					}
				}()
				<-started
			}
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			r := bufio.NewReader(conn)
			request := []byte("GET /org/v2/environments/env-demo2 HTTP/1.1\r\nHost: " + addr + "\r\nAuthorization: " + benchAuth + "\r\n\r\n")
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				if _, err := conn.Write(request); err != nil {
					b.Fatal(err)
				}
				status, err := readResponse(r)
				if err != nil || status != http.StatusOK {
					b.Fatalf("GET env-demo2: %d %v", status, err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			slices.Sort(lat)
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(ms(lat[len(lat)*999/1000]), "p99.9-ms")
			b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
			if dumping {
				b.ReportMetric(float64(dumps.Load()), "dumps")
			}
		})
	}
}
