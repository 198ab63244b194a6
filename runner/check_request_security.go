package runner

import (
	"strings"
)

// checkRequestSecurity reports an observed request that carries no credential of a kind the
// operation's security requirements accept (a basic or bearer Authorization header, an API
// key). Values are redacted in recordings and are never judged: only presence and scheme.
func checkRequestSecurity(in *Input) []Violation {
	f := in.requestErrors()
	if len(f.security) == 0 {
		return nil
	}
	ref := in.Op.SpecRef + "/security"
	if in.Op.Op.Security == nil {
		ref = "#/security"
	}
	got := "no Authorization header"
	if a := in.Exchange.Request.Header.Get("Authorization"); a != "" {
		scheme, _, _ := strings.Cut(strings.TrimSpace(a), " ")
		got = "an Authorization header of scheme " + scheme
	}
	return []Violation{{
		Message:  "the request carries no credential the operation accepts",
		Expected: "a credential for " + strings.Join(in.Op.SecuritySchemes(), " or "),
		Actual:   got,
		SpecRef:  ref,
	}}
}
