package run

import (
	"strconv"

	"github.com/apiconform/apiconform/runner"
)

// Coverage says, per operation of an API, which documented statuses and headers the run's
// responses exercised, and which undocumented statuses came back.
type Coverage struct {
	Operations []OperationCoverage `json:"operations"`
}

// OperationCoverage is the coverage of one operation.
type OperationCoverage struct {
	Operation string           `json:"operation"`
	Method    string           `json:"method"`
	Path      string           `json:"path"`
	Statuses  []StatusCoverage `json:"statuses"`
	// Undocumented lists statuses seen that the spec does not document.
	Undocumented []int `json:"undocumented,omitempty"`
}

// StatusCoverage is the coverage of one documented response (a key such as "404", "4XX",
// "default").
type StatusCoverage struct {
	Status         string   `json:"status"`
	Exercised      int      `json:"exercised"`
	HeadersSeen    []string `json:"headers_seen,omitempty"`
	HeadersMissing []string `json:"headers_not_seen,omitempty"`
}

// Exercised returns how many of the operation's documented statuses were exercised.
func (o OperationCoverage) Exercised() int {
	n := 0
	for _, st := range o.Statuses {
		if st.Exercised > 0 {
			n++
		}
	}
	return n
}

// documentedKey returns the response key documenting status for op ("404", "4XX", "default").
func documentedKey(op *runner.Operation, status int) string {
	st := strconv.Itoa(status)
	keys := op.DocumentedStatuses()
	for _, want := range []string{st, st[:1] + "XX", "default"} {
		for _, k := range keys {
			if k == want {
				return k
			}
		}
	}
	return ""
}
