package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/report"
	"github.com/apiconform/apiconform/run"
)

// cleanEnv empties every variable that would point a run at another target or give it other
// credentials, so that it runs against the embedded mock as a newcomer's would.
func cleanEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"APICONFORM_TARGET", "APICONFORM_CONFLUENT_TARGET", "APICONFORM_APINIZER_TARGET",
		"CONFLUENT_CLOUD_API_KEY", "CONFLUENT_CLOUD_API_SECRET", "CONFLUENT_STS_TOKEN", "APINIZER_TOKEN", "NO_COLOR",
		"APICONFORM_VAR_project"} {
		t.Setenv(k, "")
	}
}

// runCmd runs `apiconform run` with args and a fresh report dir; it returns the exit code, the
// outputs and the report dir.
func runCmd(t *testing.T, args ...string) (int, string, string, string) {
	t.Helper()
	dir := t.TempDir()
	code, out, errOut := cmd(append([]string{"run", "--report-dir", dir}, args...)...)
	return code, out, errOut, dir
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// TestRunOnTheEmbeddedMock: a newcomer's `apiconform run`: every scenario of both APIs passes, the
// verdict says so, every report is written, and the last line says where.
func TestRunOnTheEmbeddedMock(t *testing.T) {
	cleanEnv(t)
	code, out, errOut, dir := runCmd(t)
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q\n%s", code, errOut, out)
	}
	for _, want := range []string{
		"apiconform confluent: target http://127.0.0.1:", "(embedded mock)",
		"PASS    confluent: delete an environment with a cloud API key",
		"PASS    apinizer: undeploy with no body uses the defaults",
		"confluent: 23 passed, 0 failed, 0 not run, 0 skipped", "apinizer: 18 passed, 0 failed, 0 not run, 0 skipped",
		"Live drift (confluent): none: all 30 response(s) stayed within the pinned spec",
		"verdict: conformant (exit 0)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if want := "reports: " + dir + " (violations.json, junit.xml, coverage.json, drift.json, drift.md, report.html, summary.md)"; lastLine(out) != want {
		t.Errorf("last line %q, want %q", lastLine(out), want)
	}
	for _, f := range report.Files {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("report %s: %v", f, err)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes in output that is not a terminal")
	}
}

