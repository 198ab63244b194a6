package runner

import "testing"

// The probe checks hold the answer to a generated request to what the request was meant to be.

var (
	validReq   = &Intent{Credentials: CredentialsValid}
	invalidReq = &Intent{Credentials: CredentialsValid, Invalid: "the body's display_name is a number"}
	anonymous  = &Intent{Credentials: CredentialsNone}
	putReq     = &Intent{Credentials: CredentialsValid, UnsupportedMethod: true, Allowed: []string{"DELETE", "GET"}}
	created    = canned{status: 201, header: confluentHeaders("Content-Type", "application/json"), body: `{}`}
	serverFail = canned{status: 500, header: jsonHeaders(), body: failure(500, "internal")}
	badRequest = canned{status: 400, header: jsonHeaders(), body: failure(400, "bad")}
	unauth     = canned{status: 401, header: jsonHeaders("WWW-Authenticate", "Basic"), body: failure(401, "unauthenticated")}
)

func TestCheckServerError(t *testing.T) {
	runCheckCases(t, "server-error", []checkCase{
		{name: "a 204 to a valid request", intent: validReq, resp: noContent},
		{name: "a 400 to an invalid request", intent: invalidReq, resp: badRequest},
		{name: "a documented 500 to a valid request", intent: validReq, resp: serverFail, want: []string{"-"}},
		{name: "a 500 to an invalid request", intent: invalidReq, resp: serverFail, want: []string{"-"}},
		{name: "a 503", intent: validReq, resp: canned{status: 503}, want: []string{"-"}},
		{name: "never on a scenario's request", resp: serverFail},
	})
}

func TestCheckNegativeDataRejected(t *testing.T) {
	runCheckCases(t, "negative-data-rejected", []checkCase{
		{name: "an invalid request refused", intent: invalidReq, resp: badRequest},
		{name: "a valid request accepted", intent: validReq, resp: noContent},
		{name: "an invalid request accepted", intent: invalidReq, resp: noContent, want: []string{"-"}},
		{name: "an invalid create accepted with 201", op: "createOrgV2Environment", intent: invalidReq, resp: created, want: []string{"-"}},
	})
}

func TestCheckAuthEnforced(t *testing.T) {
	runCheckCases(t, "auth-enforced", []checkCase{
		{name: "no credentials refused", intent: anonymous, resp: unauth},
		{name: "valid credentials accepted", intent: validReq, resp: noContent},
		{name: "no credentials accepted", intent: anonymous, resp: noContent, want: []string{"-"}},
		{name: "a malformed header accepted", intent: &Intent{Credentials: CredentialsMalformed}, resp: noContent, want: []string{"-"}},
		{name: "an unknown token accepted (apinizer)", api: "apinizer", intent: &Intent{Credentials: CredentialsUnknown}, resp: canned{status: 200}, want: []string{"-"}},
	})
}

func TestCheckUnsupportedMethod(t *testing.T) {
	runCheckCases(t, "unsupported-method", []checkCase{
		{name: "a 405 with Allow", intent: putReq, resp: canned{status: 405, header: map[string]string{"Allow": "DELETE, GET"}}},
		{name: "a 404", intent: putReq, resp: canned{status: 404}},
		{name: "a documented method", intent: validReq, resp: noContent},
		{name: "a 405 without Allow", intent: putReq, resp: canned{status: 405}, want: []string{"Allow"}},
		{name: "a 200", intent: putReq, resp: canned{status: 200}, want: []string{"-"}},
		{name: "a 500", intent: putReq, resp: serverFail, want: []string{"-"}},
	})
}
