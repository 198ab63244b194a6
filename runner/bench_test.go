package runner

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/specs"
)

// The benchmarks of this file talk only to servers they start on 127.0.0.1 (httptest).

// benchCase is one recorded exchange the check benchmarks hold to the spec.
type benchCase struct {
	name, api, op string
	resp          canned
	expect        *Expectation
}

func checkBenchCases(b *testing.B) []benchCase {
	a404, err := ParseAssertion(`errors.0.code == "resource_not_found"`)
	if err != nil {
		b.Fatal(err)
	}
	a200, err := ParseAssertion(`deploymentResult.deploymentResults.#(environmentName=="production").success == true`)
	if err != nil {
		b.Fatal(err)
	}
	return []benchCase{
		{name: "confluent-204", api: specs.Confluent, op: "deleteOrgV2Environment",
			resp:   canned{status: 204, header: confluentHeaders()},
			expect: &Expectation{Status: 204, Headers: []string{"X-Request-Id"}}},
		{name: "confluent-404", api: specs.Confluent, op: "deleteOrgV2Environment",
			resp:   canned{status: 404, header: jsonHeaders(), body: failure(404, "resource_not_found")},
			expect: &Expectation{Status: 404, Body: []Assertion{a404}}},
		{name: "apinizer-200", api: specs.Apinizer, op: "undeployApiProxy",
			resp: canned{status: 200, header: jsonHeaders(), body: `{"success":true,"deploymentResult":{"success":true,` +
				`"deploymentResults":[{"environmentName":"production","success":true,"message":"Undeployment successful"}]}}`},
			expect: &Expectation{Status: 200, Body: []Assertion{a200}}},
	}
}

// BenchmarkCheck measures every registered check (contract, drift and scenario) on one recorded
// conformant exchange whose operation is known: a Confluent 204, a Confluent 404 with a Failure
// body, an Apinizer 200 envelope. Each exchange carries an X-Request-Id the run has not seen
// (request-id-unique remembers IDs; the run state is renewed every runLength exchanges).
func BenchmarkCheck(b *testing.B) {
	for _, bc := range checkBenchCases(b) {
		b.Run(bc.name, func(b *testing.B) {
			op := testAPI(b, bc.api).Operation(bc.op)
			ex := exchange(b, op, bc.resp)
			checker := NewChecker(All(), CheckOptions{}, NewRedactor("demo-secret"))
			if vs := checker.Check(op, ex, bc.expect); len(vs) != 0 {
				b.Fatalf("the benchmark exchange must be conformant:\n%s", render(vs))
			}
			ids := make([][]string, runLength)
			for i := range ids {
				ids[i] = []string{"req-" + strconv.Itoa(i)}
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i%len(ids) == 0 {
					checker.state = NewRunState()
				}
				ex.Response.Header["X-Request-Id"] = ids[i%len(ids)]
				i++
				if vs := checker.Check(op, ex, bc.expect); len(vs) != 0 {
					b.Fatal(render(vs))
				}
			}
		})
	}
}

