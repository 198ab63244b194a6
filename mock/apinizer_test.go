package mock

import (
	"net/http"
	"strings"
	"testing"
)

var (
	demoToken    = bearer("demo-token")
	viewerToken  = bearer("viewer-token")
	limitedToken = bearer("limited-token")
	expiredToken = bearer("expired-token")
)

// TestApinizerStatuses fires one request at a fresh mock of the default state per case and
// checks the status, the error code and the error_description.
func TestApinizerStatuses(t *testing.T) {
	tests := []struct {
		name string
		req  req
		want int
		code string
		// desc must be contained in error_description.
		desc string
	}{
		{name: "undeploy", req: req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken}, want: 200},
		{name: "undeploy with a body", req: req{method: "DELETE", path: proxyPath("petstore-api", "staging"), auth: demoToken,
			body: `{"description":"Scheduled maintenance","persistent":true}`}, want: 200},
		// Found by apiconform probe: the spec makes neither the body nor its fields nullable.
		{name: "undeploy with a null body", req: req{method: "DELETE", path: proxyPath("petstore-api", "staging"), auth: demoToken, body: `null`}, want: 400, code: "bad_request", desc: "not null"},
		{name: "undeploy with a null description", req: req{method: "DELETE", path: proxyPath("petstore-api", "staging"), auth: demoToken, body: `{"description": null}`},
			want: 400, code: "bad_request", desc: "Field description must be a string, not null"},
		{name: "undeploy with a null persistent", req: req{method: "DELETE", path: proxyPath("petstore-api", "staging"), auth: demoToken, body: `{"persistent": null}`},
			want: 400, code: "bad_request", desc: "Field persistent must be a boolean (true or false), not null"},
		{name: "undeploy with unknown fields", req: req{method: "DELETE", path: proxyPath("petstore-api", "staging"), auth: demoToken, body: `{"x":1}`}, want: 200},
		{name: "deploy", req: req{method: "POST", path: proxyPath("orders-api", "test"), auth: demoToken}, want: 200},
		{name: "redeploy", req: req{method: "POST", path: proxyPath("petstore-api", "production"), auth: demoToken}, want: 200},
		{name: "no token", req: req{method: "DELETE", path: proxyPath("petstore-api", "production")},
			want: 401, code: "unauthorized_client", desc: "Full authentication is required"},
		{name: "unknown token", req: req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: bearer("nope")},
			want: 401, code: "unauthorized_client", desc: "Invalid token"},
		{name: "expired token", req: req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: expiredToken},
			want: 401, code: "unauthorized_client", desc: "Token has expired"},
		{name: "basic auth", req: req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: basic("demo", "demo")},
			want: 401, code: "unauthorized_client", desc: "Invalid token"},
		{name: "deploy with an expired token", req: req{method: "POST", path: proxyPath("orders-api", "test"), auth: expiredToken},
			want: 401, code: "unauthorized_client"},
		{name: "unknown project", req: req{method: "DELETE", path: "/apiops/projects/NoProject/apiProxies/petstore-api/environments/production/", auth: demoToken},
			want: 404, code: "not_found", desc: "Project (NoProject) is not found or user does not have privilege to access it!"},
		{name: "project not visible", req: req{method: "DELETE", path: "/apiops/projects/OtherProject/apiProxies/billing-api/environments/production/", auth: demoToken},
			want: 404, code: "not_found", desc: "Project (OtherProject)"},
		{name: "project names are case sensitive", req: req{method: "DELETE", path: "/apiops/projects/demoproject/apiProxies/petstore-api/environments/production/", auth: demoToken},
			want: 404, code: "not_found"},
		{name: "no DEPLOY_UNDEPLOY", req: req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: viewerToken},
			want: 403, code: "forbidden", desc: "User does not have DEPLOY_UNDEPLOY permission in project (DemoProject)"},
		{name: "deploy without DEPLOY_UNDEPLOY", req: req{method: "POST", path: proxyPath("orders-api", "test"), auth: viewerToken},
			want: 403, code: "forbidden"},
		{name: "unknown proxy", req: req{method: "DELETE", path: proxyPath("nope-api", "production"), auth: demoToken},
			want: 400, code: "bad_request", desc: "ApiProxy with name (nope-api) can not be undeployed from Environment(production) because it is not exist!"},
		{name: "deploy of an unknown proxy", req: req{method: "POST", path: proxyPath("nope-api", "production"), auth: demoToken},
			want: 400, code: "bad_request", desc: "ApiProxy with name (nope-api) can not be deployed to Environment(production) because it is not exist!"},
		{name: "unknown environment", req: req{method: "DELETE", path: proxyPath("petstore-api", "qa"), auth: demoToken},
			want: 400, code: "bad_request", desc: "Environment(qa) because the environment is not exist!"},
		{name: "no access to the environment", req: req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: limitedToken},
			want: 400, code: "bad_request", desc: "user does not have access to the environment!"},
		{name: "not deployed there", req: req{method: "DELETE", path: proxyPath("orders-api", "production"), auth: demoToken},
			want: 400, code: "bad_request", desc: "ApiProxy with name (orders-api) is not deployed to Environment(production)"},
		{name: "body not JSON", req: req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken, body: `{"description":`},
			want: 400, code: "bad_request", desc: "Request body is not valid JSON"},
		{name: "body an array", req: req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken, body: `[true]`},
			want: 400, code: "bad_request", desc: "must be a JSON object"},
		{name: "description a number", req: req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken, body: `{"description":5}`},
			want: 400, code: "bad_request", desc: "Field description must be a string, not a number"},
		{name: "persistent a string", req: req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken, body: `{"persistent":"true"}`},
			want: 400, code: "bad_request", desc: "Field persistent must be a boolean (true or false), not a string"},
		{name: "body not JSON content", req: req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken, body: `description=x`, ctype: "application/x-www-form-urlencoded"},
			want: 400, code: "bad_request", desc: "is not supported: send the body as application/json"},
		{name: "path without the trailing slash", req: req{method: "DELETE", path: strings.TrimSuffix(proxyPath("petstore-api", "production"), "/"), auth: demoToken},
			want: 404, code: "not_found", desc: "end with a slash"},
		{name: "wrong method", req: req{method: "GET", path: proxyPath("petstore-api", "production"), auth: demoToken},
			want: 405, code: "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base := start(t, nil, Options{})
			g := send(t, base, tt.req)
			if g.status != tt.want {
				t.Fatalf("status %d, want %d; body %s", g.status, tt.want, g.body)
			}
			if g.header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
			if ct := g.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			m := g.json()
			if tt.want == 200 {
				env := tt.req.path[strings.LastIndex(strings.TrimSuffix(tt.req.path, "/"), "/")+1 : len(tt.req.path)-1]
				msg := "Deployment successful"
				if tt.req.method == "DELETE" {
					msg = "Undeployment successful"
				}
				if m["success"] != true || at(m, "deploymentResult", "success") != true ||
					at(m, "deploymentResult", "deploymentResults", 0, "environmentName") != env ||
					at(m, "deploymentResult", "deploymentResults", 0, "success") != true ||
					at(m, "deploymentResult", "deploymentResults", 0, "message") != msg {
					t.Errorf("envelope %s", g.body)
				}
				return
			}
			desc, _ := m["error_description"].(string)
			if m["error"] != tt.code || desc == "" || !strings.Contains(desc, tt.desc) {
				t.Errorf("error %v %q, want %s containing %q", m["error"], desc, tt.code, tt.desc)
			}
		})
	}
}

