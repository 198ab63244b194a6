package runner

import "testing"

func TestCheckHeaderExpected(t *testing.T) {
	runCheckCases(t, "header-expected", []checkCase{
		{name: "expected headers present", resp: canned{status: 429, header: confluentHeaders("Retry-After", "3")}, expect: &Expectation{Headers: []string{"Retry-After", "x-ratelimit-limit"}}},
		{name: "nothing expected", resp: canned{status: 204}, expect: &Expectation{}},
		{name: "Retry-After missing", resp: canned{status: 429, header: confluentHeaders()}, expect: &Expectation{Headers: []string{"Retry-After"}}, want: []string{"Retry-After"}},
	})
}
