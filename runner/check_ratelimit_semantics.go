package runner

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// epochThreshold separates relative seconds from UTC epoch seconds in X-RateLimit-Reset: no rate
// window lasts 31 years, and every epoch timestamp since 2001 is above it.
const epochThreshold = 1_000_000_000

// checkRateLimitSemantics reports rate-limit headers that are well typed but mean nonsense:
// Remaining above Limit or negative, a Reset that is an epoch timestamp or negative, a 429
// Retry-After that is not a non-negative integer. Badly typed values are header-schema's.
func checkRateLimitSemantics(in *Input) []Violation {
	h := in.Response.Header
	var out []Violation
	limit, hasLimit := intHeader(h, "X-Ratelimit-Limit")
	remaining, hasRemaining := intHeader(h, "X-Ratelimit-Remaining")
	if hasRemaining && remaining < 0 {
		out = append(out, Violation{
			Message: "X-RateLimit-Remaining is negative", Header: "X-RateLimit-Remaining",
			Expected: ">= 0", Actual: strconv.FormatInt(remaining, 10),
		})
	}
	if hasLimit && hasRemaining && remaining > limit {
		out = append(out, Violation{
			Message: "X-RateLimit-Remaining is above X-RateLimit-Limit", Header: "X-RateLimit-Remaining",
			Expected: fmt.Sprintf("<= %d (X-RateLimit-Limit)", limit), Actual: strconv.FormatInt(remaining, 10),
		})
	}
	if reset, ok := intHeader(h, "X-Ratelimit-Reset"); ok {
		switch {
		case reset >= epochThreshold:
			out = append(out, Violation{
				Message:  "X-RateLimit-Reset looks like UTC epoch seconds; the contract says relative seconds until the window resets",
				Header:   "X-RateLimit-Reset",
				Expected: "relative seconds (< 1000000000)", Actual: strconv.FormatInt(reset, 10),
			})
		case reset < 0:
			out = append(out, Violation{
				Message: "X-RateLimit-Reset is negative", Header: "X-RateLimit-Reset",
				Expected: ">= 0", Actual: strconv.FormatInt(reset, 10),
			})
		}
	}
	if in.Response.Status == http.StatusTooManyRequests {
		if raw := h.Get("Retry-After"); raw != "" {
			n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
			if err != nil || n < 0 {
				out = append(out, Violation{
					Message:  "Retry-After on 429 is not a non-negative number of seconds",
					Header:   "Retry-After",
					Expected: "a non-negative integer", Actual: quoteHeader(raw),
				})
			}
		}
	}
	return out
}

// intHeader parses the first value of a header; name must be canonical (X-Ratelimit-Limit), as
// net/http keys response headers.
func intHeader(h http.Header, name string) (int64, bool) {
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
