package mock

import (
	"context"
	"net/url"
	"sync"
	"testing"

	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/specs"
)

var (
	apisOnce sync.Once
	apis     map[string]*runner.API
	apisErr  error
)

// testAPI returns the embedded spec prepared for the runner, once per test binary.
func testAPI(t testing.TB, name string) *runner.API {
	t.Helper()
	apisOnce.Do(func() {
		apis = map[string]*runner.API{}
		for _, n := range []string{specs.Confluent, specs.Apinizer} {
			doc, err := specs.Load(n)
			if err != nil {
				apisErr = err
				return
			}
			if apis[n], err = runner.NewAPI(n, doc); err != nil {
				apisErr = err
				return
			}
		}
	})
	if apisErr != nil {
		t.Fatal(apisErr)
	}
	return apis[name]
}

// step is one request fired through the runner.
type step struct {
	api    string // default confluent
	op     string
	params map[string]string
	cred   *runner.Credential
	body   string
	// method replaces the operation's (a method the path does not document); intent makes the
	// step a generated request, checked with CheckProbe.
	method string
	intent *runner.Intent
}

// Runner credentials of the demo state.
var (
	credDemo     = &runner.Credential{Scheme: "cloud-api-key", Username: "demo-key", Password: "demo-secret"}
	credViewer   = &runner.Credential{Scheme: "cloud-api-key", Username: "viewer-key", Password: "viewer-secret"}
	credLimited  = &runner.Credential{Scheme: "cloud-api-key", Username: "ratelimited-key", Password: "ratelimited-secret"}
	credQuota    = &runner.Credential{Scheme: "cloud-api-key", Username: "quota-key", Password: "quota-secret"}
	credBadKey   = &runner.Credential{Scheme: "global-api-key", Username: "demo-key", Password: "wrong"}
	credSTS      = &runner.Credential{Scheme: "confluent-sts-access-token", Token: "demo-sts-token"}
	credBadSTS   = &runner.Credential{Scheme: "confluent-sts-access-token", Token: "nope"}
	tokenDemo    = &runner.Credential{Scheme: "bearerAuth", Token: "demo-token"}
	tokenViewer  = &runner.Credential{Scheme: "bearerAuth", Token: "viewer-token"}
	tokenLimited = &runner.Credential{Scheme: "bearerAuth", Token: "limited-token"}
	tokenExpired = &runner.Credential{Scheme: "bearerAuth", Token: "expired-token"}
)

func env(id string) map[string]string { return map[string]string{"id": id} }

func deployment(project, proxy, environment string) map[string]string {
	return map[string]string{"projectName": project, "apiProxyName": proxy, "environmentName": environment}
}

