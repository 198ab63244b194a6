package runner

import (
	"sort"
	"strings"
)

// contractHeaderPrefixes name headers that carry API semantics wherever they appear (rate
// limits, authentication challenges, deprecation). Other headers count only when the API
// documents them on some response.
var contractHeaderPrefixes = []string{"X-Ratelimit-", "Ratelimit", "Retry-After", "Www-Authenticate", "Deprecation", "Sunset"}

// checkDriftHeader records a response header that looks like part of the contract but that the
// pinned spec does not document for this status: a rate-limit, Retry-After, authentication or
// deprecation header, or any header the spec documents on another response of the API.
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
	expected := doc.driftExpected
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

func looksContractual(api *API, name string) bool {
	for _, p := range contractHeaderPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return api.documentsHeader(name)
}
