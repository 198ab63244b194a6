package runner

// checkRequestIDUnique reports an X-Request-Id already returned earlier in the run.
func checkRequestIDUnique(in *Input) []Violation {
	id := in.Response.Header.Get("X-Request-Id")
	if id == "" || in.RunState == nil {
		return nil
	}
	first, dup := in.RunState.rememberRequestID(id, requestRef{in.Exchange.Request.Method, in.Exchange.Request.Path})
	if !dup {
		return nil
	}
	return []Violation{{
		Message:  "X-Request-Id repeats one returned earlier in the run (for " + first.String() + ")",
		Expected: "an X-Request-Id unique in the run",
		Actual:   quoteHeader(id),
		Header:   "X-Request-Id",
	}}
}
