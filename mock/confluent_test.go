package mock

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	demoKey    = basic("demo-key", "demo-secret")
	viewerKey  = basic("viewer-key", "viewer-secret")
	limitedKey = basic("ratelimited-key", "ratelimited-secret")
	stsToken   = bearer("demo-sts-token")
)

// TestConfluentStatuses fires one request at a fresh mock of the default state per case and
// checks the status, the headers the contract names, and the Failure body.
func TestConfluentStatuses(t *testing.T) {
	tests := []struct {
		name string
		req  req
		want int
		// headers must be present; code is errors[0].code; param/pointer the error's source.
		headers []string
		code    string
		param   string
		pointer string
	}{
		{name: "delete with api key", req: req{method: "DELETE", path: envPath + "env-demo2", auth: demoKey},
			want: 204, headers: []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"}},
		{name: "delete with sts token", req: req{method: "DELETE", path: envPath + "env-demo3", auth: stsToken}, want: 204},
		{name: "delete without credentials", req: req{method: "DELETE", path: envPath + "env-demo2"},
			want: 401, headers: []string{"Www-Authenticate"}, code: "user_unauthenticated"},
		{name: "delete with a bad secret", req: req{method: "DELETE", path: envPath + "env-demo2", auth: basic("demo-key", "wrong")},
			want: 401, headers: []string{"Www-Authenticate"}, code: "user_unauthenticated"},
		{name: "delete with an unknown key", req: req{method: "DELETE", path: envPath + "env-demo2", auth: basic("nobody", "x")},
			want: 401, headers: []string{"Www-Authenticate"}, code: "user_unauthenticated"},
		{name: "delete with a malformed basic header", req: req{method: "DELETE", path: envPath + "env-demo2", auth: "Basic !!!"},
			want: 401, headers: []string{"Www-Authenticate"}, code: "user_unauthenticated"},
		{name: "delete with an unknown token", req: req{method: "DELETE", path: envPath + "env-demo2", auth: bearer("nope")},
			want: 401, headers: []string{"Www-Authenticate"}, code: "user_unauthenticated"},
		{name: "delete with another scheme", req: req{method: "DELETE", path: envPath + "env-demo2", auth: "Digest x"},
			want: 401, headers: []string{"Www-Authenticate"}, code: "user_unauthenticated"},
		{name: "delete without permission", req: req{method: "DELETE", path: envPath + "env-demo2", auth: viewerKey},
			want: 403, code: "user_unauthorized"},
		{name: "delete of an unknown environment", req: req{method: "DELETE", path: envPath + "env-nope", auth: demoKey},
			want: 404, code: "resource_not_found"},
		{name: "delete of a malformed id", req: req{method: "DELETE", path: envPath + "lkc-demo11", auth: demoKey},
			want: 400, code: "invalid_parameter", param: "id"},
		{name: "delete of an id with a dash", req: req{method: "DELETE", path: envPath + "env-demo-1", auth: demoKey},
			want: 400, param: "id"},
		{name: "delete of a bare prefix", req: req{method: "DELETE", path: envPath + "env-", auth: demoKey},
			want: 400, param: "id"},
		{name: "delete while a deletion is in progress", req: req{method: "DELETE", path: envPath + "env-inflight1", auth: demoKey},
			want: 409, headers: []string{"Location"}, code: "resource_deletion_in_progress"},
		{name: "delete with a spent rate limit", req: req{method: "DELETE", path: envPath + "env-demo2", auth: limitedKey},
			want: 429, headers: []string{"Retry-After", "X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"}},
		{name: "get", req: req{method: "GET", path: envPath + "env-demo1", auth: viewerKey},
			want: 200, headers: []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"}},
		{name: "get while being deleted", req: req{method: "GET", path: envPath + "env-inflight1", auth: demoKey}, want: 200},
		{name: "get without credentials", req: req{method: "GET", path: envPath + "env-demo1"},
			want: 401, headers: []string{"Www-Authenticate"}, code: "user_unauthenticated"},
		{name: "get of an unknown environment", req: req{method: "GET", path: envPath + "env-nope", auth: demoKey},
			want: 404, code: "resource_not_found"},
		{name: "get of a malformed id", req: req{method: "GET", path: envPath + "env_1", auth: demoKey},
			want: 400, param: "id"},
		{name: "get with a spent rate limit", req: req{method: "GET", path: envPath + "env-demo1", auth: limitedKey},
			want: 429, headers: []string{"Retry-After"}},
		{name: "create", req: req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{"display_name":"scratch"}`},
			want: 201, headers: []string{"Location", "X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"}},
		{name: "create with stream governance", req: req{method: "POST", path: "/org/v2/environments", auth: stsToken,
			body: `{"display_name":"sg","stream_governance_config":{"package":"ADVANCED"}}`}, want: 201},
		{name: "create without permission", req: req{method: "POST", path: "/org/v2/environments", auth: viewerKey, body: `{"display_name":"x"}`},
			want: 403, code: "user_unauthorized"},
		{name: "create without credentials", req: req{method: "POST", path: "/org/v2/environments", body: `{"display_name":"x"}`},
			want: 401, headers: []string{"Www-Authenticate"}},
		{name: "create without a body", req: req{method: "POST", path: "/org/v2/environments", auth: demoKey},
			want: 400, code: "invalid_input"},
		{name: "create with invalid JSON", req: req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{"display_name":`},
			want: 400, code: "invalid_input"},
		{name: "create with an array", req: req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `[]`},
			want: 400, code: "invalid_input"},
		{name: "create with a numeric name", req: req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{"display_name":7}`},
			want: 400, pointer: "/display_name"},
		{name: "create without display_name", req: req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{}`},
			want: 422, code: "validation_failed", pointer: "/display_name"},
		{name: "create with an empty display_name", req: req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{"display_name":" "}`},
			want: 422, pointer: "/display_name"},
		// Found by apiconform probe: a null is no object, and a body in another media type is refused.
		{name: "create with a null stream governance config", req: req{method: "POST", path: "/org/v2/environments", auth: demoKey,
			body: `{"display_name":"x","stream_governance_config":null}`}, want: 400, pointer: "/stream_governance_config"},
		{name: "create sent as text/plain", req: req{method: "POST", path: "/org/v2/environments", auth: demoKey, ctype: "text/plain",
			body: `{"display_name":"x"}`}, want: 400},
		{name: "create with a bad stream governance config", req: req{method: "POST", path: "/org/v2/environments", auth: demoKey,
			body: `{"display_name":"x","stream_governance_config":"ADVANCED"}`}, want: 400, pointer: "/stream_governance_config"},
		{name: "create with no package", req: req{method: "POST", path: "/org/v2/environments", auth: demoKey,
			body: `{"display_name":"x","stream_governance_config":{}}`}, want: 422, pointer: "/stream_governance_config/package"},
		{name: "create with a spent rate limit", req: req{method: "POST", path: "/org/v2/environments", auth: limitedKey, body: `{"display_name":"x"}`},
			want: 429, headers: []string{"Retry-After"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base := start(t, nil, Options{})
			g := send(t, base, tt.req)
			if g.status != tt.want {
				t.Fatalf("status %d, want %d; body %s", g.status, tt.want, g.body)
			}
			for _, h := range append([]string{"X-Request-Id"}, tt.headers...) {
				if g.header.Get(h) == "" {
					t.Errorf("header %s is missing", h)
				}
			}
			if tt.want >= 400 && tt.want != 429 {
				checkFailure(t, g, tt.code, tt.param, tt.pointer)
			}
			if tt.want == 204 || tt.want == 429 {
				if len(g.body) != 0 {
					t.Errorf("a %d has a body: %s", tt.want, g.body)
				}
			}
		})
	}
}

// checkFailure checks a Confluent error body: one error, status the HTTP status as a string,
// id and title set, and the expected code and source.
func checkFailure(t *testing.T, g got, code, param, pointer string) {
	t.Helper()
	if ct := g.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	m := g.json()
	if m == nil {
		t.Fatalf("body is not a JSON object: %s", g.body)
	}
	if n := len(at(m, "errors").([]any)); n != 1 {
		t.Errorf("%d errors, want 1", n)
	}
	e := at(m, "errors", 0)
	if st, _ := at(e, "status").(string); st != strconv.Itoa(g.status) {
		t.Errorf("errors[0].status %v, want %q", at(e, "status"), strconv.Itoa(g.status))
	}
	if at(e, "id") == "" || at(e, "title") == "" || at(e, "detail") == "" {
		t.Errorf("error lacks id, title or detail: %s", g.body)
	}
	if code != "" && at(e, "code") != code {
		t.Errorf("errors[0].code %v, want %s", at(e, "code"), code)
	}
	if param != "" && at(e, "source", "parameter") != param {
		t.Errorf("errors[0].source.parameter %v, want %s", at(e, "source", "parameter"), param)
	}
	if pointer != "" && at(e, "source", "pointer") != pointer {
		t.Errorf("errors[0].source.pointer %v, want %s", at(e, "source", "pointer"), pointer)
	}
}

func TestConfluentAuthChallenges(t *testing.T) {
	_, base := start(t, nil, Options{})
	tests := []struct {
		auth string
		want []string
	}{
		{"", []string{`Basic realm="Confluent Cloud"`, `Bearer realm="Confluent Cloud"`}},
		{basic("demo-key", "bad"), []string{`Basic realm="Confluent Cloud", error="invalid_key", error_description="The API Key is invalid"`}},
		{bearer("bad"), []string{`Bearer realm="Confluent Cloud", error="invalid_token", error_description="The access token is invalid"`}},
	}
	for _, tt := range tests {
		g := send(t, base, req{method: "DELETE", path: envPath + "env-demo1", auth: tt.auth})
		if got := g.header.Values("Www-Authenticate"); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("auth %q: WWW-Authenticate %q, want %q", tt.auth, got, tt.want)
		}
		if g.header.Get("X-Ratelimit-Limit") != "" {
			t.Errorf("auth %q: an unauthenticated request carries rate-limit headers", tt.auth)
		}
	}
}

// TestConfluentDeleteTwice: the rule. A plain DELETE of env-demo1 is 204, the next 404,
// and a GET after it 404.
func TestConfluentDeleteTwice(t *testing.T) {
	_, base := start(t, nil, Options{})
	steps := []struct {
		method string
		want   int
	}{{"GET", 200}, {"DELETE", 204}, {"DELETE", 404}, {"GET", 404}}
	for i, s := range steps {
		if g := send(t, base, req{method: s.method, path: envPath + "env-demo1", auth: demoKey}); g.status != s.want {
			t.Fatalf("step %d: %s: %d, want %d", i, s.method, g.status, s.want)
		}
	}
}

// TestConfluentRecursiveDelete: deleting env-demo1 deletes its two Kafka clusters and its
// connector, and nothing of env-demo3's.
func TestConfluentRecursiveDelete(t *testing.T) {
	_, base := start(t, nil, Options{})
	before := snapshot(t, base)
	if got := ids(at(before, "confluent", "kafka_clusters"), "id"); len(got) != 3 {
		t.Fatalf("default state clusters %v", got)
	}
	if g := send(t, base, req{method: "DELETE", path: envPath + "env-demo1", auth: demoKey}); g.status != 204 {
		t.Fatalf("DELETE: %d %s", g.status, g.body)
	}
	after := snapshot(t, base)
	if envs := ids(at(after, "confluent", "environments"), "id"); contains(envs, "env-demo1") || !contains(envs, "env-demo2") {
		t.Errorf("environments after delete: %v", envs)
	}
	if got := ids(at(after, "confluent", "kafka_clusters"), "id"); strings.Join(got, ",") != "lkc-demo31" {
		t.Errorf("clusters after delete: %v, want only lkc-demo31", got)
	}
	if got := ids(at(after, "confluent", "connectors"), "name"); len(got) != 0 {
		t.Errorf("connectors after delete: %v, want none", got)
	}
}

// TestConfluentCreateReadDelete: a created environment can be read at its Location, deleted,
// and is then gone; its ID has the documented form.
func TestConfluentCreateReadDelete(t *testing.T) {
	_, base := start(t, nil, Options{})
	g := send(t, base, req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{"display_name":"scratch"}`})
	if g.status != 201 {
		t.Fatalf("POST: %d %s", g.status, g.body)
	}
	m := g.json()
	id, _ := m["id"].(string)
	if !validEnvID(id) || m["api_version"] != "org/v2" || m["kind"] != "Environment" || m["display_name"] != "scratch" {
		t.Fatalf("created %s", g.body)
	}
	loc := g.header.Get("Location")
	if loc != base+envPath+id || at(m, "metadata", "self") != loc {
		t.Errorf("Location %q, metadata.self %v, want %s", loc, at(m, "metadata", "self"), base+envPath+id)
	}
	if rn, _ := at(m, "metadata", "resource_name").(string); !strings.HasSuffix(rn, "/environment="+id) {
		t.Errorf("resource_name %q", rn)
	}
	if _, err := time.Parse(time.RFC3339, at(m, "metadata", "created_at").(string)); err != nil {
		t.Errorf("created_at: %v", err)
	}
	if g := send(t, base, req{method: "GET", path: envPath + id, auth: demoKey}); g.status != 200 || g.json()["display_name"] != "scratch" {
		t.Errorf("GET: %d %s", g.status, g.body)
	}
	if g := send(t, base, req{method: "DELETE", path: envPath + id, auth: demoKey}); g.status != 204 {
		t.Errorf("DELETE: %d", g.status)
	}
	if g := send(t, base, req{method: "GET", path: envPath + id, auth: demoKey}); g.status != 404 {
		t.Errorf("GET after DELETE: %d", g.status)
	}
}