// benchMock starts the in-process mock on 127.0.0.1 with n extra environments (env-bench0 ...)
// and a demo-key rate limit that a benchmark never reaches.
func benchMock(b *testing.B, n int) *url.URL {
	b.Helper()
	state, err := mock.DefaultState()
	if err != nil {
		b.Fatal(err)
	}
	for i := range state.Confluent.APIKeys {
		state.Confluent.APIKeys[i].RateLimit = &mock.RateLimit{Limit: 1 << 30, WindowSeconds: 3600}
	}
	created := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for i := range n {
		state.Confluent.Environments = append(state.Confluent.Environments,
			mock.Environment{ID: "env-bench" + strconv.Itoa(i), DisplayName: "bench", CreatedAt: created})
	}
	handler, err := mock.New(state, mock.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	b.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	return u
}

// BenchmarkExchange measures one whole exchange on loopback against the in-process mock, one
// request at a time as a suite sends them: Confluent DELETE of an existing environment (204,
// a fresh one each time) and of an unknown one (404 with a Failure body).
//
//   - raw: net/http alone (build, send, read the body), no recording, no checks: the floor.
//   - fire: runner.Client.Do (build, redact, send, record), no checks.
//   - full: runner.Client.Do, then every check; the check part is timed apart and reported as
//     check-ns/op, next to roundtrip-ns/op (the Client.Do part), and their ratio in percent,
//     check-%-of-roundtrip: the overhead the target bounds (at most 20%, 0.2x).
//   - spin (404 only): runner.Client.Do, then 12 µs of busy waiting instead of the checks. It
//     shows what any work between two requests does to the round trip of this in-process loop:
//     the mock's goroutines park while the client is busy, and waking them costs time.
//
// fire, full and spin all report roundtrip-ns/op, the Client.Do part alone.
func BenchmarkExchange(b *testing.B) {
	api := testAPI(b, specs.Confluent)
	op := api.Operation("deleteOrgV2Environment")
	cred := &Credential{Scheme: "cloud-api-key", Username: "demo-key", Password: "demo-secret"}
	for _, status := range []int{204, 404} {
		id := func(i int) string {
			if status == 204 {
				return "env-bench" + strconv.Itoa(i)
			}
			return "env-nope"
		}
		envs := func(n int) int { // environments the mock must hold for n requests
			if status == 204 {
				return n
			}
			return 0
		}
		expect := &Expectation{Status: status}
		b.Run(strconv.Itoa(status)+"/raw", func(b *testing.B) {
			base := benchMock(b, envs(b.N))
			urls := make([]string, b.N)
			for i := range urls {
				urls[i] = base.String() + "/org/v2/environments/" + id(i)
			}
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.Proxy = nil
			client := &http.Client{Transport: tr}
			b.Cleanup(tr.CloseIdleConnections)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				req, err := http.NewRequest(http.MethodDelete, urls[i], nil)
				if err != nil {
					b.Fatal(err)
				}
				req.SetBasicAuth(cred.Username, cred.Password)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != status {
					b.Fatalf("status %d, want %d", resp.StatusCode, status)
				}
			}
		})
		modes := []string{"fire", "full"}
		if status == 404 {
			modes = append(modes, "spin")
		}
		for _, mode := range modes {
			b.Run(strconv.Itoa(status)+"/"+mode, func(b *testing.B) {
				base := benchMock(b, envs(b.N))
				client, err := NewClient(ClientOptions{Redactor: NewRedactor()})
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(client.http.CloseIdleConnections)
				checker := NewChecker(All(), CheckOptions{}, NewRedactor(cred.Secrets()...))
				params := make([]map[string]string, b.N)
				for i := range params {
					params[i] = map[string]string{"id": id(i)}
				}
				var rt, chk time.Duration
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					t0 := time.Now()
					ex, err := client.Do(context.Background(), base, Request{Op: op, PathParams: params[i], Credential: cred})
					t1 := time.Now()
					rt += t1.Sub(t0)
					if err != nil {
						b.Fatal(err)
					}
					if ex.Status() != status {
						b.Fatalf("status %d, want %d", ex.Status(), status)
					}
					switch mode {
					case "full":
						if i%runLength == 0 {
							checker.state = NewRunState()
						}
						vs := checker.Check(op, ex, expect)
						chk += time.Since(t1)
						if len(vs) != 0 {
							b.Fatal(render(vs))
						}
					case "spin":
						for time.Since(t1) < spinBetweenRequests {
						}
					}
				}
				b.ReportMetric(float64(rt.Nanoseconds())/float64(b.N), "roundtrip-ns/op")
				if mode == "full" {
					b.ReportMetric(float64(chk.Nanoseconds())/float64(b.N), "check-ns/op")
					b.ReportMetric(100*float64(chk)/float64(rt), "check-%-of-roundtrip")
				}
			})
		}
	}
}

// runLength is how many exchanges a benchmark counts as one run: request-id-unique remembers
// the IDs of a run, and a suite run is far shorter (the two suites have about 50 steps).
const runLength = 1024

// spinBetweenRequests is how long BenchmarkExchange/404/spin keeps the client busy between two
// requests, doing nothing: about what checking a 404 Failure takes in that loop.
const spinBetweenRequests = 12 * time.Microsecond
