package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pair returns the paths of a drift/testdata base/revision pair, from this package's folder.
func pair(name string) (string, string) {
	dir := filepath.Join("..", "..", "drift", "testdata")
	return filepath.Join(dir, name+"_base.yaml"), filepath.Join(dir, name+"_revision.yaml")
}

func fixture(name string) string { return filepath.Join("..", "..", "drift", "testdata", name) }

func TestDriftExitCodes(t *testing.T) {
	unchangedB, unchangedR := pair("unchanged")
	removedB, removedR := pair("response_removed")
	addedB, addedR := pair("response_status_added")
	paramB, paramR := pair("parameter_removed")
	uncovB, uncovR := pair("uncovered")
	pinnedFile := filepath.Join("..", "..", "specs", "confluent", "confluent.yaml")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string // in stdout+stderr
	}{
		{"no changes", []string{unchangedB, unchangedR}, ExitOK, "no changes"},
		{"no changes, fail-on info", []string{"--fail-on", "INFO", unchangedB, unchangedR}, ExitOK, "no changes"},
		{"breaking, report only", []string{removedB, removedR}, ExitOK, "response-success-status-removed"},
		{"breaking, fail-on ERR", []string{"--fail-on", "ERR", removedB, removedR}, ExitViolations, "1 change(s) at level breaking or above"},
		{"breaking, fail-on breaking", []string{"--fail-on=breaking", removedB, removedR}, ExitViolations, "response-success-status-removed"},
		{"info only, fail-on ERR", []string{"--fail-on", "ERR", addedB, addedR}, ExitOK, "response-non-success-status-added"},
		{"info only, fail-on info", []string{"--fail-on", "info", addedB, addedR}, ExitViolations, "response-non-success-status-added"},
		{"warning, fail-on WARN", []string{"--fail-on", "WARN", paramB, paramR}, ExitViolations, "request-parameter-removed"},
		{"warning, fail-on warn", []string{"--fail-on", "warn", paramB, paramR}, ExitViolations, "request-parameter-removed"},
		{"warning, fail-on warning", []string{"--fail-on", "Warning", paramB, paramR}, ExitViolations, "request-parameter-removed"},
		{"warning, fail-on ERR", []string{"--fail-on", "ERR", paramB, paramR}, ExitOK, "request-parameter-removed"},
		{"uncovered breaking", []string{"--fail-on", "ERR", uncovB, uncovR}, ExitViolations, "GET /org/v2/organizations"},
		{"uncovered breaking, only covered", []string{"--only-covered", "--fail-on", "ERR", uncovB, uncovR}, ExitOK, "only the operations the suites cover"},
		{"flags after the documents", []string{removedB, removedR, "--format", "markdown", "--fail-on", "ERR"}, ExitViolations, "| **breaking** | `response-success-status-removed` |"},
		{"flags between the documents", []string{removedB, "--fail-on", "ERR", removedR}, ExitViolations, "response-success-status-removed"},
		{"double dash", []string{"--fail-on", "ERR", "--", removedB, removedR}, ExitViolations, "response-success-status-removed"},
		{"pinned against itself", []string{"--pinned", "confluent", pinnedFile, "--fail-on", "INFO"}, ExitOK, "base:     specs/confluent/confluent.yaml"},
		{"help", []string{"-h"}, ExitOK, "usage: apiconform drift"},

		{"bad YAML (revision)", []string{unchangedB, fixture("bad_yaml.yaml")}, ExitSetup, "bad_yaml.yaml:"},
		{"bad YAML (base)", []string{fixture("bad_yaml.yaml"), unchangedR}, ExitSetup, "bad_yaml.yaml:"},
		{"unresolved $ref", []string{unchangedB, fixture("unresolved_ref.yaml")}, ExitSetup, "unresolved_ref.yaml: cannot parse or resolve"},
		{"not OpenAPI", []string{fixture("not_openapi.yaml"), unchangedR}, ExitSetup, "not_openapi.yaml: not an OpenAPI 3 document"},
		{"missing file", []string{unchangedB, fixture("no_such.yaml")}, ExitSetup, "no_such.yaml: cannot read the file"},
		{"bad document, fail-on", []string{"--fail-on", "ERR", unchangedB, fixture("bad_yaml.yaml")}, ExitSetup, "bad_yaml.yaml:"},
		{"bad pinned revision", []string{"--pinned", "confluent", fixture("not_openapi.yaml")}, ExitSetup, "not_openapi.yaml: not an OpenAPI 3 document"},
		{"unknown pinned", []string{"--pinned", "nosuch", unchangedR}, ExitSetup, `no embedded spec named "nosuch" (have apinizer, confluent)`},
		{"pinned with two documents", []string{"--pinned", "confluent", unchangedB, unchangedR}, ExitSetup, "with --pinned, give one document"},
		{"one document", []string{unchangedB}, ExitSetup, "give two documents"},
		{"three documents", []string{unchangedB, unchangedR, unchangedR}, ExitSetup, "give two documents"},
		{"nothing", nil, ExitSetup, "give two documents"},
		{"bad format", []string{"--format", "yaml", unchangedB, unchangedR}, ExitSetup, `unknown format "yaml"`},
		{"bad fail-on", []string{"--fail-on", "fatal", unchangedB, unchangedR}, ExitSetup, `unknown level "fatal"`},
		{"unknown flag", []string{"--frobnicate", unchangedB, unchangedR}, ExitSetup, "apiconform drift: unknown flag --frobnicate"},
		{"flag without its value", []string{unchangedB, unchangedR, "--format"}, ExitSetup, "apiconform drift: --format needs a value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cmd(append([]string{"drift"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(out+errOut, tt.want) {
				t.Errorf("drift %v = %d\nstdout: %s\nstderr: %s\nwant %d and %q", tt.args, code, out, errOut, tt.wantCode, tt.want)
			}
			if code == ExitSetup && out != "" && tt.name != "help" {
				t.Errorf("exit 2 wrote a report to stdout: %s", out)
			}
		})
	}
}

