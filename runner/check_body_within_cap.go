package runner

import "fmt"

// checkBodyWithinCap reports a body larger than the client's cap (only the cap was read).
func checkBodyWithinCap(in *Input) []Violation {
	if !in.Response.Truncated {
		return nil
	}
	return []Violation{{
		Message:  fmt.Sprintf("the response body is larger than the %d-byte cap; only the cap was read", len(in.Response.Body)),
		Expected: fmt.Sprintf("at most %d bytes", len(in.Response.Body)),
		Actual:   "more",
	}}
}
