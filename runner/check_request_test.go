package runner

import (
	"net/http"
	"testing"
)

// The request checks hold observed traffic (a proxied or recorded request) to the operation.
// Credentials are recorded redacted but for their scheme word ("Basic [REDACTED]").

var (
	basicAuth  = http.Header{"Authorization": {"Basic " + Redacted}}
	bearerAuth = http.Header{"Authorization": {"Bearer " + Redacted}}
	noContent  = canned{status: 204, header: confluentHeaders()}
)

func withJSON(h http.Header) http.Header {
	out := h.Clone()
	out.Set("Content-Type", "application/json")
	return out
}

func TestCheckRequestSecurity(t *testing.T) {
	runCheckCases(t, "request-security", []checkCase{
		{name: "basic credentials", request: &RecordedRequest{Header: basicAuth}, resp: noContent},
		{name: "a bearer token (STS)", request: &RecordedRequest{Header: bearerAuth}, resp: noContent},
		{name: "no credentials", request: &RecordedRequest{}, resp: noContent, want: []string{"-"}},
		{name: "a scheme the operation does not accept", request: &RecordedRequest{Header: http.Header{"Authorization": {"Digest " + Redacted}}}, resp: noContent, want: []string{"-"}},
		{name: "apinizer bearer", api: "apinizer", request: &RecordedRequest{Header: bearerAuth}, resp: canned{status: 200}},
		{name: "apinizer basic is refused", api: "apinizer", request: &RecordedRequest{Header: basicAuth}, resp: canned{status: 200}, want: []string{"-"}},
		{name: "never on apiconform's own requests", resp: noContent},
	})
}

func TestCheckRequestParameters(t *testing.T) {
	bad := &RecordedRequest{Header: basicAuth, Path: "/org/v2/environments/"}
	runCheckCases(t, "request-parameters", []checkCase{
		{name: "a path parameter", request: &RecordedRequest{Header: basicAuth}, resp: noContent},
		{name: "an empty required path parameter", request: bad, params: map[string]string{"id": ""}, resp: noContent, want: []string{"-"}},
	})
}

func TestCheckRequestBody(t *testing.T) {
	create := "createOrgV2Environment"
	runCheckCases(t, "request-body", []checkCase{
		{name: "a valid create", op: create, request: &RecordedRequest{Header: withJSON(basicAuth), Body: Body(`{"display_name":"prod"}`)}, resp: canned{status: 201}},
		{name: "a create without display_name", op: create, request: &RecordedRequest{Header: withJSON(basicAuth), Body: Body(`{"stream_governance_config":{"package":"ESSENTIALS"}}`)}, resp: canned{status: 201}, want: []string{"/display_name"}},
		{name: "a display_name of the wrong type", op: create, request: &RecordedRequest{Header: withJSON(basicAuth), Body: Body(`{"display_name":42}`)}, resp: canned{status: 201}, want: []string{"/display_name"}},
		{name: "a body that is not JSON", op: create, request: &RecordedRequest{Header: withJSON(basicAuth), Body: Body(`{"display_name": `)}, resp: canned{status: 201}, want: []string{"-"}},
		{name: "no body where one is required", op: create, request: &RecordedRequest{Header: basicAuth}, resp: canned{status: 201}, want: []string{"-"}},
		{name: "a media type the requestBody does not declare", op: create, request: &RecordedRequest{Header: http.Header{"Authorization": {"Basic " + Redacted}, "Content-Type": {"text/plain"}}, Body: Body(`display_name=x`)}, resp: canned{status: 201}, want: []string{"-"}},
		{name: "apinizer undeploy without a body (optional)", api: "apinizer", request: &RecordedRequest{Header: bearerAuth}, resp: canned{status: 200}},
		{name: "apinizer undeploy with wrong types", api: "apinizer", request: &RecordedRequest{Header: withJSON(bearerAuth), Body: Body(`{"description":42,"persistent":"yes"}`)}, resp: canned{status: 200}, want: []string{"/description", "/persistent"}},
	})
}
