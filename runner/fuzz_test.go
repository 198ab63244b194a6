package runner

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fuzzSecret is a credential value the fuzzed responses may echo; no finding may hold it.
const fuzzSecret = "FUZZ-SECRET-TOKEN-7f3a"

// fuzzOps returns every operation of every embedded spec, in a fixed order.
func fuzzOps(t testing.TB) []*Operation {
	var ops []*Operation
	for _, name := range []string{"confluent", "apinizer"} {
		ops = append(ops, testAPI(t, name).Operations()...)
	}
	return ops
}

// FuzzChecks runs every registered check on an arbitrary response (status, header block, body,
// cut short or not) to any operation, with a scenario expectation built from arbitrary text:
// nothing may panic, every finding carries a registered check ID, a severity and a message,
// renders to text and JSON, and never holds the credential even where the response echoes it.
func FuzzChecks(f *testing.F) {
	f.Add(uint8(0), 204, "X-Request-Id: r\nX-RateLimit-Limit: 50\nX-RateLimit-Remaining: 49\nX-RateLimit-Reset: 60", []byte(nil), uint8(0), `errors.0.code == "x"`)
	f.Add(uint8(1), 404, "Content-Type: application/json\nX-Request-Id: r", []byte(`{"errors":[{"id":"e","status":"404","code":"resource_not_found","title":"t","detail":"d"}]}`), uint8(0), `errors.0.status == "404"`)
	f.Add(uint8(2), 429, "Retry-After: -1\nX-RateLimit-Reset: 1999999999\nX-RateLimit-Remaining: 9\nX-RateLimit-Limit: 1", []byte(nil), uint8(8), "x exists")
	f.Add(uint8(3), 200, "Content-Type: application/json", []byte(`{"success":"true","deploymentResult":{"success":true,"deploymentResults":[{"environmentName":1}]}}`), uint8(16), `deploymentResult.deploymentResults.#(environmentName=="production").success == true`)
	f.Add(uint8(4), 400, "Content-Type: application/json; charset=\"", []byte(`{"error":"bad_request","error_description":"`+fuzzSecret+`"}`), uint8(32), `error =~ "^bad"`)
	f.Add(uint8(0), 302, "Location: http://[::1]:1/x", []byte("{"), uint8(1), "a > 1")
	f.Add(uint8(0), 0, "X-Request-Id: "+fuzzSecret, []byte{0xff, 0xfe}, uint8(2|4), "")
	f.Add(uint8(1), 999, "Content-Type: text/plain\nX-RateLimit-Limit: fifty", []byte(`{"errors":[{"status":404}]}`), uint8(64), "errors.# >= 1")
	ops := fuzzOps(f)
	redactor := NewRedactor(fuzzSecret)
	f.Fuzz(func(t *testing.T, opIndex uint8, status int, headers string, body []byte, flags uint8, assertion string) {
		op := ops[int(opIndex)%len(ops)]
		resp := &RecordedResponse{Status: status, Proto: "HTTP/1.1", Header: parseHeaderBlock(headers), Body: body, Truncated: flags&1 != 0}
		if flags&2 != 0 {
			resp.ReadErr = "connection-reset: cut"
		}
		ex := &Exchange{OperationID: op.ID, Request: RecordedRequest{Method: op.Method, Path: op.Path}, Response: resp}
		if flags&4 != 0 {
			ex.Response, ex.Err = nil, &TransportError{Kind: TransportOther, Message: "fuzz"}
		}
		expect := &Expectation{Status: 204, Headers: []string{"X-Request-Id"}}
		if a, err := ParseAssertion(assertion); err == nil {
			expect.Body = append(expect.Body, a)
		}
		if flags&8 != 0 {
			expect = nil
		}
		opts := CheckOptions{Lenient: flags&16 != 0, ContractOnly: flags&32 != 0, Strict: flags&64 != 0}
		checker := NewChecker(All(), opts, redactor)
		for range 2 { // twice: the second pass sees the run state of the first (request-id-unique)
			for _, v := range checker.Check(op, ex, expect) {
				if _, ok := Lookup(v.Check); !ok {
					t.Fatalf("a finding of unregistered check %q", v.Check)
				}
				if v.Message == "" || (v.Severity != SeverityError && v.Severity != SeverityWarning) {
					t.Fatalf("a finding without message or severity: %+v", v)
				}
				text := v.String()
				data, err := json.Marshal(v)
				if err != nil {
					t.Fatalf("a finding that does not marshal: %v", err)
				}
				if strings.Contains(text, fuzzSecret) || strings.Contains(string(data), fuzzSecret) {
					t.Fatalf("a finding holds the credential: %s", text)
				}
			}
		}
	})
}