// TestRunExitCodes: 0 conformant, 1 the target broke the contract (or drift under --strict), 2 the
// tool could not do its job. A usage error is one line on stderr, with no help dump and no Go or
// Gomega struct text.
func TestRunExitCodes(t *testing.T) {
	cleanEnv(t)
	badScenarios := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(badScenarios, []byte("api: confluent\nscenarios:\n  - name: unknown operation\n    operation: deleteEnvironment\n    credentials: none\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		// want is in the output (stdout for 0 and 1, stderr for 2); for 2 the stderr is one line.
		want string
	}{
		{"conformant", []string{"--api", "apinizer"}, nil, 0, "verdict: conformant (exit 0)"},
		{"a fault", []string{"--mock-fault", "error-status-mismatch"}, nil, 1, "verdict: the target broke the contract"},
		{"drift is a warning", []string{"--mock-fault", "ratelimit-headers-on-errors"}, nil, 0, "observation(s) the pinned spec does not describe (warnings; --strict fails on them)"},
		{"drift under --strict", []string{"--mock-fault", "ratelimit-headers-on-errors", "--strict"}, nil, 1, "[drift-header]"},
		{"mistyped flag", []string{"--strcit"}, nil, 2, "apiconform run: unknown flag --strcit; did you mean --strict? (`apiconform run -h` lists the flags)"},
		{"bad duration", []string{"--request-timeout", "soon"}, nil, 2, `apiconform run: --request-timeout "soon": not a duration`},
		{"bad number", []string{"--max-retries", "many"}, nil, 2, `--max-retries "many": not a whole number`},
		{"bad format", []string{"--format", "xml"}, nil, 2, `--format "xml": want one of text, json`},
		{"unknown API", []string{"--api", "kafka"}, nil, 2, `--api "kafka": want one of apinizer, confluent`},
		{"positional argument", []string{"confluent"}, nil, 2, `unexpected argument "confluent"`},
		{"unknown check", []string{"--checks", "body-shema"}, nil, 2, "unknown check ID(s) body-shema"},
		{"label filter selecting nothing", []string{"--labels", "destrucive"}, nil, 2, `--labels "destrucive" selects no scenario; the labels are: apinizer, auth, confluent`},
		{"label syntax", []string{"--labels", "auth &&"}, nil, 2, `--labels "auth &&": Unexpected EOF.`},
		{"bad target URL", []string{"--target", "api.example.com"}, nil, 2, `--target: target "api.example.com": want an http:// or https:// URL`},
		{"bad target variable", nil, map[string]string{"APICONFORM_CONFLUENT_TARGET": "ftp://x"}, 2, "APICONFORM_CONFLUENT_TARGET: target"},
		{"half-set credentials", nil, map[string]string{"CONFLUENT_CLOUD_API_KEY": "KEY-1234"}, 2, "CONFLUENT_CLOUD_API_KEY set but CONFLUENT_CLOUD_API_SECRET not: set both, or neither"},
		{"bad CA file", []string{"--ca-cert", "/nonexistent/ca.pem"}, nil, 2, "--ca-cert /nonexistent/ca.pem"},
		{"unknown fault", []string{"--mock-fault", "no-such-fault"}, nil, 2, "--mock-fault: unknown fault ID(s) no-such-fault"},
		{"bad scenario file", []string{"--scenarios", badScenarios}, nil, 2, badScenarios + `:3: scenario "unknown operation" step 1: unknown operation ID "deleteEnvironment"`},
		{"unreachable target", []string{"--target", "http://127.0.0.1:1", "--api", "apinizer", "--labels", "auth"}, nil, 2, "verdict: the tool could not run: no response arrived from the target: the target refused the connection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, out, errOut, _ := runCmd(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			where := out
			if code == 2 && !strings.HasPrefix(tt.name, "unreachable") {
				where = errOut
				if lines := strings.Count(strings.TrimRight(errOut, "\n"), "\n") + 1; lines != 1 || out != "" {
					t.Errorf("a usage error takes one line on stderr and nothing on stdout; got %d line(s):\n%s\nstdout:\n%s", lines, errOut, out)
				}
			}
			if !strings.Contains(where, tt.want) {
				t.Errorf("output lacks %q:\nstdout:\n%s\nstderr:\n%s", tt.want, out, errOut)
			}
			for _, junk := range []string{"0x", "<*", "Usage of", "-test.", "-ginkgo."} {
				if strings.Contains(out+errOut, junk) {
					t.Errorf("output holds %q:\n%s%s", junk, out, errOut)
				}
			}
		})
	}
}

