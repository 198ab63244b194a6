package runner

import "testing"

func TestCheckDriftStatus(t *testing.T) {
	runCheckCases(t, "drift-status", []checkCase{
		{name: "documented status", resp: canned{status: 204, header: confluentHeaders()}},
		{name: "undocumented 418", resp: canned{status: 418, header: jsonHeaders(), body: `{}`}, want: []string{"-"}},
	})
}

func TestCheckDriftHeader(t *testing.T) {
	runCheckCases(t, "drift-header", []checkCase{
		{name: "only documented headers", resp: canned{status: 204, header: confluentHeaders()}},
		{name: "ordinary headers are not drift", resp: canned{status: 404, header: jsonHeaders("Cache-Control", "no-store", "X-Powered-By", "x"), body: failure(404, "x")}},
		{name: "rate-limit headers on a 404", resp: canned{status: 404, header: jsonHeaders("X-RateLimit-Limit", "50", "X-RateLimit-Remaining", "3"), body: failure(404, "x")}, want: []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining"}},
		{name: "a header documented elsewhere in the API", resp: canned{status: 403, header: jsonHeaders("Www-Authenticate", "Basic"), body: failure(403, "x")}, want: []string{"Www-Authenticate"}},
		{name: "apinizer Retry-After", api: "apinizer", resp: canned{status: 400, header: jsonHeaders("Retry-After", "3"), body: `{"error":"bad_request","error_description":"d"}`}, want: []string{"Retry-After"}},
	})
}

func TestCheckDriftProperty(t *testing.T) {
	runCheckCases(t, "drift-property", []checkCase{
		{name: "only named properties", api: "apinizer", resp: canned{status: 400, header: jsonHeaders(), body: `{"error":"bad_request","error_description":"d"}`}},
		{name: "closed schemas are body-schema's", resp: canned{status: 404, header: jsonHeaders(), body: `{"errors":[{"status":"404","hint":"x"}]}`}},
		{name: "extra property on an apinizer error", api: "apinizer", resp: canned{status: 400, header: jsonHeaders(), body: `{"error":"bad_request","error_description":"d","trace_id":"t"}`}, want: []string{"/trace_id"}},
		{name: "extra property deep in the envelope", api: "apinizer", resp: canned{status: 200, header: jsonHeaders(), body: `{"success":true,"deploymentResult":{"success":true,"deploymentResults":[{"environmentName":"p","success":true,"message":"m","durationMs":5}]}}`}, want: []string{"/deploymentResult/deploymentResults/0/durationMs"}},
		{name: "extra top-level property on a Failure", resp: canned{status: 404, header: jsonHeaders(), body: `{"errors":[],"meta":{}}`}, want: []string{"/meta"}},
	})
}

func TestCheckDriftEnum(t *testing.T) {
	env := `{"id":"env-1","display_name":"d","metadata":{"self":"http://x"},"stream_governance_config":{"package":"%s"}}`
	runCheckCases(t, "drift-enum", []checkCase{
		{name: "listed package", op: "getOrgV2Environment", resp: canned{status: 200, header: confluentHeaders("Content-Type", "application/json"), body: sprintf(env, "ESSENTIALS")}},
		{name: "known apinizer code", api: "apinizer", resp: canned{status: 401, header: jsonHeaders(), body: `{"error":"unauthorized_client","error_description":"d"}`}},
		{name: "new package value", op: "getOrgV2Environment", resp: canned{status: 200, header: confluentHeaders("Content-Type", "application/json"), body: sprintf(env, "PREMIUM")}, want: []string{"/stream_governance_config/package"}},
		{name: "unlisted apinizer code", api: "apinizer", resp: canned{status: 401, header: jsonHeaders(), body: `{"error":"session_revoked","error_description":"d"}`}, want: []string{"/error"}},
	})
}

func TestDriftWarningsBecomeErrorsWhenStrict(t *testing.T) {
	op := testAPI(t, "confluent").Operation("deleteOrgV2Environment")
	ex := exchange(t, op, canned{status: 404, header: jsonHeaders("X-RateLimit-Limit", "50"), body: failure(404, "x")})
	chk, _ := Lookup("drift-header")
	for _, strict := range []bool{false, true} {
		got := NewChecker([]Check{chk}, CheckOptions{Strict: strict}, nil).Check(op, ex, nil)
		if len(got) != 1 {
			t.Fatalf("strict=%v: %d violations", strict, len(got))
		}
		want := SeverityWarning
		if strict {
			want = SeverityError
		}
		if got[0].Severity != want || HasErrors(got) != strict {
			t.Errorf("strict=%v: severity %s, want %s", strict, got[0].Severity, want)
		}
	}
}