// parseHeaderBlock reads "Name: value" lines as a client would record them; lines without a
// colon are skipped.
func parseHeaderBlock(block string) http.Header {
	h := http.Header{}
	for _, line := range strings.Split(block, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		h.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	return h
}

// FuzzParseAssertion: no assertion text makes the parser, or the evaluation of what it accepts
// on an arbitrary body, panic.
func FuzzParseAssertion(f *testing.F) {
	for _, s := range []string{
		`errors.0.code == "resource_not_found"`, `errors.# > 0`, `a !exists`, `a exists`, `x =~ "^[a-z]+$"`,
		`deploymentResult.deploymentResults.#(environmentName=="production").success == true`, `a == `, ` == 1`, `(a == "b") != null`,
	} {
		f.Add(s, []byte(`{"errors":[{"code":"resource_not_found"}],"a":1}`))
	}
	f.Fuzz(func(t *testing.T, text string, body []byte) {
		a, err := ParseAssertion(text)
		if err != nil {
			return
		}
		_, _ = a.Eval(body)
		_ = a.Expected()
	})
}

// FuzzClientResponse: a loopback server answers the client with arbitrary bytes. Whatever comes
// back, Do returns within its timeout with either a transport error or a recorded response no
// larger than the cap, and the checks run on it without panicking.
func FuzzClientResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 204 No Content\r\nX-Request-Id: r\r\n\r\n"))
	f.Add([]byte("HTTP/1.0 404 Not Found\r\nContent-Type: application/json\r\n\r\n{\"errors\":[]}"))
	f.Add([]byte("HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd"))
	f.Add([]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 302 Found\r\nLocation: http://[::1]:1/\r\nContent-Length: 0\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nX-A: a\x01b\r\n\r\n"))
	f.Add([]byte("not http at all"))
	const maxBody = 4 << 10
	var (
		mu    sync.Mutex
		reply []byte
	)
	base := rawTarget(f, func(c net.Conn, _ <-chan struct{}) {
		_ = c.SetDeadline(time.Now().Add(2 * time.Second))
		mu.Lock()
		out := reply
		mu.Unlock()
		_, _ = c.Write(out)
	})
	op := testAPI(f, "confluent").Operation("deleteOrgV2Environment")
	client, err := NewClient(ClientOptions{Timeout: 300 * time.Millisecond, MaxBodyBytes: maxBody})
	if err != nil {
		f.Fatal(err)
	}
	checker := NewChecker(All(), CheckOptions{}, nil)
	f.Fuzz(func(t *testing.T, raw []byte) {
		mu.Lock()
		reply = raw
		mu.Unlock()
		start := time.Now()
		ex, err := client.Do(context.Background(), base, Request{Op: op, PathParams: defaultParams})
		if err != nil {
			t.Fatalf("a target's answer became a setup error: %v", err)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Fatalf("Do took %v with a 300ms timeout", took)
		}
		if (ex.Err == nil) == (ex.Response == nil) {
			t.Fatalf("want exactly one of a transport error and a response: %+v", ex)
		}
		if ex.Response != nil && len(ex.Response.Body) > maxBody {
			t.Fatalf("recorded %d bytes over a %d-byte cap", len(ex.Response.Body), maxBody)
		}
		_ = checker.Check(op, ex, &Expectation{Status: 204})
	})
}
