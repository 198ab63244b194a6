package runner

import "fmt"

// checkBodyWithinCap reports a body larger than the client's cap (only the cap was read).
func checkBodyWithinCap(in *Input) []Violation {
	if !in.Response.Truncated {
		return nil
	}
	limit := in.Response.Cap
	if limit == 0 { // a response recorded by something other than Client
		limit = int64(len(in.Response.Body))
	}
	return []Violation{{
		Message:  fmt.Sprintf("the response body is larger than the %d-byte cap; only the cap was read", limit),
		Expected: fmt.Sprintf("at most %d bytes", limit),
		Actual:   "more",
	}}
}
