package runner

import "testing"

func TestCheckStatusDocumented(t *testing.T) {
	runCheckCases(t, "status-documented", []checkCase{
		{name: "204 is documented", resp: canned{status: 204, header: confluentHeaders()}},
		{name: "404 is documented", resp: canned{status: 404, header: jsonHeaders(), body: failure(404, "not_found")}},
		{name: "apinizer 200 is documented", api: "apinizer", resp: canned{status: 200}},
		{name: "200 is not documented for the DELETE", resp: canned{status: 200, header: confluentHeaders()}, want: []string{"-"}},
		{name: "418 is not documented", resp: canned{status: 418, header: jsonHeaders(), body: `{}`}, want: []string{"-"}},
		{name: "apinizer 409 is not documented", api: "apinizer", resp: canned{status: 409, header: jsonHeaders(), body: `{"error":"conflict","error_description":"x"}`}, want: []string{"-"}},
	})
}
