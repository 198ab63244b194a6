package runner

import "net/http"

// checkHeaderPresent reports documented response headers that are absent. By default every
// documented header is expected; with Options.Lenient only `required: true` ones are.
func checkHeaderPresent(in *Input) []Violation {
	doc := in.Documented
	if doc == nil {
		return nil
	}
	var out []Violation
	for _, name := range doc.headers {
		if len(in.Response.Header.Values(name)) > 0 {
			continue
		}
		h := doc.resp.Headers[name]
		if in.Options.Lenient && (h == nil || h.Value == nil || !h.Value.Required) {
			continue
		}
		out = append(out, Violation{
			Message:  "documented header " + name + " is missing",
			Expected: "header " + name,
			Actual:   "no such header",
			Header:   name,
			SpecRef:  doc.specRef + "/headers/" + escapePointer(name),
		})
	}
	return out
}

// headerValue returns the first value of a header and how many values it had.
func headerValue(h http.Header, name string) (string, int) {
	vs := h.Values(name)
	if len(vs) == 0 {
		return "", 0
	}
	return vs[0], len(vs)
}
