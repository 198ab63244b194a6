package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

func TestViolationsJSON(t *testing.T) {
	t.Run("none is an empty array", func(t *testing.T) {
		for _, r := range []*run.Result{nil, noAPIRunResult(), noResponseRunResult()} {
			var buf bytes.Buffer
			if err := WriteViolations(&buf, r); err != nil {
				t.Fatal(err)
			}
			if buf.String() != "[]\n" {
				t.Errorf("violations.json = %q, want []", buf.String())
			}
		}
	})

	var buf bytes.Buffer
	if err := WriteViolations(&buf, sampleRunResult()); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("violations.json is not a JSON array of objects: %v", err)
	}
	// Scenario violations in order, then the observed exchanges'.
	var order []string
	for _, v := range got {
		order = append(order, v["check"].(string)+"@"+str(v["scenario"]))
	}
	wantOrder := []string{"drift-header@create and list topics", "status-expected@delete a topic", "body-schema@delete a topic",
		"drift-property@delete a topic", "status-documented@", "drift-status@"}
	if !slices.Equal(order, wantOrder) {
		t.Fatalf("violations in order %q, want %q", order, wantOrder)
	}
	want := map[string]any{"api": "confluent", "scenario": "delete a topic", "check": "body-schema", "severity": "error",
		"operation": "deleteTopic", "method": "DELETE", "path": "/kafka/v3/clusters/c1/topics/orders", "status": float64(500),
		"expected": "integer", "pointer": "/error_code", "spec": "#/components/schemas/Error", "request_id": "req-3",
		"message": `property "error_code" is required`}
	if !mapsEqual(got[2], want) {
		t.Errorf("violation 3 = %v\nwant            %v", got[2], want)
	}
	if got[1]["got"] != "500" || got[1]["expected"] != "204" {
		t.Errorf("got/expected of status-expected = %v/%v, want 500/204 (got is Violation.Actual)", got[1]["got"], got[1]["expected"])
	}
	if got[0]["header"] != "X-RateLimit-Limit" {
		t.Errorf("header = %v", got[0]["header"])
	}
	if _, ok := got[4]["scenario"]; ok {
		t.Errorf("an observed exchange's violation has a scenario: %v", got[4])
	}

	// check, severity, api and message are always there; the rest only when set.
	empty := &run.Result{APIs: []run.APIResult{{Observed: &run.Observed{Violations: []runner.Violation{{}}}}}}
	buf.Reset()
	if err := WriteViolations(&buf, empty); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(strings.Fields(buf.String()), ""); got != `[{"api":"","check":"","severity":"","message":""}]` {
		t.Errorf("an empty violation renders as %s", got)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func mapsEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