// proxyState returns the DemoProject proxy named name from GET /_mock/state.
func proxyState(t *testing.T, base, name string) map[string]any {
	t.Helper()
	projects, _ := at(snapshot(t, base), "apinizer", "projects").([]any)
	for _, p := range projects {
		if at(p, "name") != "DemoProject" {
			continue
		}
		proxies, _ := at(p, "proxies").([]any)
		for _, px := range proxies {
			if at(px, "name") == name {
				return px.(map[string]any)
			}
		}
	}
	t.Fatalf("no proxy %s in the state", name)
	return nil
}

// TestApinizerUndeployEffects: an undeploy removes the deployment, records history with the
// defaults or the body's values, and clears redeployRequired; a second undeploy is 400.
func TestApinizerUndeployEffects(t *testing.T) {
	_, base := start(t, nil, Options{})
	px := proxyState(t, base, "petstore-api")
	if px["redeploy_required"] != true || len(px["history"].([]any)) != 0 {
		t.Fatalf("default petstore-api: %v", px)
	}
	if g := send(t, base, req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken}); g.status != 200 {
		t.Fatalf("undeploy: %d %s", g.status, g.body)
	}
	g := send(t, base, req{method: "DELETE", path: proxyPath("petstore-api", "staging"), auth: demoToken, body: `{"description":"Scheduled maintenance","persistent":true}`})
	if g.status != 200 {
		t.Fatalf("undeploy with body: %d %s", g.status, g.body)
	}
	px = proxyState(t, base, "petstore-api")
	if px["redeploy_required"] != false || len(px["deployed_to"].([]any)) != 0 {
		t.Errorf("after undeploys: %v", px)
	}
	h := px["history"].([]any)
	if len(h) != 2 {
		t.Fatalf("history %v", h)
	}
	want := []map[string]any{
		{"action": "undeploy", "environment": "production", "description": "Undeployed by APIOPS Api", "persistent": false, "user": "demo"},
		{"action": "undeploy", "environment": "staging", "description": "Scheduled maintenance", "persistent": true, "user": "demo"},
	}
	for i, w := range want {
		for k, v := range w {
			if at(h[i], k) != v {
				t.Errorf("history[%d].%s = %v, want %v", i, k, at(h[i], k), v)
			}
		}
		if at(h[i], "time") == "" {
			t.Errorf("history[%d] has no time", i)
		}
	}
	if g := send(t, base, req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken}); g.status != 400 {
		t.Errorf("second undeploy: %d", g.status)
	}
	// Deploy puts it back; redeploy records a redeploy.
	for _, want := range []string{"deploy", "redeploy"} {
		if g := send(t, base, req{method: "POST", path: proxyPath("petstore-api", "production"), auth: demoToken}); g.status != http.StatusOK {
			t.Fatalf("%s: %d", want, g.status)
		}
		h := proxyState(t, base, "petstore-api")["history"].([]any)
		if at(h[len(h)-1], "action") != want {
			t.Errorf("last record %v, want %s", h[len(h)-1], want)
		}
	}
	if got := proxyState(t, base, "petstore-api")["deployed_to"].([]any); len(got) != 1 || got[0] != "production" {
		t.Errorf("deployed_to after deploy: %v", got)
	}
}

