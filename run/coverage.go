package run

import (
	"sort"
	"strconv"
	"strings"

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

// computeCoverage folds the exchanges' responses into the API's operations.
func computeCoverage(api *runner.API, exchanges []*runner.Exchange) Coverage {
	type key struct{ op, status string }
	counts := map[key]int{}
	headers := map[key]map[string]bool{}
	undocumented := map[string]map[int]bool{}
	for _, ex := range exchanges {
		op := api.Operation(ex.OperationID)
		if op == nil || ex.Response == nil {
			continue
		}
		doc := documentedKey(op, ex.Response.Status)
		if doc == "" {
			if undocumented[op.ID] == nil {
				undocumented[op.ID] = map[int]bool{}
			}
			undocumented[op.ID][ex.Response.Status] = true
			continue
		}
		k := key{op.ID, doc}
		counts[k]++
		if headers[k] == nil {
			headers[k] = map[string]bool{}
		}
		for h := range ex.Response.Header {
			headers[k][strings.ToLower(h)] = true
		}
	}
	var c Coverage
	for _, op := range api.Operations() {
		oc := OperationCoverage{Operation: op.ID, Method: op.Method, Path: op.Path}
		for _, st := range op.DocumentedStatuses() {
			k := key{op.ID, st}
			sc := StatusCoverage{Status: st, Exercised: counts[k]}
			for _, h := range op.DocumentedHeaders(st) {
				if headers[k][strings.ToLower(h)] {
					sc.HeadersSeen = append(sc.HeadersSeen, h)
				} else {
					sc.HeadersMissing = append(sc.HeadersMissing, h)
				}
			}
			oc.Statuses = append(oc.Statuses, sc)
		}
		for st := range undocumented[op.ID] {
			oc.Undocumented = append(oc.Undocumented, st)
		}
		sort.Ints(oc.Undocumented)
		c.Operations = append(c.Operations, oc)
	}
	return c
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
