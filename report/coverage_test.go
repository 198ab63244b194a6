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
