package runner

// checkResponseReceived reports a request that got no complete HTTP response.
func checkResponseReceived(in *Input) []Violation {
	switch {
	case in.Exchange.Err != nil:
		return []Violation{{
			Message:  "no response: " + in.Exchange.Err.Message,
			Expected: "an HTTP response",
			Actual:   in.Exchange.Err.Kind,
		}}
	case in.Response != nil && in.Response.ReadErr != "":
		return []Violation{{
			Message:  "the response body could not be read to its end: " + in.Response.ReadErr,
			Expected: "a complete body",
			Actual:   "an incomplete body",
		}}
	}
	return nil
}
