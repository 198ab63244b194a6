package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apiconform/apiconform/report"
)

// orgV2Spec is the newest Confluent org/v2 revision in the shared reference material: a third
// API, as its vendor publishes it, that apiconform has no Go code for.
const orgV2Spec = "../../../shared/vendor-specs/confluent-org-v2/org-v2-2026-08-05-acbfc6f9.yaml"

// orgV2Files returns the spec, profile and scenario file of the third API, or skips the test when
// the shared reference material is not beside the checkout.
func orgV2Files(t *testing.T) (spec, profile, scenarios string) {
	t.Helper()
	if _, err := os.Stat(orgV2Spec); err != nil {
		t.Skipf("the third-API test needs the shared reference material beside the checkout: %v", err)
	}
	return orgV2Spec, filepath.Join("testdata", "org-v2", "profile.yaml"), filepath.Join("testdata", "org-v2", "scenarios.yaml")
}

// orgV2Break is a way the test server breaks the org/v2 contract.
type orgV2Break string

const (
	orgV2Conformant     orgV2Break = ""
	orgV2SameRequestID  orgV2Break = "same-request-id"  // every response has the same X-Request-Id
	orgV2WrongErrStatus orgV2Break = "wrong-err-status" // a 404 whose body says "400"
	orgV2RemainingOver  orgV2Break = "remaining-over"   // X-RateLimit-Remaining above the limit
	orgV2UnknownPackage orgV2Break = "unknown-package"  // a stream-governance package outside x-extensible-enum
	orgV2NoDisplayName  orgV2Break = "no-display-name"  // a listed environment without display_name
)

const orgV2Org = "23b1185e-d874-4f61-81d6-c9c61aa8969c"

// orgV2Key and orgV2Secret are the test server's credentials, given as ORGV2_API_KEY and
// ORGV2_API_SECRET; neither may appear in any output.
const orgV2Key, orgV2Secret = "orgv2-key-7f3a", "orgv2-secret-91c2"

