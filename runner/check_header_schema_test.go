package runner

import "testing"

func TestCheckHeaderSchema(t *testing.T) {
	runCheckCases(t, "header-schema", []checkCase{
		{name: "integers where integers are declared", resp: canned{status: 204, header: confluentHeaders()}},
		{name: "absent headers are header-present's", resp: canned{status: 204}},
		{name: "X-RateLimit-Limit: fifty", resp: canned{status: 204, header: confluentHeaders("X-RateLimit-Limit", "fifty")}, want: []string{"X-RateLimit-Limit"}},
		{name: "every bad header is reported", resp: canned{status: 429, header: confluentHeaders("X-RateLimit-Reset", "1.5", "Retry-After", "soon")}, want: []string{"Retry-After", "X-RateLimit-Reset"}},
		{name: "long values are cut", resp: canned{status: 204, header: confluentHeaders("X-RateLimit-Remaining", "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn")}, want: []string{"X-RateLimit-Remaining"}},
	})
}
