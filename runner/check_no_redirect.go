package runner

import (
	"net/url"
)

// checkNoRedirect reports an undocumented 3xx redirect; it is never followed, so credentials
// never travel to the Location.
func checkNoRedirect(in *Input) []Violation {
	st := in.Response.Status
	if st < 300 || st > 399 || in.Documented != nil {
		return nil
	}
	loc := in.Response.Header.Get("Location")
	where := "no Location"
	if u, err := url.Parse(loc); err == nil && loc != "" {
		where = "Location on host " + u.Host
		if u.Host == "" {
			where = "a Location on the same host"
		}
	}
	return []Violation{{
		Message:  "the server answered with a redirect the spec does not document (" + where + "); it was not followed",
		Expected: "a documented status",
		Actual:   statusText(st),
		Header:   "Location",
	}}
}
