package runner

import "testing"

func TestCheckRateLimitSemantics(t *testing.T) {
	runCheckCases(t, "ratelimit-semantics", []checkCase{
		{name: "relative reset, remaining below limit", resp: canned{status: 204, header: confluentHeaders()}},
		{name: "429 with Retry-After", resp: canned{status: 429, header: confluentHeaders("X-RateLimit-Remaining", "0", "Retry-After", "30")}},
		{name: "no rate-limit headers at all", api: "apinizer", resp: canned{status: 200, header: jsonHeaders(), body: `{}`}},
		{name: "non-integer values are header-schema's", resp: canned{status: 204, header: confluentHeaders("X-RateLimit-Reset", "soon")}},
		{name: "epoch reset", resp: canned{status: 204, header: confluentHeaders("X-RateLimit-Reset", "1795000000")}, want: []string{"X-RateLimit-Reset"}},
		{name: "negative reset", resp: canned{status: 204, header: confluentHeaders("X-RateLimit-Reset", "-1")}, want: []string{"X-RateLimit-Reset"}},
		{name: "remaining above limit", resp: canned{status: 204, header: confluentHeaders("X-RateLimit-Remaining", "51")}, want: []string{"X-RateLimit-Remaining"}},
		{name: "negative remaining", resp: canned{status: 204, header: confluentHeaders("X-RateLimit-Remaining", "-3")}, want: []string{"X-RateLimit-Remaining"}},
		{name: "Retry-After as an HTTP date", resp: canned{status: 429, header: confluentHeaders("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT")}, want: []string{"Retry-After"}},
		{name: "negative Retry-After", resp: canned{status: 429, header: confluentHeaders("Retry-After", "-5")}, want: []string{"Retry-After"}},
	})
}