// TestConfluentDeletionDelay: with a deletion delay, a DELETE while the deletion is in progress
// is 409 with the environment's Location; GET shows deleted_at; once the delay has passed the
// environment and its contents are gone.
func TestConfluentDeletionDelay(t *testing.T) {
	clk := newClock()
	_, base := start(t, nil, Options{DeletionDelay: 30 * time.Second, Now: clk.Now})
	del := req{method: "DELETE", path: envPath + "env-demo1", auth: demoKey}
	if g := send(t, base, del); g.status != 204 {
		t.Fatalf("first DELETE: %d", g.status)
	}
	g := send(t, base, del)
	if g.status != 409 || g.header.Get("Location") != base+envPath+"env-demo1" {
		t.Fatalf("second DELETE: %d, Location %q", g.status, g.header.Get("Location"))
	}
	checkFailure(t, g, "resource_deletion_in_progress", "", "")
	g = send(t, base, req{method: "GET", path: envPath + "env-demo1", auth: demoKey})
	if g.status != 200 || at(g.json(), "metadata", "deleted_at") == nil {
		t.Fatalf("GET during deletion: %d %s", g.status, g.body)
	}
	clk.Advance(31 * time.Second)
	for _, method := range []string{"GET", "DELETE"} {
		if g := send(t, base, req{method: method, path: envPath + "env-demo1", auth: demoKey}); g.status != 404 {
			t.Errorf("%s after the delay: %d", method, g.status)
		}
	}
	if got := ids(at(snapshot(t, base), "confluent", "kafka_clusters"), "id"); strings.Join(got, ",") != "lkc-demo31" {
		t.Errorf("clusters after the delay: %v", got)
	}
}

