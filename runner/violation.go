package runner

import (
	"fmt"
	"strings"
)

// Severity says whether a violation fails a run (SeverityError) or is reported only
// (SeverityWarning, unless the run is strict).
type Severity string

// Severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Violation is one way a response broke the contract or the scenario's expectation. Checks
// fill the finding (Message, Expected, Actual, Pointer, Header, SpecRef); the Checker stamps the
// rest (check ID, severity, operation, request).
type Violation struct {
	Check       string   `json:"check"`
	Severity    Severity `json:"severity"`
	OperationID string   `json:"operation_id,omitempty"`
	Method      string   `json:"method,omitempty"`
	Path        string   `json:"path,omitempty"`
	Status      int      `json:"status,omitempty"`
	RequestID   string   `json:"request_id,omitempty"`
	// Pointer is the RFC 6901 JSON pointer into the response body where the violation is, when it
	// is in the body ("" for the whole body).
	Pointer string `json:"pointer,omitempty"`
	// Header names the response header the violation is about, when it is about one.
	Header string `json:"header,omitempty"`
	// SpecRef is the JSON pointer into the spec of what the response was held to.
	SpecRef  string `json:"spec,omitempty"`
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
	Message  string `json:"message"`
}

// String renders the violation on one line:
// "[check] METHOD /path -> status (operation): message; expected X, got Y at POINTER".
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] ", v.Check)
	if v.Severity == SeverityWarning {
		b.WriteString("warning: ")
	}
	if v.Method != "" {
		fmt.Fprintf(&b, "%s %s", v.Method, v.Path)
		if v.Status != 0 {
			fmt.Fprintf(&b, " -> %d", v.Status)
		}
		if v.OperationID != "" {
			fmt.Fprintf(&b, " (%s)", v.OperationID)
		}
		b.WriteString(": ")
	}
	b.WriteString(v.Message)
	if v.Expected != "" || v.Actual != "" {
		fmt.Fprintf(&b, "; expected %s, got %s", orNone(v.Expected), orNone(v.Actual))
	}
	switch {
	case v.Header != "":
		fmt.Fprintf(&b, " at header %s", v.Header)
	case v.Pointer != "":
		fmt.Fprintf(&b, " at %s", v.Pointer)
	}
	if v.SpecRef != "" {
		fmt.Fprintf(&b, " (spec: %s)", v.SpecRef)
	}
	if v.RequestID != "" {
		fmt.Fprintf(&b, " [request %s]", v.RequestID)
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// HasErrors reports whether any violation has SeverityError.
func HasErrors(vs []Violation) bool {
	for _, v := range vs {
		if v.Severity == SeverityError {
			return true
		}
	}
	return false
}
