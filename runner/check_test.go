package runner

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

var checkIDPattern = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)

// TestRegistry guards the one table of checks: stable kebab-case IDs, no duplicates, a one-line
// doc, a function, a file of its own, and a test file that exercises it.
func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range All() {
		if !checkIDPattern.MatchString(c.ID) {
			t.Errorf("check ID %q is not kebab-case", c.ID)
		}
		if seen[c.ID] {
			t.Errorf("check ID %q is registered twice", c.ID)
		}
		seen[c.ID] = true
		if c.Doc == "" || strings.Contains(c.Doc, "\n") {
			t.Errorf("check %s needs a one-line doc", c.ID)
		}
		if c.Run == nil {
			t.Errorf("check %s has no function", c.ID)
		}
		if c.Severity != SeverityError && c.Severity != SeverityWarning {
			t.Errorf("check %s has severity %q", c.ID, c.Severity)
		}
		file := "check_" + strings.ReplaceAll(c.ID, "-", "_") + ".go"
		if _, err := os.Stat(file); err != nil {
			t.Errorf("check %s should live in %s: %v", c.ID, file, err)
		}
	}
	for _, id := range []string{"status-documented", "status-expected", "content-type", "body-schema", "header-schema",
		"header-present", "error-status-match", "ratelimit-semantics", "request-id-unique"} {
		if !seen[id] {
			t.Errorf("required check %s is not registered", id)
		}
	}
}

// TestEveryCheckIsTested fails when a check's ID appears in no test file other than this one.
func TestEveryCheckIsTested(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var tests strings.Builder
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "_test.go") && e.Name() != "check_test.go" {
			b, _ := os.ReadFile(e.Name())
			tests.Write(b)
		}
	}
	for _, c := range All() {
		if !strings.Contains(tests.String(), `"`+c.ID+`"`) {
			t.Errorf("check %s is exercised by no test", c.ID)
		}
	}
}

func TestSelect(t *testing.T) {
	tests := []struct {
		name             string
		enable, disable  []string
		wantIDs, wantErr string
	}{
		{name: "all by default", wantIDs: strings.Join(IDs(), ",")},
		{name: "enable two", enable: []string{"body-schema", "status-documented"}, wantIDs: "status-documented,body-schema"},
		{name: "disable one", enable: []string{"body-schema", "header-present"}, disable: []string{"header-present"}, wantIDs: "body-schema"},
		{name: "unknown ID", disable: []string{"body-shema"}, wantErr: "unknown check ID(s) body-shema; known: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Select(tt.enable, tt.disable)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("want error %q, got %v", tt.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range got {
				ids = append(ids, c.ID)
			}
			if strings.Join(ids, ",") != tt.wantIDs {
				t.Errorf("got %v, want %s", ids, tt.wantIDs)
			}
		})
	}
}
