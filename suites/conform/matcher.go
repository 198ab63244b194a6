package conform

import (
	"github.com/onsi/gomega/gcustom"
	"github.com/onsi/gomega/types"

	"github.com/apiconform/apiconform/scenario"
)

// Conform succeeds when a scenario ran to its end with no error-severity violation. Its failure
// message lists every violation of every step: check ID, request, what was expected, what came
// back, and the JSON pointer or header. Warnings (drift) are listed too but do not fail.
func Conform() types.GomegaMatcher {
	return gcustom.MakeMatcher(func(o *scenario.Outcome) (bool, error) {
		return !o.Failed(), nil
	}).WithTemplate("Scenario {{printf \"%q\" .Actual.Scenario.Name}} broke the contract:\n{{.Actual.Report}}")
}
