package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/report"
	"github.com/apiconform/apiconform/runner"
)

// startProxy serves `apiconform proxy` with args in the background; stop ends it as SIGINT
// would and returns its exit code and output.
func startProxy(t *testing.T, args ...string) (addr string, stop func() (int, string, string)) {
	t.Helper()
	return serveInBackground(t, "the proxy", func(ctx context.Context, out, errOut io.Writer, onAddr func(string)) int {
		return serveProxy(ctx, append([]string{"--listen", "127.0.0.1:0"}, args...), out, errOut, onAddr)
	})
}

// finding is a violation as the comparison sees it: which check, on which request and status.
type finding struct{ check, method, path, status string }

func findings(t *testing.T, dir string, keep func(check string) bool) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, report.ViolationsFile))
	if err != nil {
		t.Fatal(err)
	}
	var vs []report.ViolationRecord
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range vs {
		if keep(v.Check) {
			out = append(out, fmt.Sprintf("%s %s %s %d", v.Check, v.Method, v.Path, v.Status))
		}
	}
	sort.Strings(out)
	return out
}

func scopeOf(check string) runner.Scope {
	c, _ := runner.Lookup(check)
	return c.Scope
}

// TestRecordThenValidate: the suite's own run against the mock, through the proxy, recorded, then
// the recording validated: the same exchanges, the same findings. With no fault nothing fires
// but the request checks on the requests the scenarios send wrong on purpose; under each fault,
// the fault's check fires in the run, in the proxy and in validate.
func TestRecordThenValidate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole suite through the proxy once per mock fault; skipped in -short mode")
	}
	cleanEnv(t)
	cases := []string{""}
	for _, f := range mock.Faults() {
		if scopeOf(f.Check) == runner.ScopeProbe {
			continue // found by generated requests (apiconform probe), not by the scenarios
		}
		cases = append(cases, f.ID)
	}
	for _, fault := range cases {
		name := fault
		if name == "" {
			name = "no fault"
		}
		t.Run(name, func(t *testing.T) {
			var faults []string
			if fault != "" {
				faults = []string{fault}
			}
			m, err := mock.New(nil, mock.Options{Faults: faults})
			if err != nil {
				t.Fatal(err)
			}
			upstream := httptest.NewServer(m)
			defer upstream.Close()
			dir := t.TempDir()
			recording := filepath.Join(dir, "traffic.jsonl")
			runDir, proxyDir, validateDir := filepath.Join(dir, "run"), filepath.Join(dir, "proxy"), filepath.Join(dir, "validate")

			// A cap of 64 KiB on both sides keeps the oversized-body fault's recording small.
			addr, stop := startProxy(t, "--upstream", upstream.URL, "--record", recording, "--report-dir", proxyDir, "--fail-on", "none", "--max-body", "65536")
			runCode, runOut, runErr := cmd("run", "--target", "http://"+addr, "--report-dir", runDir, "--max-body", "65536")
			proxyCode, proxyOut, proxyLog := stop()
			valCode, valOut, valErr := cmd("validate", "--report-dir", validateDir, recording)
			if proxyCode != 0 || valCode == ExitSetup || runCode == ExitSetup {
				t.Fatalf("exit codes: run %d, proxy %d, validate %d\nrun:\n%s%s\nproxy:\n%s%s\nvalidate:\n%s%s", runCode, proxyCode, valCode, runOut, runErr, proxyOut, proxyLog, valOut, valErr)
			}
			// The same exchanges: every request of the run went through the proxy (and the mock's
			// own /_mock/ calls, outside the specs), and every one was recorded and validated.
			var ran int
			if err := json.Unmarshal(mustRead(t, filepath.Join(runDir, report.CoverageFile)), new(any)); err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(proxyLog, "\n") {
				if strings.Contains(line, " /org/") || strings.Contains(line, " /apiops/") {
					ran++
				}
			}
			recorded := strings.Count(string(mustRead(t, recording)), "\n")
			if !strings.Contains(valOut, fmt.Sprintf("(jsonl): %d exchange(s)", recorded)) || ran+2 != recorded || ran < 40 {
				t.Errorf("the proxy logged %d API exchanges (+2 of the mock's own: the probe and the reset), recorded %d; validate says:\n%s", ran, recorded, valOut)
			}
			// The proxy and validate see the same exchanges: the same findings, request checks
			// included.
			all := func(string) bool { return true }
			if p, v := findings(t, proxyDir, all), findings(t, validateDir, all); strings.Join(p, "\n") != strings.Join(v, "\n") {
				t.Errorf("the proxy and validate disagree:\nproxy:\n%s\nvalidate:\n%s", strings.Join(p, "\n"), strings.Join(v, "\n"))
			}
			// Their response findings are the run's (the run's scenario checks aside; the
			// proxy's cap gives a warning where the run's gives an error, and a hang-up is a 502
			// from the proxy to the run).
			responses := func(c string) bool { s := scopeOf(c); return s == runner.ScopeContract || s == runner.ScopeDrift }
			r, v := findings(t, runDir, responses), findings(t, validateDir, responses)
			if fault != "hang-up" && strings.Join(r, "\n") != strings.Join(v, "\n") {
				t.Errorf("the run and validate disagree on the responses:\nrun:\n%s\nvalidate:\n%s", strings.Join(r, "\n"), strings.Join(v, "\n"))
			}
			if fault == "" {
				if len(r) != 0 || runCode != 0 || valCode != 1 && len(findings(t, validateDir, func(c string) bool { return scopeOf(c) != runner.ScopeRequest })) != 0 {
					t.Errorf("no fault: run exit %d, findings %v", runCode, r)
				}
				for _, f := range findings(t, validateDir, all) {
					if !strings.HasPrefix(f, "request-") {
						t.Errorf("no fault, yet validate found %s", f)
					}
				}
				return
			}
			want := ""
			for _, f := range mock.Faults() {
				if f.ID == fault {
					want = f.Check
				}
			}
			for where, dir := range map[string]string{"the run": runDir, "the proxy": proxyDir, "validate": validateDir} {
				if where == "the run" && fault == "hang-up" {
					continue // the run sees the proxy's 502 (status-documented)
				}
				if got := findings(t, dir, func(c string) bool { return c == want }); len(got) == 0 {
					t.Errorf("fault %s: %s did not fire in %s", fault, want, where)
				}
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var updateDocs = flag.Bool("update-docs", false, "rewrite the tables in docs/ that tests produce")

// recordSuiteTraffic runs the suite against a plain mock through the proxy and returns the
// recording.
func recordSuiteTraffic(t *testing.T) string {
	t.Helper()
	m, err := mock.New(nil, mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	upstream := httptest.NewServer(m)
	t.Cleanup(upstream.Close)
	dir := t.TempDir()
	recording := filepath.Join(dir, "traffic.jsonl")
	addr, stop := startProxy(t, "--upstream", upstream.URL, "--record", recording, "--report-dir", filepath.Join(dir, "proxy"), "--fail-on", "none")
	if code, out, errOut := cmd("run", "--target", "http://"+addr, "--report-dir", filepath.Join(dir, "run")); code != 0 {
		t.Fatalf("run: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := stop(); code != 0 {
		t.Fatalf("proxy: exit %d\n%s%s", code, out, errOut)
	}
	return recording
}

// TestRevalidateAgainstVendorRevisions: the traffic of the suite's run against the mock, recorded
// through the proxy, validated against every real revision of Confluent's org/v2 spec: "would our
// traffic still conform to it?". The table in docs/traffic.md is this test's output
// (-update-docs rewrites it).
func TestRevalidateAgainstVendorRevisions(t *testing.T) {
	revisions, _ := filepath.Glob("../../../shared/vendor-specs/confluent-org-v2/org-v2-*.yaml")
	if len(revisions) == 0 {
		t.Skip("../shared/vendor-specs is absent (a newcomer's clone): the real revisions are not here")
	}
	cleanEnv(t)
	recording := recordSuiteTraffic(t)
	var rows []string
	for _, rev := range append([]string{""}, revisions...) {
		dir := t.TempDir()
		// The scenarios send some wrong requests on purpose: the request checks stay out.
		args := []string{"validate", "--api", "confluent", "--report-dir", dir, "--skip-checks", "request-parameters,request-body,request-security"}
		name := "pinned (embedded)"
		if rev != "" {
			args = append(args, "--spec", rev)
			name = strings.TrimSuffix(filepath.Base(rev), ".yaml")
		}
		code, out, errOut := cmd(append(args, recording)...)
		if code == ExitSetup {
			first, _, _ := strings.Cut(strings.TrimPrefix(errOut, "apiconform validate: "), "\n")
			first = strings.ReplaceAll(first, "../../../shared/vendor-specs/confluent-org-v2/", "")
			if len(first) > 90 {
				first = first[:90] + "..."
			}
			rows = append(rows, fmt.Sprintf("| `%s` | 2 | the spec does not load: %s |", name, strings.ReplaceAll(first, "|", "\\|")))
			continue
		}
		counts := map[string]int{}
		for _, f := range findings(t, dir, func(c string) bool { return !strings.HasPrefix(c, "request-") }) {
			check, _, _ := strings.Cut(f, " ")
			counts[check]++
		}
		var parts []string
		for _, c := range runner.IDs() {
			if n := counts[c]; n > 0 {
				parts = append(parts, fmt.Sprintf("`%s` x%d", c, n))
			}
		}
		if len(parts) == 0 {
			parts = []string{"none"}
		}
		if !strings.Contains(out, "confluent: 30 exchange(s) checked") {
			t.Errorf("%s: not every exchange was checked:\n%s", name, out)
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %d | %s |", name, code, strings.Join(parts, ", ")))
	}
	table := "| revision | exit | findings |\n| --- | --- | --- |\n" + strings.Join(rows, "\n") + "\n"
	syncDocTable(t, "../../docs/traffic.md", "revalidation", table)
}

// syncDocTable compares the part of a doc between <!-- NAME:start --> and <!-- NAME:end --> with
// want, or rewrites it under -update-docs.
func syncDocTable(t *testing.T, path, name, want string) {
	t.Helper()
	data := string(mustRead(t, path))
	start, end := "<!-- "+name+":start -->\n", "<!-- "+name+":end -->"
	i, j := strings.Index(data, start), strings.Index(data, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no %s ... %s markers", path, strings.TrimSpace(start), end)
	}
	got := data[i+len(start) : j]
	if got == want {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(path, []byte(data[:i+len(start)]+want+data[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the %s table is stale (go test ./internal/cli -run %s -update-docs rewrites it):\nhave:\n%s\nwant:\n%s", path, name, t.Name(), got, want)
}

// TestValidateCommand: exit codes and messages of validate on recordings made here.
func TestValidateCommand(t *testing.T) {
	cleanEnv(t)
	recording := recordSuiteTraffic(t)
	data := mustRead(t, recording)
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside.jsonl")
	line := `{"request":{"method":"GET","url":"https://example.com/elsewhere","path":"/elsewhere"},"response":{"status":200,"proto":"HTTP/1.1","header":{}},"started":"2026-12-01T00:00:00Z","duration_ns":1}` + "\n"
	if err := os.WriteFile(outside, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.jsonl")
	lines := strings.SplitAfter(string(data), "\n")
	if err := os.WriteFile(cut, []byte(strings.Join(lines[:10], "")+lines[10][:40]), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string // in stdout+stderr
	}{
		{"the suite's own traffic, request checks aside", []string{"--skip-checks", "request-parameters,request-body,request-security", recording}, 0, "verdict: conformant (exit 0)"},
		{"the request checks catch the wrong requests the scenarios send", []string{recording}, 1, "[request-security]"},
		{"outside the specs is a warning", []string{outside}, 0, "outside the specs: 1 exchange(s) matched no operation (a warning; an error under --strict):"},
		{"and an error under --strict", []string{"--strict", outside}, 1, "1 x GET /elsewhere"},
		{"a cut file: the entries before it are checked", []string{cut}, 2, "cut.jsonl (jsonl): 10 exchange(s) checked before the problem"},
		{"the cut is named with its place", []string{cut}, 2, "cut.jsonl: line 11 (byte "},
		{"a missing file", []string{filepath.Join(dir, "nope.har")}, 2, "nope.har"},
		{"no file", nil, 2, "apiconform validate: give at least one recording"},
		{"--spec without one --api", []string{"--spec", "x.yaml", recording}, 2, "--spec x.yaml is for one API: say which with --api"},
		{"a spec that does not load", []string{"--api", "confluent", "--spec", outside, recording}, 2, "outside.jsonl"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cmd(append([]string{"validate", "--report-dir", t.TempDir()}, tt.args...)...)
			if code != tt.code || !strings.Contains(out+errOut, tt.want) {
				t.Errorf("exit %d (want %d); output lacks %q:\n%s\n%s", code, tt.code, tt.want, out, errOut)
			}
		})
	}
}

// TestProxyFlagsAndExitCodes: the flags a user gets wrong, and --fail-on at shutdown.
func TestProxyFlagsAndExitCodes(t *testing.T) {
	cleanEnv(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "apiconform proxy: --upstream is required"},
		{[]string{"--upstream", "ftp://x"}, `--upstream: target "ftp://x": want an http:// or https:// URL`},
		{[]string{"--upstream", "http://127.0.0.1:1", "--fail-on", "errors"}, `--fail-on "errors": want one of error, warning, none`},
		{[]string{"--upstream", "http://127.0.0.1:1", "--listen", "127.0.0.1:notaport"}, "cannot listen on 127.0.0.1:notaport"},
		{[]string{"--upstream", "http://127.0.0.1:1", "--recrod", "x"}, "unknown flag --recrod; did you mean --record?"},
	} {
		code, out, errOut := cmd(append([]string{"proxy"}, tt.args...)...)
		if code != ExitSetup || !strings.Contains(errOut, tt.want) || out != "" {
			t.Errorf("proxy %v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
	// --fail-on, on a faulty upstream: an error fails under error and warning, not under none.
	m, _ := mock.New(nil, mock.Options{Faults: []string{"error-status-mismatch"}})
	upstream := httptest.NewServer(m)
	defer upstream.Close()
	for level, want := range map[string]int{"error": 1, "warning": 1, "none": 0} {
		addr, stop := startProxy(t, "--upstream", upstream.URL, "--fail-on", level, "--report-dir", t.TempDir())
		resp, err := http.Get("http://" + addr + "/org/v2/environments/env-nope")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if code, out, _ := stop(); code != want || !strings.Contains(out, "[error-status-match]") {
			t.Errorf("--fail-on %s: exit %d, want %d\n%s", level, code, want, out)
		}
	}
}
