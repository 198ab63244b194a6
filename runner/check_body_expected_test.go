package runner

import "testing"

func mustAssert(t testing.TB, texts ...string) []Assertion {
	t.Helper()
	var out []Assertion
	for _, s := range texts {
		a, err := ParseAssertion(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestCheckBodyExpected(t *testing.T) {
	undeploy := `{"success":true,"deploymentResult":{"success":true,"deploymentResults":[{"environmentName":"production","success":true,"message":"Undeployment successful"}]}}`
	runCheckCases(t, "body-expected", []checkCase{
		{name: "error code as expected", resp: canned{status: 404, header: jsonHeaders(), body: failure(404, "resource_not_found")},
			expect: &Expectation{Body: mustAssert(t, `errors.0.code == "resource_not_found"`, `errors.# == 1`, `errors.0.source !exists`)}},
		{name: "gjson query", api: "apinizer", resp: canned{status: 200, header: jsonHeaders(), body: undeploy},
			expect: &Expectation{Body: mustAssert(t, `deploymentResult.deploymentResults.#(environmentName=="production").success == true`, `deploymentResult.deploymentResults.0.message =~ "^Undeploy"`)}},
		{name: "wrong code", resp: canned{status: 404, header: jsonHeaders(), body: failure(404, "other")},
			expect: &Expectation{Body: mustAssert(t, `errors.0.code == "resource_not_found"`)}, want: []string{"/errors/0/code"}},
		{name: "path matches nothing", api: "apinizer", resp: canned{status: 200, header: jsonHeaders(), body: undeploy},
			expect: &Expectation{Body: mustAssert(t, `deploymentResult.deploymentResults.#(environmentName=="staging").success == true`)}, want: []string{`deploymentResult.deploymentResults.#(environmentName=="staging").success`}},
		{name: "not JSON", resp: canned{status: 404, header: jsonHeaders("Content-Type", "text/plain"), body: "nope"},
			expect: &Expectation{Body: mustAssert(t, `errors exists`)}, want: []string{"-"}},
	})
}

func TestParseAssertion(t *testing.T) {
	tests := []struct {
		text, path, op string
		bad            bool
	}{
		{text: `errors.0.code == "x"`, path: "errors.0.code", op: "=="},
		{text: `a.#(name=="p").ok != false`, path: `a.#(name=="p").ok`, op: "!="},
		{text: `a.#(name == "p").ok == true`, path: `a.#(name == "p").ok`, op: "=="},
		{text: `errors.# >= 1`, path: "errors.#", op: ">="},
		{text: `errors exists`, path: "errors", op: "exists"},
		{text: `errors !exists`, path: "errors", op: "!exists"},
		{text: `x =~ "^a+$"`, path: "x", op: "=~"},
		{text: `errors.0.code == resource_not_found`, bad: true},
		{text: `errors.0.code`, bad: true},
		{text: `x =~ "("`, bad: true},
		{text: `x > "a"`, bad: true},
		{text: ` == 1`, bad: true},
	}
	for _, tt := range tests {
		a, err := ParseAssertion(tt.text)
		if tt.bad {
			if err == nil {
				t.Errorf("%q: want an error", tt.text)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.text, err)
			continue
		}
		if a.Path != tt.path || a.Op != tt.op {
			t.Errorf("%q: got path %q op %q, want %q %q", tt.text, a.Path, a.Op, tt.path, tt.op)
		}
	}
}
