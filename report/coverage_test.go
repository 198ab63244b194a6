package report

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/apiconform/apiconform/run"
)

func fixedZone() *time.Location { return time.FixedZone("UTC+3", 3*60*60) }

func TestCoverageJSON(t *testing.T) {
	tests := []struct {
		name string
		r    *run.Result
		want string
	}{
		{"nil result", nil, `{}`},
		{"no API", noAPIRunResult(), `{}`},
		{"no response: operations is [], not null", noResponseRunResult(), `{"confluent":{"responses":0,"operations":[]}}`},
		{"one operation", &run.Result{APIs: []run.APIResult{{API: "a", Responses: 2, Coverage: run.Coverage{Operations: []run.OperationCoverage{
			{Operation: "op", Method: "GET", Path: "/x", Statuses: []run.StatusCoverage{{Status: "200", Exercised: 2, HeadersSeen: []string{"X-Request-Id"}}},
				Undocumented: []int{418}}}}}}},
			`{"a":{"responses":2,"operations":[{"operation":"op","method":"GET","path":"/x","statuses":[{"status":"200","exercised":2,"headers_seen":["X-Request-Id"]}],"undocumented":[418]}]}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCoverage(&buf, tc.r); err != nil {
				t.Fatal(err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, buf.Bytes()); err != nil {
				t.Fatalf("coverage.json is not JSON: %v", err)
			}
			if got := compact.String(); got != tc.want {
				t.Errorf("coverage.json = %s\nwant            %s", got, tc.want)
			}
		})
	}
}

// TestCoverageTextNamesEachOperationOnce: an operation is named by its ID, method and path; one
// the spec gives no ID (its ID is its method and path) is not named twice over.
func TestCoverageTextNamesEachOperationOnce(t *testing.T) {
	ops := []run.OperationCoverage{
		{Operation: "getThing", Method: "GET", Path: "/things/{id}", Statuses: []run.StatusCoverage{{Status: "200", Exercised: 1}}},
		{Operation: "DELETE /things/{id}", Method: "DELETE", Path: "/things/{id}", Statuses: []run.StatusCoverage{{Status: "204"}}},
	}
	var buf bytes.Buffer
	CoverageText(&buf, run.APIResult{API: "things", Responses: 1, Coverage: run.Coverage{Operations: ops}})
	for _, want := range []string{"  getThing GET /things/{id}: 1/1 statuses\n", "  DELETE /things/{id}: 0/1 statuses\n"} {
		if !bytes.Contains(buf.Bytes(), []byte(want)) {
			t.Errorf("coverage lacks %q:\n%s", want, buf.String())
		}
	}
}