// TestApinizerPathParameters: names in paths are URL-decoded and case sensitive.
func TestApinizerPathParameters(t *testing.T) {
	state, err := DefaultState()
	if err != nil {
		t.Fatal(err)
	}
	state.Apinizer.Environments = append(state.Apinizer.Environments, "eu/west")
	state.Apinizer.Projects = append(state.Apinizer.Projects, Project{Name: "R&D", Proxies: []Proxy{{Name: "api.v2", DeployedTo: []string{"eu/west"}}}})
	state.Apinizer.Tokens[0].Projects["R&D"] = []string{PermAPIManagement, PermDeployUndeploy}
	_, base := start(t, state, Options{})
	path := "/apiops/projects/R%26D/apiProxies/api%2Ev2/environments/eu%2Fwest/"
	if g := send(t, base, req{method: "DELETE", path: path, auth: demoToken}); g.status != 200 {
		t.Errorf("undeploy with encoded names: %d %s", g.status, g.body)
	}
	if g := send(t, base, req{method: "POST", path: "/apiops/projects/r%26d/apiProxies/api.v2/environments/eu%2Fwest/", auth: demoToken}); g.status != 404 {
		t.Errorf("deploy to r&d (case differs): %d %s", g.status, g.body)
	}
	if g := send(t, base, req{method: "POST", path: path, auth: demoToken}); g.status != 200 {
		t.Errorf("deploy with encoded names: %d %s", g.status, g.body)
	}
}
