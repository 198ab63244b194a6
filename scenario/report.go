package scenario

import (
	"fmt"
	"strings"

	"github.com/apiconform/apiconform/runner"
)

// Report renders the outcome for a person: each step with its request and status, then every
// violation with what was expected, what came back, where (JSON pointer or header), the spec
// location and the request ID. Credentials are already redacted by the runner.
func (o *Outcome) Report() string {
	var b strings.Builder
	for i, st := range o.Steps {
		fmt.Fprintf(&b, "  step %d (%s):", i+1, st.Step.describe())
		if n := len(st.Exchanges); n > 0 {
			ex := st.Exchanges[n-1]
			fmt.Fprintf(&b, " %s %s", ex.Request.Method, ex.Request.URL)
			if ex.Response != nil {
				fmt.Fprintf(&b, " -> %d", ex.Response.Status)
			}
			if n > 1 {
				fmt.Fprintf(&b, " (after %d retries of a 429)", n-1)
			}
		}
		b.WriteString("\n")
		if st.Err != nil {
			fmt.Fprintf(&b, "    could not run: %v\n", st.Err)
		}
		for _, v := range st.Violations {
			b.WriteString(violationBlock(v))
		}
	}
	return b.String()
}

// GomegaString makes Gomega print the report instead of a struct dump.
func (o *Outcome) GomegaString() string { return o.Report() }

func violationBlock(v runner.Violation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "    [%s]", v.Check)
	if v.Severity == runner.SeverityWarning {
		b.WriteString(" (warning)")
	}
	fmt.Fprintf(&b, " %s\n", v.Message)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "        %-9s %s\n", k+":", v)
		}
	}
	if v.Expected != "" || v.Actual != "" {
		row("expected", orNothing(v.Expected))
		row("got", orNothing(v.Actual))
	}
	if v.Header != "" {
		row("at", "header "+v.Header)
	} else {
		row("at", v.Pointer)
	}
	row("spec", v.SpecRef)
	row("request", v.RequestID)
	return b.String()
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}
