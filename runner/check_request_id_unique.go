package runner

// checkRequestIDUnique reports a request ID (the response header the API's profile names) already
// returned earlier in the run. An API whose profile names no request-ID header is not checked.
func checkRequestIDUnique(in *Input) []Violation {
	h := in.Op.api.names.requestID
	name := h.shown
	id := in.header(h.key)
	if name == "" || id == "" || in.RunState == nil {
		return nil
	}
	first, dup := in.RunState.rememberRequestID(id, requestRef{in.Exchange.Request.Method, in.Exchange.Request.Path})
	if !dup {
		return nil
	}
	return []Violation{{
		Message:  name + " repeats one returned earlier in the run (for " + first.String() + ")",
		Expected: name + " unique in the run",
		Actual:   quoteHeader(id),
		Header:   name,
	}}
}
