package runner

// checkBodyExpected reports each of the scenario's gjson body assertions that does not hold.
func checkBodyExpected(in *Input) []Violation {
	if len(in.Expect.Body) == 0 {
		return nil
	}
	body := in.Response.Body
	if !in.validJSON() {
		return []Violation{{
			Message:  "the scenario asserts on a JSON body, but the body is not JSON",
			Expected: "a JSON body",
			Actual:   jsonKindOfRaw(body),
		}}
	}
	var out []Violation
	for _, a := range in.Expect.Body {
		if ok, actual := a.Eval(body); !ok {
			out = append(out, Violation{
				Message:  "body assertion failed: " + a.Text,
				Expected: a.Expected(),
				Actual:   truncate(actual, 200),
				Pointer:  pathPointer(a.Path),
			})
		}
	}
	return out
}

func jsonKindOfRaw(b []byte) string {
	if len(b) == 0 {
		return "an empty body"
	}
	return "a non-JSON body"
}
