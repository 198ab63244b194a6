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

// driftAcc folds drift findings into observations, each once with a count and an example.
type driftAcc struct {
	byKey map[string]*DriftObservation
	order []string
}

func newDriftAcc() *driftAcc { return &driftAcc{byKey: map[string]*DriftObservation{}} }

// add folds the drift findings among vs, seen in scenario ("" for observed traffic).
func (d *driftAcc) add(scenario string, vs []runner.Violation) {
	for _, v := range vs {
		if c, ok := runner.Lookup(v.Check); !ok || c.Scope != runner.ScopeDrift {
			continue
		}
		where := v.Pointer
		if v.Header != "" {
			where = "header " + v.Header
		}
		k := strings.Join([]string{v.Check, v.OperationID, strconv.Itoa(v.Status), where, v.Actual}, "\x00")
		o := d.byKey[k]
		if o == nil {
			o = &DriftObservation{Check: v.Check, Operation: v.OperationID, Status: v.Status, Where: where, Actual: v.Actual,
				Message: v.Message, ExampleRequestID: v.RequestID, ExampleScenario: scenario}
			d.byKey[k] = o
			d.order = append(d.order, k)
		}
		o.Count++
	}
}

// merge folds what o folded.
func (d *driftAcc) merge(o *driftAcc) {
	for _, k := range o.order {
		if mine := d.byKey[k]; mine != nil {
			mine.Count += o.byKey[k].Count
			continue
		}
		cp := *o.byKey[k]
		d.byKey[k] = &cp
		d.order = append(d.order, k)
	}
}

// build returns the observations, sorted by check, operation, status and place.
func (d *driftAcc) build() Drift {
	out := Drift{Observations: make([]DriftObservation, 0, len(d.order))}
	for _, k := range d.order {
		out.Observations = append(out.Observations, *d.byKey[k])
	}
	sort.SliceStable(out.Observations, func(i, j int) bool {
		a, b := out.Observations[i], out.Observations[j]
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
	return out
}
