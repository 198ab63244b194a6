package runner

import "fmt"

// checkServerError reports a 5xx answer to a request the probe generated: whatever the request,
// valid or not, the server must not fail on it (a documented 500 included: the request was
// ours, and nothing we sent should break the server).
func checkServerError(in *Input) []Violation {
	st := in.Response.Status
	if st < 500 || st > 599 {
		return nil
	}
	what := "a valid request"
	if in.Intent != nil && in.Intent.Invalid != "" {
		what = "a request the spec forbids (" + in.Intent.Invalid + ")"
	}
	return []Violation{{
		Message:  fmt.Sprintf("the server failed on %s", what),
		Expected: "a status below 500",
		Actual:   statusText(st),
	}}
}
