package runner

import (
	"sort"
	"strings"
)

// checkDriftHeader records a response header that looks like part of the contract but that the
// pinned spec does not document for this status: a standard header that carries API semantics
// (an authentication challenge, Retry-After, deprecation, RateLimit), a header the API's profile
// counts as contract (its prefixes, its rate-limit headers), or any header the spec documents on
// another response of the API.
func checkDriftHeader(in *Input) []Violation {
	doc := in.Documented
	if doc == nil {
		return nil
	}
	var names []string
	for name := range in.Response.Header {
		if doc.documented[name] || !looksContractual(in.Op.api, name) {
			continue
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	expected := "no documented headers"
	if len(doc.headers) > 0 {
		expected = "only the documented headers " + strings.Join(doc.headers, ", ")
	}
	var out []Violation
	for _, name := range names {
		out = append(out, Violation{
			Message:  "the server sends " + name + " on " + doc.key + ", which the pinned spec does not document there",
			Expected: expected,
			Actual:   "header " + name,
			Header:   name,
			SpecRef:  doc.specRef + "/headers",
		})
	}
	return out
}

// looksContractual reports whether a response header (canonical name) counts as contract for
// api: it starts with one of the contract prefixes, or the API documents it somewhere.
func looksContractual(api *API, name string) bool {
	for _, p := range api.names.contractPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return api.documentsHeader(name)
}
