package runner

import "testing"

func TestCheckErrorStatusMatch(t *testing.T) {
	runCheckCases(t, "error-status-match", []checkCase{
		{name: "status matches", resp: canned{status: 404, header: jsonHeaders(), body: failure(404, "x")}},
		{name: "no status in the item", resp: canned{status: 404, header: jsonHeaders(), body: `{"errors":[{"code":"x"}]}`}},
		{name: "apinizer bodies have no errors array", api: "apinizer", resp: canned{status: 404, header: jsonHeaders(), body: `{"error":"not_found","error_description":"x","errors":[{"status":"500"}]}`}},
		{name: "a number equal to the status is body-schema's", resp: canned{status: 404, header: jsonHeaders(), body: `{"errors":[{"status":404}]}`}},
		{name: "status differs", resp: canned{status: 404, header: jsonHeaders(), body: failure(500, "x")}, want: []string{"/errors/0/status"}},
		{name: "second item differs", resp: canned{status: 403, header: jsonHeaders(), body: `{"errors":[{"status":"403"},{"status":"401"}]}`}, want: []string{"/errors/1/status"}},
	})
}
