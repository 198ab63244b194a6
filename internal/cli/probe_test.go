package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// probeCmd runs `apiconform probe` with args and a fresh report dir.
func probeCmd(t *testing.T, args ...string) (int, string, string, string) {
	t.Helper()
	cleanEnv(t)
	dir := t.TempDir()
	code, out, errOut := cmd(append([]string{"probe", "--report-dir", dir, "--no-color"}, args...)...)
	return code, out, errOut, dir
}

// An operation the embedded mock gets right: one line for it and one for its path, no finding,
// exit 0, the seed printed, every report written with a testcase per operation and check.
func TestProbeConformantOperation(t *testing.T) {
	code, out, errOut, dir := probeCmd(t, "--api", "apinizer", "--operation", "deployApiProxy", "--max-examples", "30", "--seed", "5")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q\n%s", code, errOut, out)
	}
	for _, want := range []string{
		"probe: seed 5 (replay with --seed 5), 30 examples per family, budget 5m0s",
		"ok      apinizer deployApiProxy: 90 requests (valid, path-params, credentials)",
		"ok      apinizer /apiops/projects/{projectName}/apiProxies/{apiProxyName}/environments/{environmentName}/: 30 requests (unsupported-method)",
		"verdict: conformant (exit 0)",
		"reports: " + dir,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	junit, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`name="probe deployApiProxy: server-error"`, `name="probe deployApiProxy: auth-enforced"`,
		`name="probe deployApiProxy: body-schema"`, `unsupported-method"`} {
		if !strings.Contains(string(junit), want) {
			t.Errorf("junit.xml lacks %s", want)
		}
	}
}

// A mock fault: the finding in full with its curl command and the seed, exit 1.
func TestProbeFindsAFault(t *testing.T) {
	code, out, errOut, dir := probeCmd(t, "--api", "confluent", "--operation", "getOrgV2Environment", "--max-examples", "50",
		"--seed", "9", "--mock-fault", "put-environment-accepted")
	if code != ExitViolations || errOut != "" {
		t.Fatalf("exit %d, stderr %q\n%s", code, errOut, out)
	}
	for _, want := range []string{
		"FAIL    confluent /org/v2/environments/{id}: ",
		"FAILED confluent probe /org/v2/environments/{id}: unsupported-method (unsupported-method, PUT)",
		"curl -i -X PUT 'http://127.0.0.1:",
		`-u "$CONFLUENT_CLOUD_API_KEY:$CONFLUENT_CLOUD_API_SECRET"`,
		"seed 9: replay with apiconform probe --api confluent --operation getOrgV2Environment --seed 9",
		"verdict: the target broke the contract",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "demo-secret") {
		t.Error("a credential in the output")
	}
	violations, err := os.ReadFile(filepath.Join(dir, "violations.json"))
	if err != nil || !strings.Contains(string(violations), `"unsupported-method"`) {
		t.Errorf("violations.json: %v\n%s", err, violations)
	}
}

// Flag and option mistakes exit 2 with one line.
func TestProbeUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-examples", "0"}, "--max-examples 0: must be positive"},
		{[]string{"--budget", "-1s"}, "--budget -1s: must not be negative"},
		{[]string{"--api", "nope"}, `--api "nope"`},
		{[]string{"--operation", "noSuchOperation"}, "--operation noSuchOperation: no such operation"},
		{[]string{"--max-exampels", "3"}, "did you mean --max-examples?"},
	} {
		code, out, errOut, _ := probeCmd(t, c.args...)
		if code != ExitSetup || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q\n%s", c.args, code, errOut, c.want, out)
		}
	}
	if code, out, _, _ := probeCmd(t, "-h"); code != ExitOK || !strings.Contains(out, "-max-examples N") {
		t.Errorf("-h: exit %d\n%s", code, out)
	}
}