func TestDriftJSON(t *testing.T) {
	b, r := pair("security_replaced")
	code, out, errOut := cmd("drift", b, r, "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var report struct {
		Base    string `json:"base"`
		Changes []struct {
			ID           string `json:"id"`
			Level        string `json:"level"`
			Operation    string `json:"operation"`
			BaseLocation struct {
				File string `json:"file"`
				Line int    `json:"line"`
			} `json:"baseLocation"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if report.Base != b || len(report.Changes) != 6 {
		t.Fatalf("report = %+v", report)
	}
	c := report.Changes[0]
	if c.ID != "api-security-removed" || c.Level != "breaking" || c.Operation != "DELETE /org/v2/environments/{id}" || c.BaseLocation.File != b || c.BaseLocation.Line != 15 {
		t.Errorf("first change = %+v", c)
	}
}

// The everyday use against the real newest Confluent revision: nothing breaks on the operations the
// suites cover (exit 0 with --only-covered), while the whole document has one breaking change,
// the STS scheme the pinned spec models as HTTP bearer (exit 1). Skipped where ../shared is absent.
func TestDriftPinnedAgainstNewestConfluent(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "vendor-specs", "confluent-org-v2")
	newest := filepath.Join(dir, "org-v2-2026-08-05-acbfc6f9.yaml")
	if _, err := os.Stat(newest); err != nil {
		t.Skipf("real-world test skipped: %s is absent (the shared vendor specs are not in this checkout)", newest)
	}
	code, out, errOut := cmd("drift", "--pinned", "confluent", newest, "--only-covered", "--fail-on", "ERR")
	if code != ExitOK || !strings.Contains(out, "0 breaking") {
		t.Errorf("--only-covered: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	code, out, errOut = cmd("drift", "--pinned", "confluent", newest, "--fail-on", "ERR")
	if code != ExitViolations || !strings.Contains(out, "api-security-component-type-changed") || !strings.Contains(errOut, "1 change(s) at level breaking") {
		t.Errorf("whole document: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	code, _, errOut = cmd("drift", filepath.Join(dir, "org-v2-2021-12-01-195264e0.yaml"), newest)
	if code != ExitSetup || !strings.Contains(errOut, "org-v2-2021-12-01-195264e0.yaml:1531: invalid OpenAPI document") || strings.Contains(errOut, "\n ") {
		t.Errorf("invalid 2021-12-01 revision: exit %d, stderr %q", code, errOut)
	}
}
