package report

import (
	"io"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// ViolationRecord is one violation as violations.json writes it: the runner.Violation and where
// in the run it happened. docs/reports.md documents every field.
type ViolationRecord struct {
	// API is the API the violation is of.
	API string `json:"api"`
	// Scenario is the scenario whose step got the response; empty for observed traffic
	// (exchanges checked with Session.Check).
	Scenario string `json:"scenario,omitempty"`
	// Check is the ID of the check that found it (e.g. "body-schema").
	Check string `json:"check"`
	// Severity is "error" or "warning".
	Severity runner.Severity `json:"severity"`
	// Operation is the OpenAPI operation ID the response was held to.
	Operation string `json:"operation,omitempty"`
	// Method and Path are the request's.
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	// Status is the response's HTTP status (absent when no response arrived).
	Status int `json:"status,omitempty"`
	// Expected is what the spec or the scenario wanted, Got what came back.
	Expected string `json:"expected,omitempty"`
	Got      string `json:"got,omitempty"`
	// Pointer is the RFC 6901 JSON pointer into the response body where the violation is.
	Pointer string `json:"pointer,omitempty"`
	// Header names the response header the violation is about.
	Header string `json:"header,omitempty"`
	// Spec is the JSON pointer into the spec of what the response was held to.
	Spec string `json:"spec,omitempty"`
	// RequestID is the response's X-Request-Id.
	RequestID string `json:"request_id,omitempty"`
	// Message says what is wrong.
	Message string `json:"message"`
}

// Violations returns every violation of r, API by API: for each API the violations of its
// scenarios (scenario by scenario, step by step) and then those of its observed exchanges. It
// never returns nil.
func Violations(r *run.Result) []ViolationRecord {
	out := []ViolationRecord{}
	if r == nil {
		return out
	}
	for _, a := range r.APIs {
		for _, s := range a.Scenarios {
			for _, v := range s.Violations() {
				out = append(out, newViolationRecord(a.API, s.Name, v))
			}
		}
		if a.Observed != nil {
			for _, v := range a.Observed.Violations {
				out = append(out, newViolationRecord(a.API, "", v))
			}
		}
	}
	return out
}

func newViolationRecord(api, scenario string, v runner.Violation) ViolationRecord {
	return ViolationRecord{
		API:       api,
		Scenario:  scenario,
		Check:     v.Check,
		Severity:  v.Severity,
		Operation: v.OperationID,
		Method:    v.Method,
		Path:      v.Path,
		Status:    v.Status,
		Expected:  v.Expected,
		Got:       v.Actual,
		Pointer:   v.Pointer,
		Header:    v.Header,
		Spec:      v.SpecRef,
		RequestID: v.RequestID,
		Message:   v.Message,
	}
}

// WriteViolations writes violations.json: a JSON array of ViolationRecord in the order of
// Violations; "[]" when the run has none.
func WriteViolations(w io.Writer, r *run.Result) error {
	return encodeReportJSON(w, Violations(r))
}
