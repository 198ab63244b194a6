package runner

// checkStatusExpected reports a status other than the scenario's expected one.
func checkStatusExpected(in *Input) []Violation {
	if in.Expect.Status == 0 || in.Expect.Status == in.Response.Status {
		return nil
	}
	return []Violation{{
		Message:  "the status is not the one the scenario expects",
		Expected: statusText(in.Expect.Status),
		Actual:   statusText(in.Response.Status),
	}}
}
