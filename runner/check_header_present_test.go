package runner

import "testing"

func TestCheckHeaderPresent(t *testing.T) {
	runCheckCases(t, "header-present", []checkCase{
		{name: "204 with every documented header", resp: canned{status: 204, header: confluentHeaders()}},
		{name: "401 with WWW-Authenticate", resp: canned{status: 401, header: jsonHeaders("WWW-Authenticate", `Basic realm="x"`), body: failure(401, "x")}},
		{name: "lenient: nothing is required", resp: canned{status: 204}, opts: CheckOptions{Lenient: true}},
		{name: "apinizer documents no headers", api: "apinizer", resp: canned{status: 200, header: map[string]string{"Content-Type": "application/json"}, body: `{}`}},
		{name: "204 without X-Request-Id", resp: canned{status: 204, header: confluentHeaders("X-Request-Id", "")}, want: []string{"X-Request-Id"}},
		{name: "401 without WWW-Authenticate", resp: canned{status: 401, header: jsonHeaders(), body: failure(401, "x")}, want: []string{"WWW-Authenticate"}},
		{name: "429 without any header", resp: canned{status: 429}, want: []string{"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-Id"}},
	})
}
