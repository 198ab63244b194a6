package drift

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

var goldenExt = map[Format]string{Text: "txt", JSON: "json", Markdown: "md"}

// TestRenderGolden renders each testdata pair in each format and compares with
// testdata/golden/<pair>.<ext>. Run `go test ./drift -run TestRenderGolden -update` to rewrite them.
func TestRenderGolden(t *testing.T) {
	pairs := []string{"unchanged", "response_status_added", "response_removed", "security_replaced", "operation_removed", "parameter_removed", "allof_composed", "allof_conflict", "uncovered"}
	for _, pair := range pairs {
		base, revision := loadPair(t, pair)
		r, err := Compare(base, revision, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range Formats() {
			t.Run(pair+"/"+string(f), func(t *testing.T) {
				var buf bytes.Buffer
				if err := Render(&buf, r, f); err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join("testdata", "golden", pair+"."+goldenExt[f]), buf.Bytes())
			})
		}
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update if the change is intended):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestRenderJSONRoundTrips(t *testing.T) {
	base, revision := loadPair(t, "security_replaced")
	r, err := Compare(base, revision, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Render(&buf, r, JSON); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Changes) != len(r.Changes) || back.Changes[0] != r.Changes[0] {
		t.Errorf("round trip: %+v", back)
	}
	// An empty report still has a list of changes, not null.
	buf.Reset()
	if err := Render(&buf, &Report{Base: "a", Revision: "b"}, JSON); err != nil || !strings.Contains(buf.String(), `"changes": []`) {
		t.Errorf("empty report: %s %v", buf.String(), err)
	}
}

func TestRenderMarkdownEscapes(t *testing.T) {
	r := &Report{Base: "a|b.yaml", Revision: "c`d.yaml", Changes: []Change{{
		ID: "x", Level: Breaking, Operation: "GET /a|b", Section: "paths",
		Message: "pipe | and\nnewline", BaseLocation: Location{File: "a", Line: 3, Scope: ScopeChange},
		RevisionLocation: Location{File: "b", Scope: ScopeFile},
	}}}
	var buf bytes.Buffer
	if err := Render(&buf, r, Markdown); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"`a\\|b.yaml`", "``c`d.yaml``", "`GET /a\\|b`", "pipe \\| and newline", "| 3 | - |"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"text": Text, "JSON": JSON, "markdown": Markdown, "md": Markdown} {
		if got, err := ParseFormat(in); got != want || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil {
		t.Error("ParseFormat(yaml) gave no error")
	}
	if err := Render(&bytes.Buffer{}, &Report{}, "yaml"); err == nil {
		t.Error("Render with an unknown format gave no error")
	}
	if err := Render(&bytes.Buffer{}, nil, Text); err == nil {
		t.Error("Render of a nil report gave no error")
	}
}
