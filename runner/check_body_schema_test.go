package runner

import (
	"strings"
	"testing"
)

func TestCheckBodySchema(t *testing.T) {
	okUndeploy := `{"success":true,"deploymentResult":{"success":true,"deploymentResults":[{"environmentName":"production","success":true,"message":"Undeployment successful"}]}}`
	runCheckCases(t, "body-schema", []checkCase{
		{name: "conformant Failure", resp: canned{status: 404, header: jsonHeaders(), body: failure(404, "resource_not_found")}},
		{name: "conformant Failure with source and null message", resp: canned{status: 400, header: jsonHeaders(), body: `{"errors":[{"status":"400","source":{"parameter":"id"},"message":null}]}`}},
		{name: "204 has no schema", resp: canned{status: 204, header: confluentHeaders()}},
		{name: "conformant undeploy envelope", api: "apinizer", resp: canned{status: 200, header: jsonHeaders(), body: okUndeploy}},
		{name: "apinizer error with extra property", api: "apinizer", resp: canned{status: 400, header: jsonHeaders(), body: `{"error":"bad_request","error_description":"d","trace":"x"}`}},
		{name: "status sent as a number", resp: canned{status: 404, header: jsonHeaders(), body: `{"errors":[{"status":404}]}`}, want: []string{"/errors/0/status"}},
		{name: "extra property in an error item", resp: canned{status: 404, header: jsonHeaders(), body: `{"errors":[{"status":"404","hint":"x"}]}`}, want: []string{"/errors/0"}},
		{name: "errors missing", resp: canned{status: 500, header: jsonHeaders(), body: `{"message":"boom"}`}, want: []string{"/errors"}},
		{name: "every error reported, not only the first", resp: canned{status: 404, header: jsonHeaders(), body: `{"errors":[{"status":404,"code":7},{"status":"404","id":true}]}`}, want: []string{"/errors/0/code", "/errors/0/status", "/errors/1/id"}},
		{name: "header errors do not hide body errors", resp: canned{status: 429, header: jsonHeaders("X-RateLimit-Limit", "fifty")}},
		{name: "apinizer error without error_description", api: "apinizer", resp: canned{status: 404, header: jsonHeaders(), body: `{"error":"not_found"}`}, want: []string{"/error_description"}},
		{name: "apinizer success as a string", api: "apinizer", resp: canned{status: 200, header: jsonHeaders(), body: `{"success":"true","deploymentResult":{"success":true,"deploymentResults":[]}}`}, want: []string{"/success"}},
		{name: "apinizer result missing message", api: "apinizer", resp: canned{status: 200, header: jsonHeaders(), body: `{"success":true,"deploymentResult":{"success":true,"deploymentResults":[{"environmentName":"production","success":true}]}}`}, want: []string{"/deploymentResult/deploymentResults/0/message"}},
		{name: "malformed JSON", resp: canned{status: 404, header: jsonHeaders(), body: `{"errors":[`}, want: []string{"-"}},
	})
}

func TestCheckBodySchemaNeverEchoesValues(t *testing.T) {
	op := testAPI(t, "confluent").Operation("deleteOrgV2Environment")
	ex := exchange(t, op, canned{status: 404, header: jsonHeaders(), body: `{"errors":[{"status":"404","detail":12345678901,"leak":"s3cr3t-value"}]}`})
	chk, _ := Lookup("body-schema")
	got := NewChecker([]Check{chk}, CheckOptions{}, nil).Check(op, ex, nil)
	if len(got) == 0 {
		t.Fatal("want violations")
	}
	for _, v := range got {
		s := v.String()
		for _, leaked := range []string{"s3cr3t-value", "12345678901"} {
			if strings.Contains(s, leaked) {
				t.Errorf("violation echoes the payload value %q: %s", leaked, s)
			}
		}
	}
}
