package runner

// checkNegativeDataRejected reports a 2xx answer to a request the spec forbids (an invalid
// body or parameter the probe made on purpose): the server accepted what it must refuse.
func checkNegativeDataRejected(in *Input) []Violation {
	if in.Intent == nil || in.Intent.Invalid == "" || in.Response.Status < 200 || in.Response.Status > 299 {
		return nil
	}
	return []Violation{{
		Message:  "the server accepted a request the spec forbids: " + in.Intent.Invalid,
		Expected: "a 4xx",
		Actual:   statusText(in.Response.Status),
		SpecRef:  in.Op.SpecRef,
	}}
}
