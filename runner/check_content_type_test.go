package runner

import "testing"

func TestCheckContentType(t *testing.T) {
	runCheckCases(t, "content-type", []checkCase{
		{name: "204 without a body", resp: canned{status: 204, header: confluentHeaders()}},
		{name: "404 application/json", resp: canned{status: 404, header: jsonHeaders(), body: failure(404, "x")}},
		{name: "404 application/json with charset", resp: canned{status: 404, header: jsonHeaders("Content-Type", "application/json; charset=utf-8"), body: failure(404, "x")}},
		{name: "undocumented status is not this check's", resp: canned{status: 418, header: jsonHeaders("Content-Type", "text/plain"), body: "teapot"}},
		{name: "text/plain error body", resp: canned{status: 404, header: jsonHeaders("Content-Type", "text/plain"), body: "not found"}, want: []string{"Content-Type"}},
		{name: "body without Content-Type", resp: canned{status: 404, header: map[string]string{"X-Request-Id": "r"}, body: failure(404, "x")}, want: []string{"Content-Type"}},
		{name: "error status without body", resp: canned{status: 403, header: jsonHeaders()}, want: []string{"-"}},
		{name: "body on 204", resp: canned{status: 429, header: jsonHeaders(), body: `{"too":"many"}`}, want: []string{"-"}},
		{name: "malformed Content-Type", resp: canned{status: 404, header: jsonHeaders("Content-Type", "application/json; =broken"), body: failure(404, "x")}, want: []string{"Content-Type"}},
	})
}
