package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/runner"
)

func cmd(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		want     string
	}{
		{nil, ExitSetup, "usage: apiconform"},
		{[]string{"--help"}, ExitOK, "commands:"},
		{[]string{"frobnicate"}, ExitSetup, `unknown command "frobnicate"`},
	}
	for _, tt := range tests {
		code, out, errOut := cmd(tt.args...)
		if code != tt.wantCode || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("Run(%v) = %d, %q %q; want %d and %q", tt.args, code, out, errOut, tt.wantCode, tt.want)
		}
	}
}

func TestChecksListsEveryCheck(t *testing.T) {
	code, out, _ := cmd("checks")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, id := range runner.IDs() {
		if !strings.Contains(out, id) {
			t.Errorf("checks output lacks %s", id)
		}
	}
	code, out, _ = cmd("checks", "--json")
	var rows []map[string]string
	if code != ExitOK || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != len(runner.IDs()) {
		t.Errorf("checks --json: exit %d, output %q", code, out)
	}
	if code, _, _ := cmd("checks", "--bogus"); code != ExitSetup {
		t.Errorf("bad flag: exit %d, want %d", code, ExitSetup)
	}
}
