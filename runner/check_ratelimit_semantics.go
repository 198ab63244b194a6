package runner

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// epochThreshold separates relative seconds from UTC epoch seconds in a rate-limit reset header:
// no rate window lasts 31 years, and every epoch timestamp since 2001 is above it.
const epochThreshold = 1_000_000_000

// checkRateLimitSemantics reports rate-limit headers that are well typed but mean nonsense:
// Remaining above Limit or negative, a Reset that is negative or not expressed as the profile
// says (relative seconds or epoch seconds), a 429 Retry-After that is not a non-negative integer.
// The header names come from the API's profile; an API without a rate-limit profile is not
// checked. Badly typed values are header-schema's.
func checkRateLimitSemantics(in *Input) []Violation {
	n := &in.Op.api.names
	h := in.Response.Header
	var out []Violation
	limit, hasLimit := intHeader(h, n.limit.key)
	remaining, hasRemaining := intHeader(h, n.remaining.key)
	if hasRemaining && remaining < 0 {
		out = append(out, Violation{
			Message: n.remaining.shown + " is negative", Header: n.remaining.shown,
			Expected: ">= 0", Actual: strconv.FormatInt(remaining, 10),
		})
	}
	if hasLimit && hasRemaining && remaining > limit {
		out = append(out, Violation{
			Message: n.remaining.shown + " is above " + n.limit.shown, Header: n.remaining.shown,
			Expected: fmt.Sprintf("<= %d (%s)", limit, n.limit.shown), Actual: strconv.FormatInt(remaining, 10),
		})
	}
	if reset, ok := intHeader(h, n.reset.key); ok {
		switch {
		case reset < 0:
			out = append(out, Violation{
				Message: n.reset.shown + " is negative", Header: n.reset.shown,
				Expected: ">= 0", Actual: strconv.FormatInt(reset, 10),
			})
		case !n.resetEpoch && reset >= epochThreshold:
			out = append(out, Violation{
				Message:  n.reset.shown + " looks like UTC epoch seconds; the contract says relative seconds until the window resets",
				Header:   n.reset.shown,
				Expected: "relative seconds (< 1000000000)", Actual: strconv.FormatInt(reset, 10),
			})
		case n.resetEpoch && reset < epochThreshold:
			out = append(out, Violation{
				Message:  n.reset.shown + " looks like relative seconds; the contract says UTC epoch seconds when the window resets",
				Header:   n.reset.shown,
				Expected: "UTC epoch seconds (>= 1000000000)", Actual: strconv.FormatInt(reset, 10),
			})
		}
	}
	if in.Response.Status == http.StatusTooManyRequests && n.retryAfter.key != "" {
		if raw := in.header(n.retryAfter.key); raw != "" {
			v, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
			if err != nil || v < 0 {
				out = append(out, Violation{
					Message:  n.retryAfter.shown + " on 429 is not a non-negative number of seconds",
					Header:   n.retryAfter.shown,
					Expected: "a non-negative integer", Actual: quoteHeader(raw),
				})
			}
		}
	}
	return out
}

// intHeader parses the first value of a header; name must be canonical, as net/http keys
// response headers ("" : no such header).
func intHeader(h http.Header, name string) (int64, bool) {
	if name == "" {
		return 0, false
	}
	var raw string
	if vs := h[name]; len(vs) > 0 {
		raw = vs[0]
	}
	if raw == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	return n, err == nil
}