// TestRunHelp: -h prints the flags on stdout and exits 0.
func TestRunHelp(t *testing.T) {
	code, out, errOut := cmd("run", "-h")
	if code != ExitOK || errOut != "" || !strings.Contains(out, "-allow-destructive") || !strings.Contains(out, "Exit codes: 0 conformant") {
		t.Errorf("run -h: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestSecretsNeverLeak runs failing scenarios with known credentials and looks for them in every
// output and every report.
func TestSecretsNeverLeak(t *testing.T) {
	cleanEnv(t)
	secrets := map[string]string{
		"CONFLUENT_CLOUD_API_KEY": "KEY-CANARY-4f1c9a", "CONFLUENT_CLOUD_API_SECRET": "SECRET-CANARY-77e2b0",
		"CONFLUENT_STS_TOKEN": "STS-CANARY-a8d3", "APINIZER_TOKEN": "TOKEN-CANARY-91be",
	}
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	for _, format := range []string{"text", "json"} {
		code, out, errOut, dir := runCmd(t, "--format", format)
		if code != 1 {
			t.Fatalf("the mock does not know these credentials: the run must fail; exit %d\n%s", code, errOut)
		}
		outputs := map[string]string{"stdout": out, "stderr": errOut}
		for _, f := range report.Files {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			outputs[f] = string(b)
		}
		if !strings.Contains(outputs["violations.json"], `"check": "status-expected"`) {
			t.Errorf("want failing scenarios in violations.json")
		}
		for where, content := range outputs {
			for name, secret := range secrets {
				if strings.Contains(content, secret) {
					t.Errorf("%s (%s) shows %s", where, format, name)
				}
			}
		}
	}
}

// TestDryRunAgainstANonLoopbackTarget: nothing is sent; the scenarios with a mutating request are
// listed as skipped before anything else, with the flag that allows them; the others print
// their requests with credentials redacted.
func TestDryRunAgainstANonLoopbackTarget(t *testing.T) {
	cleanEnv(t)
	t.Setenv("CONFLUENT_CLOUD_API_KEY", "KEY-CANARY-dry1")
	t.Setenv("CONFLUENT_CLOUD_API_SECRET", "SECRET-CANARY-dry")
	code, out, errOut, _ := runCmd(t, "--target", "https://api.confluent.cloud", "--dry-run", "--api", "confluent")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	banner, _, _ := strings.Cut(out, "NOT RUN")
	for _, want := range []string{
		"skipped before sending anything (",
		"confluent: delete an environment with a cloud API key: sends DELETE /org/v2/environments/{id} to api.confluent.cloud, which is not loopback; pass --allow-destructive to send it",
		"confluent: a create without credentials is a 401: sends POST /org/v2/environments to api.confluent.cloud",
	} {
		if !strings.Contains(banner, want) {
			t.Errorf("the banner lacks %q:\n%s", want, banner)
		}
	}
	for _, want := range []string{"GET https://api.confluent.cloud/org/v2/environments/env-demo3", "Authorization: Basic [REDACTED]", "verdict: dry run: nothing was sent (exit 0)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "SECRET-CANARY-dry") || strings.Contains(out, "DELETE https://") {
		t.Errorf("the dry run shows a secret or a DELETE it may not send:\n%s", out)
	}
	_, out, _, _ = runCmd(t, "--target", "https://api.confluent.cloud", "--dry-run", "--allow-destructive", "--api", "confluent")
	if !strings.Contains(out, "DELETE https://api.confluent.cloud/org/v2/environments/env-demo2") {
		t.Errorf("with --allow-destructive the dry run shows every request:\n%s", out)
	}
}

// TestInsecureRunSaysSo: --insecure is only ever a choice the run announces.
func TestInsecureRunSaysSo(t *testing.T) {
	cleanEnv(t)
	_, out, _, _ := runCmd(t, "--insecure", "--labels", "auth")
	if !strings.Contains(out, "INSECURE: TLS certificates are not verified") {
		t.Errorf("the run does not say it is insecure:\n%s", out)
	}
	_, out, _, _ = runCmd(t, "--labels", "auth")
	if strings.Contains(out, "INSECURE") {
		t.Errorf("a run without --insecure says INSECURE:\n%s", out)
	}
}

// TestContractOnlyAgainstARefusingTarget: a target that answers every create with a documented
// 400 breaks no contract: --contract-only passes (exit 0) and lists the scenarios not run.
func TestContractOnlyAgainstARefusingTarget(t *testing.T) {
	cleanEnv(t)
	m, err := mock.New(nil, mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/org/v2/environments" {
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(`{"display_name": `)), -1
		}
		m.ServeHTTP(w, r)
	}))
	defer srv.Close()
	code, out, errOut, _ := runCmd(t, "--target", srv.URL, "--contract-only")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"not run (2):",
		"  - confluent: create and delete with a global API key: step 1 (createOrgV2Environment): answered 400, not the 201 the next steps need",
		"confluent: 21 passed, 0 failed, 2 not run, 0 skipped",
		"verdict: conformant (exit 0)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestTwoRunsAgainstOneStandaloneMock: `apiconform mock` in one place, `apiconform run` twice
// against it, with README's curl example (which uses up env-demo1) in between: both pass.
func TestTwoRunsAgainstOneStandaloneMock(t *testing.T) {
	cleanEnv(t)
	base, stop := startMock(t)
	defer stop()
	for i := range 2 {
		code, out, errOut, _ := runCmd(t, "--target", base)
		if code != 0 {
			t.Fatalf("run %d: exit %d\n%s\n%s", i+1, code, out, errOut)
		}
		if !strings.Contains(out, "is apiconform's mock: its state was reset") {
			t.Errorf("run %d does not say it reset the mock:\n%s", i+1, out)
		}
		// The run used up demo state (env-demo1 is deleted); the next run passes all the same.
		if status, _, _ := httpDo(t, "GET", base+"/org/v2/environments/env-demo1", "Basic ZGVtby1rZXk6ZGVtby1zZWNyZXQ="); status != 404 {
			t.Fatalf("after run %d, env-demo1 answers %d: the run did not use up demo state, the test proves nothing", i+1, status)
		}
	}
}

