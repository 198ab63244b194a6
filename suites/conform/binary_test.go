package conform_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// These tests run the compiled Confluent suite binary the way `make conform` does, and read
// everything it writes. They talk only to the embedded mock on loopback, or (dry run) to nothing.

var (
	buildOnce sync.Once
	suiteBin  string
	buildErr  error
)

// suiteBinary compiles suites/confluent once per test run.
func suiteBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the suite binary; skipped in -short mode")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "apiconform-suite")
		if err != nil {
			buildErr = err
			return
		}
		suiteBin = filepath.Join(dir, "confluent.test")
		out, err := exec.Command(goTool(), "test", "-c", "-o", suiteBin, "../confluent").CombinedOutput()
		if err != nil {
			buildErr = err
			suiteBin = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("go test -c ../confluent: %v\n%s", buildErr, suiteBin)
	}
	return suiteBin
}

func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

type run struct {
	stdout, stderr string
	exit           int
	reports        map[string]string // file name -> content, everything under the report dir
}

func runSuite(t *testing.T, env []string, args ...string) run {
	t.Helper()
	bin := suiteBinary(t)
	reports := t.TempDir()
	all := append([]string{
		"-test.v",
		"--ginkgo.junit-report=" + filepath.Join(reports, "junit.xml"),
		"--ginkgo.json-report=" + filepath.Join(reports, "report.json"),
		"--ginkgo.no-color",
		"--report-dir=" + reports,
	}, args...)
	cmd := exec.Command(bin, all...)
	cmd.Dir = "../confluent"
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := run{stdout: stdout.String(), stderr: stderr.String(), reports: map[string]string{}}
	if ee, ok := err.(*exec.ExitError); ok {
		r.exit = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(reports)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(reports, e.Name()))
		r.reports[e.Name()] = string(b)
	}
	return r
}

// TestSecretsNeverLeak runs failing scenarios with known credentials and greps every output and
// every report for them.
func TestSecretsNeverLeak(t *testing.T) {
	secrets := map[string]string{
		"CONFLUENT_CLOUD_API_KEY":    "KEY-CANARY-4f1c9a",
		"CONFLUENT_CLOUD_API_SECRET": "SECRET-CANARY-77e2b0",
		"CONFLUENT_STS_TOKEN":        "STS-CANARY-a8d3",
	}
	var env []string
	for k, v := range secrets {
		env = append(env, k+"="+v)
	}
	r := runSuite(t, env)
	if r.exit == 0 {
		t.Fatalf("the mock does not know these credentials: the run must fail\n%s", r.stdout)
	}
	for _, want := range []string{"junit.xml", "report.json", "drift.json", "drift.md", "coverage.json"} {
		if _, ok := r.reports[want]; !ok {
			t.Errorf("report %s was not written (have %v)", want, keys(r.reports))
		}
	}
	if !strings.Contains(r.stdout, "[status-expected]") || !strings.Contains(r.stdout, "[REDACTED]") {
		t.Errorf("want failing scenarios with redacted credentials in the output:\n%s", r.stdout)
	}
	outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	for name, content := range r.reports {
		outputs[name] = content
	}
	for where, content := range outputs {
		for name, secret := range secrets {
			if strings.Contains(content, secret) {
				t.Errorf("%s shows %s", where, name)
			}
		}
	}
}

// TestDryRunAgainstANonLoopbackTarget: nothing is sent; destructive scenarios are skipped with
// the reason; the others print their request with credentials redacted.
func TestDryRunAgainstANonLoopbackTarget(t *testing.T) {
	r := runSuite(t, []string{"CONFLUENT_CLOUD_API_SECRET=SECRET-CANARY-dry"}, "--target=https://api.confluent.cloud", "--dry-run")
	if r.exit != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.exit, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"destructive scenario not sent to api.confluent.cloud, which is not loopback; pass --allow-destructive",
		"step 1 (deleteOrgV2Environment): DELETE https://api.confluent.cloud/org/v2/environments/lkc-not_an_env",
		"Authorization: [REDACTED]",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "SECRET-CANARY-dry") {
		t.Error("the dry run shows the secret")
	}
	if strings.Contains(r.stdout, "DELETE https://api.confluent.cloud/org/v2/environments/env-demo2") {
		t.Error("a destructive scenario was printed as sent without --allow-destructive")
	}
	r = runSuite(t, nil, "--target=https://api.confluent.cloud", "--dry-run", "--allow-destructive")
	if !strings.Contains(r.stdout, "DELETE https://api.confluent.cloud/org/v2/environments/env-demo2") {
		t.Errorf("with --allow-destructive the dry run shows every request:\n%s", r.stdout)
	}
}

// TestBadScenarioConfigurationSendsNothing: a configuration problem fails the run before any
// request, saying what is wrong.
func TestBadConfigurationFailsBeforeSending(t *testing.T) {
	r := runSuite(t, nil, "--checks=body-shema")
	if r.exit == 0 || !strings.Contains(r.stdout, "unknown check ID(s) body-shema") {
		t.Errorf("exit %d, output:\n%s", r.exit, r.stdout)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestBadScenarioFileFailsBeforeSending: an inconsistent scenario file fails the run naming file
// and line, and nothing is sent (the target would refuse any connection anyway).
func TestBadScenarioFileFailsBeforeSending(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte(`api: confluent
scenarios:
  - name: unknown operation
    labels: [errors]
    operation: deleteEnvironment
    credentials: none
  - name: variable never set
    operation: deleteOrgV2Environment
    params: {id: "${env_id}"}
    credentials: none
`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runSuite(t, nil, "--scenarios="+bad, "--target=http://127.0.0.1:1")
	for _, want := range []string{
		bad + `:3: scenario "unknown operation" step 1: unknown operation ID "deleteEnvironment"`,
		bad + `:7: scenario "variable never set" step 1 uses ${env_id}`,
	} {
		if r.exit == 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("exit %d; output lacks %q:\n%s", r.exit, want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "connection-refused") {
		t.Error("a request was sent")
	}
}

// TestInsecureRunSaysSo: --insecure is only ever a choice the run announces.
func TestInsecureRunSaysSo(t *testing.T) {
	r := runSuite(t, nil, "--insecure", "--ginkgo.label-filter=auth")
	if !strings.Contains(r.stdout, "INSECURE: TLS certificates are not verified") {
		t.Errorf("the run does not say it is insecure:\n%s", r.stdout)
	}
	r = runSuite(t, nil, "--ginkgo.label-filter=auth")
	if strings.Contains(r.stdout, "INSECURE") {
		t.Errorf("a run without --insecure says INSECURE:\n%s", r.stdout)
	}
}