// fire sends s through client to base and returns the exchange and what checker finds in it
// (contract checks only: no scenario expectations).
func fire(t testing.TB, base string, client *runner.Client, checker *runner.Checker, s step) (*runner.Exchange, []runner.Violation) {
	t.Helper()
	apiName := s.api
	if apiName == "" {
		apiName = specs.Confluent
	}
	op := testAPI(t, apiName).Operation(s.op)
	if op == nil {
		t.Fatalf("no operation %s in %s", s.op, apiName)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	if s.method != "" {
		cp := *op
		cp.Method = s.method
		op = &cp
	}
	r := runner.Request{Op: op, PathParams: s.params, Credential: s.cred}
	if s.body != "" {
		r.Body = []byte(s.body)
	}
	ex, err := client.Do(context.Background(), u, r)
	if err != nil {
		t.Fatal(err)
	}
	if s.intent != nil {
		return ex, checker.CheckProbe(op, ex, s.intent)
	}
	return ex, checker.Check(op, ex, nil)
}

func newRunnerClient(t testing.TB) *runner.Client {
	t.Helper()
	c, err := runner.NewClient(runner.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newChecker() *runner.Checker {
	return runner.NewChecker(runner.All(), runner.CheckOptions{}, nil)
}

// conformanceSample is a broad sample of requests, in an order that makes sense on one mock of
// the default state, that between them give every status the mock answers on a spec operation.
var conformanceSample = []struct {
	step
	want int
}{
	{step{op: "getOrgV2Environment", params: env("env-demo1"), cred: credDemo}, 200},
	{step{op: "getOrgV2Environment", params: env("env-demo1"), cred: credViewer}, 200},
	{step{op: "getOrgV2Environment", params: env("env-inflight1"), cred: credSTS}, 200},
	{step{op: "getOrgV2Environment", params: env("env-nope"), cred: credDemo}, 404},
	{step{op: "getOrgV2Environment", params: env("not-an-env"), cred: credDemo}, 400},
	{step{op: "getOrgV2Environment", params: env("env-demo1")}, 401},
	{step{op: "getOrgV2Environment", params: env("env-demo1"), cred: credBadSTS}, 401},
	{step{op: "getOrgV2Environment", params: env("env-demo1"), cred: credLimited}, 429},
	{step{op: "createOrgV2Environment", cred: credDemo, body: `{"display_name":"scratch"}`}, 201},
	{step{op: "createOrgV2Environment", cred: credSTS, body: `{"display_name":"sg","stream_governance_config":{"package":"ESSENTIALS"}}`}, 201},
	{step{op: "createOrgV2Environment", cred: credViewer, body: `{"display_name":"scratch"}`}, 403},
	{step{op: "createOrgV2Environment", cred: credDemo, body: `{}`}, 422},
	{step{op: "createOrgV2Environment", cred: credDemo, body: `{"display_name":`}, 400},
	{step{op: "createOrgV2Environment", body: `{"display_name":"x"}`}, 401},
	{step{op: "createOrgV2Environment", cred: credLimited, body: `{"display_name":"x"}`}, 429},
	{step{op: "createOrgV2Environment", cred: credQuota, body: `{"display_name":"x"}`}, 402},
	{step{op: "getOrgV2Environment", params: env("env-demo1"), cred: credQuota}, 404},
	{step{op: "deleteOrgV2Environment", params: env("env-demo2"), cred: credDemo}, 204},
	{step{op: "deleteOrgV2Environment", params: env("env-demo2"), cred: credDemo}, 404},
	{step{op: "deleteOrgV2Environment", params: env("env-demo3"), cred: credSTS}, 204},
	{step{op: "deleteOrgV2Environment", params: env("lkc-demo11"), cred: credDemo}, 400},
	{step{op: "deleteOrgV2Environment", params: env("env-demo1"), cred: credViewer}, 403},
	{step{op: "deleteOrgV2Environment", params: env("env-inflight1"), cred: credDemo}, 409},
	{step{op: "deleteOrgV2Environment", params: env("env-demo1"), cred: credLimited}, 429},
	{step{op: "deleteOrgV2Environment", params: env("env-demo1")}, 401},
	{step{op: "deleteOrgV2Environment", params: env("env-demo1"), cred: credBadKey}, 401},
	{step{op: "deleteOrgV2Environment", params: env("env-demo1"), cred: credDemo}, 204},
	{step{api: specs.Apinizer, op: "undeployApiProxy", params: deployment("DemoProject", "petstore-api", "production"), cred: tokenDemo}, 200},
	{step{api: specs.Apinizer, op: "undeployApiProxy", params: deployment("DemoProject", "petstore-api", "production"), cred: tokenDemo}, 400},
	{step{api: specs.Apinizer, op: "undeployApiProxy", params: deployment("DemoProject", "petstore-api", "staging"), cred: tokenDemo,
		body: `{"description":"Scheduled maintenance","persistent":true}`}, 200},
	{step{api: specs.Apinizer, op: "undeployApiProxy", params: deployment("DemoProject", "orders-api", "production"), cred: tokenDemo}, 400},
	{step{api: specs.Apinizer, op: "undeployApiProxy", params: deployment("DemoProject", "nope-api", "production"), cred: tokenDemo}, 400},
	{step{api: specs.Apinizer, op: "undeployApiProxy", params: deployment("DemoProject", "petstore-api", "qa"), cred: tokenDemo}, 400},
	{step{api: specs.Apinizer, op: "undeployApiProxy", params: deployment("DemoProject", "petstore-api", "production"), cred: tokenLimited}, 400},
	{step{api: specs.Apinizer, op: "undeployApiProxy", params: deployment("DemoProject", "petstore-api", "production"), cred: tokenDemo, body: `{"persistent":"yes"}`}, 400},
	{step{api: specs.Apinizer, op: "undeployApiProxy", params: deployment("DemoProject", "petstore-api", "production"), cred: tokenViewer}, 403},
	{step{api: specs.Apinizer, op: "undeployApiProxy", params: deployment("OtherProject", "billing-api", "production"), cred: tokenDemo}, 404},
	{step{api: specs.Apinizer, op: "undeployApiProxy", params: deployment("DemoProject", "petstore-api", "production"), cred: tokenExpired}, 401},
	{step{api: specs.Apinizer, op: "undeployApiProxy", params: deployment("DemoProject", "petstore-api", "production")}, 401},
	{step{api: specs.Apinizer, op: "deployApiProxy", params: deployment("DemoProject", "orders-api", "test"), cred: tokenDemo}, 200},
	{step{api: specs.Apinizer, op: "deployApiProxy", params: deployment("DemoProject", "orders-api", "test"), cred: tokenDemo}, 200},
	{step{api: specs.Apinizer, op: "deployApiProxy", params: deployment("DemoProject", "nope-api", "test"), cred: tokenDemo}, 400},
	{step{api: specs.Apinizer, op: "deployApiProxy", params: deployment("DemoProject", "orders-api", "test"), cred: tokenViewer}, 403},
	{step{api: specs.Apinizer, op: "deployApiProxy", params: deployment("NoProject", "orders-api", "test"), cred: tokenDemo}, 404},
	{step{api: specs.Apinizer, op: "deployApiProxy", params: deployment("DemoProject", "orders-api", "test")}, 401},
}

// TestConformance: every response of the mock in a broad sample passes every contract check,
// in one run (so request IDs are also unique across it).
func TestConformance(t *testing.T) {
	_, base := start(t, nil, Options{})
	client, checker := newRunnerClient(t), newChecker()
	for i, c := range conformanceSample {
		ex, vs := fire(t, base, client, checker, c.step)
		if ex.Status() != c.want {
			t.Errorf("#%d %s %v: status %d, want %d", i, c.op, c.params, ex.Status(), c.want)
		}
		for _, v := range vs {
			t.Errorf("#%d: %s", i, v)
		}
	}
}

// TestConformanceWithDeletionDelay: the 409 of an environment whose deletion is in progress
// (Location included) and the GET that shows deleted_at keep the contract.
func TestConformanceWithDeletionDelay(t *testing.T) {
	_, base := start(t, nil, Options{DeletionDelay: 1 << 40})
	client, checker := newRunnerClient(t), newChecker()
	for i, c := range []struct {
		step
		want int
	}{
		{step{op: "deleteOrgV2Environment", params: env("env-demo1"), cred: credDemo}, 204},
		{step{op: "deleteOrgV2Environment", params: env("env-demo1"), cred: credDemo}, 409},
		{step{op: "getOrgV2Environment", params: env("env-demo1"), cred: credDemo}, 200},
	} {
		ex, vs := fire(t, base, client, checker, c.step)
		if ex.Status() != c.want {
			t.Errorf("#%d: status %d, want %d", i, ex.Status(), c.want)
		}
		for _, v := range vs {
			t.Errorf("#%d: %s", i, v)
		}
	}
}
