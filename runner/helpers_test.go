package runner

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/apiconform/apiconform/specs"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

var (
	apisOnce sync.Once
	apis     map[string]*API
	apisErr  error
)

// testAPI returns the embedded spec prepared once per test binary.
func testAPI(t testing.TB, name string) *API {
	t.Helper()
	apisOnce.Do(func() {
		apis = map[string]*API{}
		for _, n := range specs.Names() {
			doc, err := specs.Load(n)
			if err != nil {
				apisErr = err
				return
			}
			a, err := NewAPI(n, doc)
			if err != nil {
				apisErr = err
				return
			}
			apis[n] = a
		}
	})
	if apisErr != nil {
		t.Fatal(apisErr)
	}
	return apis[name]
}

// canned is a response a loopback test server gives.
type canned struct {
	status int
	header map[string]string
	body   string
}

// confluentHeaders are the headers of a conformant Confluent 204, plus extra.
func confluentHeaders(extra ...string) map[string]string {
	h := map[string]string{
		"X-Request-Id":          "req-1",
		"X-RateLimit-Limit":     "50",
		"X-RateLimit-Remaining": "49",
		"X-RateLimit-Reset":     "60",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			delete(h, extra[i])
		} else {
			h[extra[i]] = extra[i+1]
		}
	}
	return h
}

func failure(status int, code string) string {
	return fmt.Sprintf(`{"errors":[{"id":"e1","status":"%d","code":"%s","title":"t","detail":"d"}]}`, status, code)
}

func jsonHeaders(extra ...string) map[string]string {
	h := map[string]string{"Content-Type": "application/json", "X-Request-Id": "req-1"}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			delete(h, extra[i])
		} else {
			h[extra[i]] = extra[i+1]
		}
	}
	return h
}

// serve starts a loopback server answering c and returns its URL.
func serve(t testing.TB, c canned) *url.URL {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range c.header {
			w.Header().Set(k, v)
		}
		if _, ok := c.header["Content-Type"]; !ok {
			w.Header()["Content-Type"] = nil // no sniffing: send no Content-Type at all
		}
		w.WriteHeader(c.status)
		_, _ = w.Write([]byte(c.body))
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u
}

// exchange fires op at a loopback server answering c and returns the recorded exchange.
func exchange(t testing.TB, op *Operation, c canned) *Exchange {
	t.Helper()
	client, err := NewClient(ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := client.Do(context.Background(), serve(t, c), Request{Op: op, PathParams: defaultParams})
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// observed is an exchange seen elsewhere: req, answered with c, recorded as runner.Record would.
func observed(op *Operation, req RecordedRequest, c canned) *Exchange {
	if req.Method == "" {
		req.Method = op.Method
	}
	if req.Path == "" {
		req.Path = map[string]string{"deleteOrgV2Environment": "/org/v2/environments/env-abc123", "createOrgV2Environment": "/org/v2/environments",
			"undeployApiProxy": "/apiops/projects/DemoProject/apiProxies/petstore-api/environments/production/"}[op.ID]
	}
	if req.URL == "" {
		req.URL = "http://127.0.0.1:1" + req.Path
	}
	h := http.Header{}
	for k, v := range c.header {
		h.Set(k, v)
	}
	return &Exchange{OperationID: op.ID, Request: req, Response: &RecordedResponse{Status: c.status, Proto: "HTTP/1.1", Header: h, Body: Body(c.body)}}
}

var defaultParams = map[string]string{
	"id": "env-abc123", "projectName": "DemoProject", "apiProxyName": "petstore-api", "environmentName": "production",
}

// checkCase is one row of a check's table test.
type checkCase struct {
	name   string
	api    string // default confluent
	op     string // default deleteOrgV2Environment (confluent) or undeployApiProxy (apinizer)
	resp   canned
	expect *Expectation
	opts   CheckOptions
	// want lists where each expected violation is: its header, else its pointer, else "-".
	// Empty means the check must stay silent.
	want []string
	// request, when set, makes the exchange observed traffic (Checker.CheckObserved): this
	// request, answered with resp, nothing sent; params are its path parameters (default:
	// defaultParams).
	request *RecordedRequest
	params  map[string]string
	// intent, when set, makes the exchange a generated request of the probe (CheckProbe).
	intent *Intent
}

// runCheckCases runs one check over its table, and compares the wording of every violation it
// reports with testdata/golden/<check>.golden.
func runCheckCases(t *testing.T, checkID string, cases []checkCase) {
	t.Helper()
	chk, ok := Lookup(checkID)
	if !ok {
		t.Fatalf("check %s is not registered", checkID)
	}
	var golden strings.Builder
	fired, silent := false, false
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			apiName, opID := tc.api, tc.op
			if apiName == "" {
				apiName = specs.Confluent
			}
			if opID == "" {
				opID = map[string]string{specs.Confluent: "deleteOrgV2Environment", specs.Apinizer: "undeployApiProxy"}[apiName]
			}
			op := testAPI(t, apiName).Operation(opID)
			if op == nil {
				t.Fatalf("no operation %s", opID)
			}
			var got []Violation
			if tc.intent != nil {
				ex := exchange(t, op, tc.resp)
				got = NewChecker([]Check{chk}, tc.opts, nil).CheckProbe(op, ex, tc.intent)
			} else if tc.request != nil {
				ex := observed(op, *tc.request, tc.resp)
				params := tc.params
				if params == nil {
					params = defaultParams
				}
				got = NewChecker([]Check{chk}, tc.opts, nil).CheckObserved(op, params, ex)
			} else {
				ex := exchange(t, op, tc.resp)
				got = NewChecker([]Check{chk}, tc.opts, nil).Check(op, ex, tc.expect)
			}
			var where []string
			for _, v := range got {
				if v.Check != checkID {
					t.Errorf("violation stamped %s, want %s", v.Check, checkID)
				}
				if v.Message == "" || v.OperationID != opID || v.Method == "" || v.Path == "" {
					t.Errorf("violation lacks context: %+v", v)
				}
				switch {
				case v.Header != "":
					where = append(where, v.Header)
				case v.Pointer != "":
					where = append(where, v.Pointer)
				default:
					where = append(where, "-")
				}
			}
			sort.Strings(where)
			want := append([]string(nil), tc.want...)
			sort.Strings(want)
			if strings.Join(where, ",") != strings.Join(want, ",") {
				t.Errorf("violations at %v, want %v:\n%s", where, want, render(got))
			}
			if len(tc.want) == 0 {
				silent = true
			} else {
				fired = true
				fmt.Fprintf(&golden, "# %s\n%s", tc.name, render(got))
			}
		})
	}
	if !fired || !silent {
		t.Errorf("check %s needs at least one case where it fires and one where it stays silent", checkID)
	}
	compareGolden(t, filepath.Join("testdata", "golden", checkID+".golden"), golden.String())
}

func render(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(v.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./runner -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run go test ./runner -update and review the diff):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