// TestConfluentRateLimit: per-credential windows with truthful headers; 429 with Retry-After
// when spent, not counted; a fresh window after the reset time.
func TestConfluentRateLimit(t *testing.T) {
	clk := newClock()
	state, err := DefaultState()
	if err != nil {
		t.Fatal(err)
	}
	state.Confluent.RateLimit = RateLimit{Limit: 3, WindowSeconds: 10}
	_, base := start(t, state, Options{Now: clk.Now})
	get := func(auth string) got {
		return send(t, base, req{method: "GET", path: envPath + "env-demo2", auth: auth})
	}
	for i := 1; i <= 3; i++ {
		g := get(demoKey)
		if g.status != 200 || g.header.Get("X-Ratelimit-Limit") != "3" || g.header.Get("X-Ratelimit-Remaining") != strconv.Itoa(3-i) || g.header.Get("X-Ratelimit-Reset") != "10" {
			t.Fatalf("request %d: %d %v", i, g.status, g.header)
		}
	}
	clk.Advance(4 * time.Second)
	g := get(demoKey)
	if g.status != 429 || g.header.Get("Retry-After") != "6" || g.header.Get("X-Ratelimit-Remaining") != "0" || g.header.Get("X-Ratelimit-Reset") != "6" {
		t.Fatalf("over the limit: %d %v", g.status, g.header)
	}
	if g := get(stsToken); g.status != 200 || g.header.Get("X-Ratelimit-Remaining") != "2" {
		t.Errorf("another credential shares the window: %d %v", g.status, g.header)
	}
	clk.Advance(6 * time.Second)
	if g := get(demoKey); g.status != 200 || g.header.Get("X-Ratelimit-Remaining") != "2" {
		t.Errorf("after the window: %d %v", g.status, g.header)
	}
	// ratelimited-key is spent in every window.
	for i := 0; i < 3; i++ {
		if g := get(limitedKey); g.status != 429 || g.header.Get("X-Ratelimit-Remaining") != "0" {
			t.Errorf("ratelimited-key: %d %v", g.status, g.header)
		}
		clk.Advance(time.Minute)
	}
}

// TestConfluentDemoLimitIsGenerous: a suite's few hundred requests with demo-key stay under
// the limit; every authenticated request counts, errors too (though only successes and 429s
// carry the headers, as the spec documents).
func TestConfluentDemoLimitIsGenerous(t *testing.T) {
	_, base := start(t, nil, Options{})
	for i := 0; i < 299; i++ {
		send(t, base, req{method: "GET", path: envPath + "env-nope", auth: demoKey})
	}
	g := send(t, base, req{method: "GET", path: envPath + "env-demo1", auth: demoKey})
	if g.status != 200 || g.header.Get("X-Ratelimit-Limit") != "1000" || g.header.Get("X-Ratelimit-Remaining") != "700" {
		t.Errorf("after 300 requests: %d %v", g.status, g.header)
	}
}
