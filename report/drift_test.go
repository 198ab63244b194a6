package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/run"
)

func TestDriftMarkdownSections(t *testing.T) {
	obs := []run.DriftObservation{{Check: "drift-status", Operation: "getTopic", Status: 418, Message: "418 is not described", Count: 3, ExampleRequestID: "req-9"}}
	tests := []struct {
		name      string
		api       run.APIResult
		want      []string
		forbidden []string
	}{
		{"no response is not no drift", run.APIResult{API: "confluent"},
			[]string{"## confluent\n\nNo responses: nothing to compare.\n"}, []string{"No drift observed", "| check |"}},
		{"responses and no drift", run.APIResult{API: "confluent", Responses: 12},
			[]string{"## confluent\n\nNo drift observed in 12 responses.\n"}, []string{"No responses", "| check |"}},
		{"one response, no drift", run.APIResult{API: "confluent", Responses: 1},
			[]string{"No drift observed in 1 response.\n"}, nil},
		{"drift", run.APIResult{API: "confluent", Responses: 7, Drift: run.Drift{Observations: obs}},
			[]string{
				"1 observation in 7 responses the pinned spec does not describe",
				"| check | operation | status | where | observed | count | example request |\n| --- | --- | --- | --- | --- | --- | --- |\n",
				"| `drift-status` | `getTopic` | 418 |   | `418 is not described` | 3 | `req-9` |\n",
			}, []string{"No drift observed", "No responses"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDriftMarkdown(&buf, &run.Result{APIs: []run.APIResult{tc.api}}); err != nil {
				t.Fatal(err)
			}
			md := buf.String()
			if !strings.HasPrefix(md, "# Live drift: what the server did that the pinned spec does not describe\n") {
				t.Errorf("drift.md does not start with its title:\n%s", md)
			}
			for _, s := range tc.want {
				if !strings.Contains(md, s) {
					t.Errorf("drift.md lacks %q:\n%s", s, md)
				}
			}
			for _, s := range tc.forbidden {
				if strings.Contains(md, s) {
					t.Errorf("drift.md says %q:\n%s", s, md)
				}
			}
		})
	}
}

func TestMarkdownTableCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", " "},
		{"plain", "`plain`"},
		{"a|b", "`a\\|b`"},
		{"use `x`", "`use 'x'`"},
		{"two\nlines\r\nand\rmore", "`two lines and more`"},
		{"tab\there", "`tab here`"},
		{"esc\x1b[0m nul\x00 del\x7f", "`esc\\x1b[0m nul\\x00 del\\x7f`"},
		{"bad \xff utf8", "`bad \uFFFD utf8`"},
	}
	for _, tc := range tests {
		if got := mdTableCell(tc.in); got != tc.want {
			t.Errorf("mdTableCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// A hostile row stays one row of seven cells.
	var buf bytes.Buffer
	if err := WriteDriftMarkdown(&buf, hostileRunResult()); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if !strings.HasPrefix(line, "| `drift-property`") {
			continue
		}
		unescaped := strings.Count(strings.ReplaceAll(line, "\\|", ""), "|")
		if unescaped != 8 {
			t.Errorf("the row has %d cell borders, want 8: %q", unescaped, line)
		}
		return
	}
	t.Errorf("no drift row in:\n%s", buf.String())
}

func TestDriftJSON(t *testing.T) {
	tests := []struct {
		name string
		r    *run.Result
		want string
	}{
		{"nil result", nil, "{}\n"},
		{"no API", noAPIRunResult(), "{}\n"},
		{"no response: observations is [], not null", noResponseRunResult(),
			`{"confluent":{"generated_at":"2026-03-04T05:06:07Z","responses":0,"observations":[]}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDriftJSON(&buf, tc.r); err != nil {
				t.Fatal(err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, buf.Bytes()); err != nil {
				t.Fatalf("drift.json is not JSON: %v", err)
			}
			if got := compact.String(); got != strings.TrimSpace(tc.want) {
				t.Errorf("drift.json = %s, want %s", got, tc.want)
			}
		})
	}
	// generated_at is the run's start in UTC, whatever the zone it was taken in.
	r := sampleRunResult()
	r.Started = r.Started.In(fixedZone())
	if got := Drift(r)["confluent"].GeneratedAt; got != "2026-03-04T05:06:07Z" {
		t.Errorf("generated_at = %q, want the start in UTC", got)
	}
}
