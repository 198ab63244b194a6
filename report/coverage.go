package report

import (
	"io"

	"github.com/apiconform/apiconform/run"
)

// APICoverage is one API's entry of coverage.json.
type APICoverage struct {
	// Responses counts the responses that arrived; the coverage speaks of them only.
	Responses int `json:"responses"`
	// Operations is the coverage of every operation of the API's spec, in the spec's order;
	// never null.
	Operations []run.OperationCoverage `json:"operations"`
}

// Coverage returns the coverage of every API of r, keyed by API name. It never returns nil.
func Coverage(r *run.Result) map[string]APICoverage {
	out := map[string]APICoverage{}
	if r == nil {
		return out
	}
	for _, a := range r.APIs {
		ops := a.Coverage.Operations
		if ops == nil {
			ops = []run.OperationCoverage{}
		}
		out[a.API] = APICoverage{Responses: a.Responses, Operations: ops}
	}
	return out
}

// WriteCoverage writes coverage.json: a JSON object keyed by API name (sorted), each value an
// APICoverage; "{}" when the run has no API.
func WriteCoverage(w io.Writer, r *run.Result) error {
	return encodeReportJSON(w, Coverage(r))
}
