package runner

import "testing"

func TestCheckStatusExpected(t *testing.T) {
	runCheckCases(t, "status-expected", []checkCase{
		{name: "204 as expected", resp: canned{status: 204, header: confluentHeaders()}, expect: &Expectation{Status: 204}},
		{name: "no status expected", resp: canned{status: 404, header: jsonHeaders(), body: failure(404, "x")}, expect: &Expectation{}},
		{name: "contract-only ignores the expectation", resp: canned{status: 404, header: jsonHeaders(), body: failure(404, "x")}, expect: &Expectation{Status: 204}, opts: CheckOptions{ContractOnly: true}},
		{name: "404 where 204 is expected", resp: canned{status: 404, header: jsonHeaders(), body: failure(404, "x")}, expect: &Expectation{Status: 204}, want: []string{"-"}},
	})
}
