package run

import (
	"sort"
	"strconv"
	"strings"

	"github.com/apiconform/apiconform/runner"
)

// Drift lists each live-drift observation of an API once (the findings of the drift checks:
// what the server did that the pinned spec does not describe), with a count and an example.
type Drift struct {
	Observations []DriftObservation `json:"observations"`
}

// DriftObservation is one way the server did something the pinned spec does not describe.
type DriftObservation struct {
	Check            string `json:"check"`
	Operation        string `json:"operation"`
	Status           int    `json:"status"`
	Where            string `json:"where,omitempty"`
	Actual           string `json:"actual,omitempty"`
	Message          string `json:"message"`
	Count            int    `json:"count"`
	ExampleRequestID string `json:"example_request_id,omitempty"`
	ExampleScenario  string `json:"example_scenario,omitempty"`
}

// summarizeDrift folds the drift findings of an API's scenarios and observed exchanges.
func summarizeDrift(a *APIResult) Drift {
	byKey := map[string]*DriftObservation{}
	var order []string
	add := func(scenario string, vs []runner.Violation) {
		for _, v := range vs {
			if c, ok := runner.Lookup(v.Check); !ok || c.Scope != runner.ScopeDrift {
				continue
			}
			where := v.Pointer
			if v.Header != "" {
				where = "header " + v.Header
			}
			k := strings.Join([]string{v.Check, v.OperationID, strconv.Itoa(v.Status), where, v.Actual}, "\x00")
			o := byKey[k]
			if o == nil {
				o = &DriftObservation{Check: v.Check, Operation: v.OperationID, Status: v.Status, Where: where, Actual: v.Actual,
					Message: v.Message, ExampleRequestID: v.RequestID, ExampleScenario: scenario}
				byKey[k] = o
				order = append(order, k)
			}
			o.Count++
		}
	}
	for _, s := range a.Scenarios {
		add(s.Name, s.Violations())
	}
	for _, o := range a.Observed {
		add("", o.Violations)
	}
	d := Drift{Observations: make([]DriftObservation, 0, len(order))}
	for _, k := range order {
		d.Observations = append(d.Observations, *byKey[k])
	}
	sort.SliceStable(d.Observations, func(i, j int) bool {
		a, b := d.Observations[i], d.Observations[j]
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		if a.Operation != b.Operation {
			return a.Operation < b.Operation
		}
		if a.Status != b.Status {
			return a.Status < b.Status
		}
		return a.Where < b.Where
	})
	return d
}
