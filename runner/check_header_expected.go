package runner

// checkHeaderExpected reports headers the scenario expects that the response lacks.
func checkHeaderExpected(in *Input) []Violation {
	var out []Violation
	for _, name := range in.Expect.Headers {
		if len(in.Response.Header.Values(name)) == 0 {
			out = append(out, Violation{
				Message:  "header " + name + " expected by the scenario is missing",
				Expected: "header " + name,
				Actual:   "no such header",
				Header:   name,
			})
		}
	}
	return out
}