// TestOneAPIByLabelOrFlag: a label filter that selects nothing of one API does not fail that API;
// --api and --scenarios run one API (a scenario file applies to the API it names).
func TestOneAPIByLabelOrFlag(t *testing.T) {
	cleanEnv(t)
	code, out, _, _ := runCmd(t, "--labels", "auth && confluent")
	if code != 0 || !strings.Contains(out, "apinizer: no scenario selected") || strings.Contains(out, "API coverage (apinizer)") {
		t.Errorf("--labels 'auth && confluent': exit %d\n%s", code, out)
	}
	mine := filepath.Join(t.TempDir(), "my-confluent.yaml")
	if err := os.WriteFile(mine, []byte(`api: confluent
credentials:
  key: {scheme: cloud-api-key, username: {env: CONFLUENT_CLOUD_API_KEY, demo: demo-key}, password: {env: CONFLUENT_CLOUD_API_SECRET, demo: demo-secret}}
scenarios:
  - name: my read
    operation: getOrgV2Environment
    params: {id: env-demo3}
    credentials: key
    expect: {status: 200}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _, _ = runCmd(t, "--scenarios", mine)
	if code != 0 || !strings.Contains(out, "confluent: 1 passed") || !strings.Contains(out, "apinizer: 18 passed") {
		t.Errorf("--scenarios my-confluent.yaml: exit %d\n%s", code, out)
	}
	code, _, errOut, _ := runCmd(t, "--scenarios", mine, "--api", "apinizer")
	if code != 2 || !strings.Contains(errOut, "is for api confluent, which this run does not select (--api apinizer)") {
		t.Errorf("a file for an API not selected: exit %d %s", code, errOut)
	}
	code, out, _, _ = runCmd(t, "--api", "confluent")
	if code != 0 || strings.Contains(out, "apinizer") {
		t.Errorf("--api confluent: exit %d\n%s", code, out)
	}
}

// TestJSONFormat: --format json writes the whole Result on stdout, parseable, and the progress on
// stderr.
func TestJSONFormat(t *testing.T) {
	cleanEnv(t)
	code, out, errOut, dir := runCmd(t, "--format", "json", "--api", "apinizer")
	var res run.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 {
		t.Fatalf("exit %d, stdout is not a Result (%v):\n%s", code, err, out)
	}
	if res.Verdict != run.Conformant || len(res.APIs) != 1 || res.APIs[0].Counts.Passed != 18 {
		t.Errorf("result: %s, %d API(s)", res.Verdict, len(res.APIs))
	}
	if !strings.Contains(errOut, "PASS    apinizer:") || lastLine(errOut) != "reports: "+dir+" (violations.json, junit.xml, coverage.json, drift.json, drift.md, report.html, summary.md)" {
		t.Errorf("stderr:\n%s", errOut)
	}
}

// TestReportDirHoldsOnlyThisRun: a dry run after a real one leaves none of the real run's
// findings in the report dir; a foreign file stays.
func TestReportDirHoldsOnlyThisRun(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()
	if code, _, _ := cmd("run", "--report-dir", dir, "--mock-fault", "error-status-mismatch"); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := cmd("run", "--report-dir", dir, "--dry-run"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "violations.json"))
	if strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("violations.json after a dry run: %s", b)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	want := append(append([]string(nil), report.Files...), "notes.txt")
	sort.Strings(want)
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("report dir holds %v, want %v", names, want)
	}
}

// TestVersion: `apiconform version` prints the module version from the build info.
func TestVersion(t *testing.T) {
	code, out, _ := cmd("version")
	if code != 0 || !regexp.MustCompile(`^apiconform \S+.* \(go1\.\d+`).MatchString(out) {
		t.Errorf("version: exit %d, %q", code, out)
	}
}
