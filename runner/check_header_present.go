package runner

// checkHeaderPresent reports documented response headers that are absent. By default every
// documented header is expected; with Options.Lenient only `required: true` ones are.
func checkHeaderPresent(in *Input) []Violation {
	doc := in.Documented
	if doc == nil {
		return nil
	}
	var out []Violation
	for _, h := range doc.headerFacts {
		if len(in.Response.Header[h.canonical]) > 0 {
			continue
		}
		if in.Options.Lenient && !h.required {
			continue
		}
		name := h.name
		out = append(out, Violation{
			Message:  "documented header " + name + " is missing",
			Expected: "header " + name,
			Actual:   "no such header",
			Header:   name,
			SpecRef:  h.ref,
		})
	}
	return out
}
