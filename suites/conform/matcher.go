package conform

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/apiconform/apiconform/report"
	"github.com/apiconform/apiconform/run"
)

// conform succeeds unless a scenario failed; its failure message is the scenario in full: each
// step with its request and status, every violation with its check ID, what was expected, what
// came back, the JSON pointer or header, the spec location and the request ID.
func conform() types.GomegaMatcher { return conformMatcher{} }

type conformMatcher struct{}

func (conformMatcher) Match(actual any) (bool, error) {
	r, ok := actual.(run.ScenarioResult)
	if !ok {
		return false, fmt.Errorf("conform wants a run.ScenarioResult, got %T", actual)
	}
	return r.Outcome != run.Failed, nil
}

func (conformMatcher) FailureMessage(actual any) string {
	r := actual.(run.ScenarioResult)
	var b strings.Builder
	fmt.Fprintf(&b, "Scenario %q broke the contract", r.Name)
	if r.Reason != "" {
		fmt.Fprintf(&b, " (%s)", r.Reason)
	}
	b.WriteString(":\n")
	report.ScenarioDetail(&b, r)
	return b.String()
}

func (conformMatcher) NegatedFailureMessage(any) string {
	return "the scenario conforms, and was expected not to"
}