// orgV2Server is a small org/v2 server on loopback for the third-API test: the read operations
// of organizations and environments, with HTTP basic credentials key:secret.
func orgV2Server(t *testing.T, brk orgV2Break) *httptest.Server {
	t.Helper()
	var n atomic.Int64
	envs := []string{"env-a1", "env-b2", "env-c3"}
	write := func(w http.ResponseWriter, status int, body any) {
		id := fmt.Sprintf("req-%d", n.Add(1))
		if brk == orgV2SameRequestID {
			id = "req-1"
		}
		w.Header().Set("X-Request-Id", id)
		if body == nil {
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	}
	failure := func(w http.ResponseWriter, status int, code, detail string) {
		said := strconv.Itoa(status)
		if brk == orgV2WrongErrStatus && status == 404 {
			said = "400"
		}
		if status == 401 {
			w.Header().Set("WWW-Authenticate", `Basic realm="org-v2"`)
		}
		write(w, status, map[string]any{"errors": []any{map[string]any{
			"id": "6c0d1a2e-0000-4000-8000-000000000001", "status": said, "code": code, "title": http.StatusText(status), "detail": detail,
		}}})
	}
	limits := func(w http.ResponseWriter) {
		remaining := "99"
		if brk == orgV2RemainingOver {
			remaining = "120"
		}
		w.Header().Set("X-RateLimit-Limit", "100")
		w.Header().Set("X-RateLimit-Remaining", remaining)
		w.Header().Set("X-RateLimit-Reset", "30")
	}
	meta := func(path string) map[string]any {
		return map[string]any{"self": "https://api.example.com" + path, "created_at": "2026-01-02T03:04:05Z"}
	}
	org := map[string]any{"api_version": "org/v2", "kind": "Organization", "id": orgV2Org,
		"metadata": meta("/org/v2/organizations/" + orgV2Org), "display_name": "apiconform", "jit_enabled": false}
	authorized := func(w http.ResponseWriter, r *http.Request) bool {
		if u, p, ok := r.BasicAuth(); ok && u == orgV2Key && p == orgV2Secret {
			return true
		}
		failure(w, 401, "user_unauthenticated", "Valid authentication credentials must be provided")
		return false
	}
	pageSize := func(w http.ResponseWriter, r *http.Request) (int, bool) {
		q := r.URL.Query()
		if len(q.Get("page_token")) > 255 {
			failure(w, 400, "invalid_page_token", "page_token is longer than 255")
			return 0, false
		}
		size := 10
		if s, set := q["page_size"]; set {
			v, err := strconv.Atoi(s[0])
			if err != nil || v < 1 || v > 100 || len(s) > 1 {
				failure(w, 400, "invalid_page_size", "page_size must be an integer from 1 to 100")
				return 0, false
			}
			size = v
		}
		return size, true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /org/v2/organizations", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		if _, ok := pageSize(w, r); !ok {
			return
		}
		limits(w)
		write(w, 200, map[string]any{"api_version": "org/v2", "kind": "OrganizationList",
			"metadata": map[string]any{"first": "https://api.example.com/org/v2/organizations", "next": nil}, "data": []any{org}})
	})
	mux.HandleFunc("GET /org/v2/organizations/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		if r.PathValue("id") != orgV2Org {
			failure(w, 404, "resource_not_found", "no such organization")
			return
		}
		limits(w)
		write(w, 200, org)
	})
	mux.HandleFunc("GET /org/v2/environments", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(w, r) {
			return
		}
		size, ok := pageSize(w, r)
		if !ok {
			return
		}
		var data []any
		for i, id := range envs {
			if i == size {
				break
			}
			e := map[string]any{"api_version": "org/v2", "kind": "Environment", "id": id, "display_name": "env " + id,
				"metadata": meta("/org/v2/environments/" + id), "stream_governance_config": map[string]any{"package": "ESSENTIALS"}}
			if brk == orgV2UnknownPackage {
				e["stream_governance_config"] = map[string]any{"package": "PLATINUM"}
			}
			if brk == orgV2NoDisplayName {
				delete(e, "display_name")
			}
			data = append(data, e)
		}
		next := any(nil)
		if size < len(envs) {
			next = "https://api.example.com/org/v2/environments?page_token=p2"
		}
		limits(w)
		write(w, 200, map[string]any{"api_version": "org/v2", "kind": "EnvironmentList",
			"metadata": map[string]any{"first": "https://api.example.com/org/v2/environments", "next": next}, "data": data})
	})
	// The methods the spec does not document on its paths, and the paths it does not have.
	allow := map[string]string{
		"/org/v2/organizations": "GET", "/org/v2/environments": "GET, POST",
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		a, ok := allow[r.URL.Path]
		switch {
		case ok:
		case strings.HasPrefix(r.URL.Path, "/org/v2/organizations/"):
			a = "GET, PATCH"
		case strings.HasPrefix(r.URL.Path, "/org/v2/environments/"):
			a = "GET, PATCH, DELETE"
		default:
			write(w, 404, nil)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Allow", a)
		write(w, 405, nil)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestThirdAPIFromFiles: an API with no Go code, from files alone: the newest org/v2 revision as
// the spec, a profile file beside it, a scenario file for operations the embedded confluent API
// does not cover, against a server on loopback. A conformant server passes every scenario; each
// way of breaking the contract is caught by the check that owns it, the profile's checks
// (request-id-unique, error-status-match, ratelimit-semantics, drift-enum) included; without the
// profile those stay silent, since the vendor's spec carries none.
func TestThirdAPIFromFiles(t *testing.T) {
	cleanEnv(t)
	spec, profile, scenarios := orgV2Files(t)
	t.Setenv("ORGV2_API_KEY", orgV2Key)
	t.Setenv("ORGV2_API_SECRET", orgV2Secret)

	srv := orgV2Server(t, orgV2Conformant)
	code, out, errOut, dir := runCmd(t, "--spec", spec, "--profile", profile, "--scenarios", scenarios, "--target", srv.URL)
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q\n%s", code, errOut, out)
	}
	for _, want := range []string{
		"apiconform org-v2: target " + srv.URL,
		"PASS    org-v2: list the organizations",
		"PASS    org-v2: an organization that does not exist is a 404",
		"PASS    org-v2: a wrong API key is a 401",
		"org-v2: 6 passed, 0 failed, 0 not run, 0 skipped",
		"verdict: conformant (exit 0)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, report.JUnitFile)); err != nil {
		t.Errorf("no JUnit report: %v", err)
	}
	if got := findings(t, dir, func(string) bool { return true }); len(got) > 0 {
		t.Errorf("findings, warnings included, on a conformant server:\n%s", strings.Join(got, "\n"))
	}

	for _, tt := range []struct {
		brk        orgV2Break
		noProfile  bool
		extra      []string
		code       int
		wantChecks []string // each must fire
	}{
		{orgV2SameRequestID, false, nil, ExitViolations, []string{"request-id-unique"}},
		{orgV2SameRequestID, true, nil, ExitOK, nil},
		{orgV2WrongErrStatus, false, nil, ExitViolations, []string{"error-status-match"}},
		{orgV2WrongErrStatus, true, nil, ExitOK, nil},
		{orgV2RemainingOver, false, nil, ExitViolations, []string{"ratelimit-semantics"}},
		{orgV2RemainingOver, true, nil, ExitOK, nil},
		{orgV2UnknownPackage, false, []string{"--strict"}, ExitViolations, []string{"drift-enum"}},
		{orgV2UnknownPackage, true, []string{"--strict"}, ExitOK, nil},
		{orgV2NoDisplayName, true, nil, ExitViolations, []string{"body-schema"}},
	} {
		name := string(tt.brk)
		if tt.noProfile {
			name += " without the profile"
		}
		t.Run(name, func(t *testing.T) {
			srv := orgV2Server(t, tt.brk)
			args := []string{"--spec", spec, "--scenarios", scenarios, "--target", srv.URL}
			if !tt.noProfile {
				args = append(args, "--profile", profile)
			}
			args = append(args, tt.extra...)
			code, out, errOut, dir := runCmd(t, args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q\n%s", code, tt.code, errOut, out)
			}
			got := findings(t, dir, func(string) bool { return true })
			for _, c := range tt.wantChecks {
				if !strings.Contains(strings.Join(got, "\n"), c+" ") {
					t.Errorf("no %s finding; findings:\n%s", c, strings.Join(got, "\n"))
				}
			}
			if tt.code == ExitOK && len(got) > 0 {
				t.Errorf("findings on a run that passes:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}

// TestThirdAPIProbe: apiconform probe on the third API from files alone: the scenario file gives
// the credentials and variables, the spec the requests; the conformant server passes every
// generated request, and a server that breaks the profile's rate-limit semantics is caught.
func TestThirdAPIProbe(t *testing.T) {
	spec, profile, scenarios := orgV2Files(t)
	t.Setenv("ORGV2_API_KEY", orgV2Key)
	t.Setenv("ORGV2_API_SECRET", orgV2Secret)
	for _, tt := range []struct {
		brk   orgV2Break
		code  int
		check string
	}{
		{orgV2Conformant, ExitOK, ""},
		{orgV2RemainingOver, ExitViolations, "ratelimit-semantics"},
	} {
		t.Run("server "+string(tt.brk), func(t *testing.T) {
			srv := orgV2Server(t, tt.brk)
			code, out, errOut, dir := probeCmd(t, "--spec", spec, "--profile", profile, "--scenarios", scenarios, "--target", srv.URL,
				"--operation", "listOrgV2Organizations", "--operation", "getOrgV2Organization", "--operation", "listOrgV2Environments",
				"--max-examples", "20", "--seed", "3")
			if code != tt.code || errOut != "" {
				t.Fatalf("exit %d, want %d; stderr %q\n%s", code, tt.code, errOut, out)
			}
			if !strings.Contains(out, "org-v2 listOrgV2Environments") {
				t.Errorf("no line for listOrgV2Environments:\n%s", out)
			}
			got := findings(t, dir, func(string) bool { return true })
			if tt.check == "" && len(got) > 0 {
				t.Errorf("findings on a conformant server:\n%s", strings.Join(got, "\n"))
			}
			if tt.check != "" && !strings.Contains(strings.Join(got, "\n"), tt.check+" ") {
				t.Errorf("no %s finding:\n%s", tt.check, strings.Join(got, "\n"))
			}
			replay := "replay with apiconform probe --api org-v2 --spec " + spec + " --profile " + profile + " --scenarios " + scenarios + " --operation "
			if tt.check != "" && !strings.Contains(out, replay) {
				t.Errorf("no replay line that runs as this run did (%s):\n%s", replay, out)
			}
			for _, f := range []string{"violations.json", "junit.xml", "report.html"} {
				data, _ := os.ReadFile(filepath.Join(dir, f))
				if strings.Contains(out+string(data), orgV2Secret) {
					t.Errorf("the secret in the output or %s", f)
				}
			}
		})
	}
}

// orgV2HAR asks srv the given paths with the test credentials and writes what came back as a
// HAR file, as a browser would export it.
func orgV2HAR(t *testing.T, srv *httptest.Server, paths ...string) string {
	t.Helper()
	type nv struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	var entries []any
	for _, p := range paths {
		req, _ := http.NewRequest("GET", srv.URL+p, nil)
		req.SetBasicAuth(orgV2Key, orgV2Secret)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var reqH, respH []nv
		for k, vs := range req.Header {
			for _, v := range vs {
				reqH = append(reqH, nv{k, v})
			}
		}
		for k, vs := range resp.Header {
			for _, v := range vs {
				respH = append(respH, nv{k, v})
			}
		}
		entries = append(entries, map[string]any{
			"startedDateTime": "2026-12-01T10:00:00Z", "time": 1,
			"request": map[string]any{"method": "GET", "url": srv.URL + p, "httpVersion": "HTTP/1.1", "headers": reqH,
				"queryString": []any{}, "cookies": []any{}, "headersSize": -1, "bodySize": 0},
			"response": map[string]any{"status": resp.StatusCode, "statusText": "", "httpVersion": "HTTP/1.1", "headers": respH,
				"cookies": []any{}, "content": map[string]any{"size": len(body), "mimeType": resp.Header.Get("Content-Type"), "text": string(body)},
				"redirectURL": "", "headersSize": -1, "bodySize": len(body)},
			"cache": map[string]any{}, "timings": map[string]any{"send": 0, "wait": 1, "receive": 0},
		})
	}
	data, err := json.Marshal(map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]any{"name": "test", "version": "1"}, "entries": entries}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "org-v2.har")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestThirdAPIValidate: apiconform validate holds a recording of the third API to its spec and
// profile, from files alone: a conformant recording passes; a 404 whose body says 400 is caught by
// error-status-match with the profile, and passes without it (the vendor's spec carries none).
func TestThirdAPIValidate(t *testing.T) {
	spec, profile, _ := orgV2Files(t)
	cleanEnv(t)
	paths := []string{"/org/v2/organizations", "/org/v2/organizations/" + orgV2Org, "/org/v2/organizations/nope", "/org/v2/environments?page_size=2"}
	for _, tt := range []struct {
		brk         orgV2Break
		withProfile bool
		code        int
		check       string
	}{
		{orgV2Conformant, true, ExitOK, ""},
		{orgV2WrongErrStatus, true, ExitViolations, "error-status-match"},
		{orgV2WrongErrStatus, false, ExitOK, ""},
	} {
		t.Run(fmt.Sprintf("%s profile=%v", tt.brk, tt.withProfile), func(t *testing.T) {
			har := orgV2HAR(t, orgV2Server(t, tt.brk), paths...)
			dir := t.TempDir()
			args := []string{"validate", "--api", "org-v2", "--spec", spec}
			if tt.withProfile {
				args = append(args, "--profile", profile)
			}
			// A flag after the recording counts as one before it.
			code, out, errOut := cmd(append(args, har, "--report-dir", dir)...)
			if code != tt.code || errOut != "" {
				t.Fatalf("exit %d, want %d; stderr %q\n%s", code, tt.code, errOut, out)
			}
			got := findings(t, dir, func(string) bool { return true })
			if tt.check == "" && len(got) > 0 {
				t.Errorf("findings on a conformant recording:\n%s", strings.Join(got, "\n"))
			}
			if tt.check != "" && !slices.Contains(got, tt.check+" GET /org/v2/organizations/nope 404") {
				t.Errorf("no %s finding on the 404:\n%s", tt.check, strings.Join(got, "\n"))
			}
			if strings.Contains(out, orgV2Secret) {
				t.Error("the secret in the output")
			}
		})
	}
}

// TestThirdAPIProxy: apiconform proxy in front of the third API, from files alone: the run's
// requests pass through it unchanged, and the proxy holds each exchange to the spec and profile
// as the run does: on the server whose 404 says 400, both report error-status-match, and the
// proxy the request the scenarios send wrong on purpose.
func TestThirdAPIProxy(t *testing.T) {
	spec, profile, scenarios := orgV2Files(t)
	cleanEnv(t)
	t.Setenv("ORGV2_API_KEY", orgV2Key)
	t.Setenv("ORGV2_API_SECRET", orgV2Secret)
	srv := orgV2Server(t, orgV2WrongErrStatus)
	proxyDir := t.TempDir()
	addr, stop := startProxy(t, "--api", "org-v2", "--spec", spec, "--profile", profile, "--upstream", srv.URL, "--report-dir", proxyDir)
	runCode, runOut, runErr, runDir := runCmd(t, "--spec", spec, "--profile", profile, "--scenarios", scenarios, "--target", "http://"+addr)
	proxyCode, proxyOut, proxyLog := stop()
	if runCode != ExitViolations || proxyCode != ExitViolations {
		t.Fatalf("exit codes: run %d, proxy %d\nrun:\n%s%s\nproxy:\n%s%s", runCode, proxyCode, runOut, runErr, proxyOut, proxyLog)
	}
	// The proxy also checks the requests: the scenario that sends page_size=101 on purpose is a
	// client breaking the contract, which request-parameters reports.
	statusFinding := "error-status-match GET /org/v2/organizations/org-does-not-exist 404"
	for where, tt := range map[string]struct {
		dir  string
		want []string
	}{
		"the run":   {runDir, []string{statusFinding}},
		"the proxy": {proxyDir, []string{statusFinding, "request-parameters GET /org/v2/environments 400"}},
	} {
		if got := findings(t, tt.dir, func(string) bool { return true }); !slices.Equal(got, tt.want) {
			t.Errorf("%s found %v, want %v", where, got, tt.want)
		}
	}
	if strings.Contains(proxyOut+proxyLog, orgV2Secret) {
		t.Error("the secret in the proxy's output")
	}
}
