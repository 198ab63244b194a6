package mock

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var quotaKey = basic("quota-key", "quota-secret")

// fullOrg is the demo state's organization whose quota is used up.
const fullOrg = "3d0c1f57-7a51-4b6e-9c3e-5f0f2c8e1a42"

// createEnv POSTs a create with auth.
func createEnv(t *testing.T, base, auth string) got {
	t.Helper()
	return send(t, base, req{method: "POST", path: "/org/v2/environments", auth: auth, body: `{"display_name":"q"}`})
}

// checkOverQuota checks a 402: the Failure body with code quota_exceeded, X-Request-Id, and no
// rate-limit headers (the spec documents none on a 402).
func checkOverQuota(t *testing.T, g got) {
	t.Helper()
	if g.status != http.StatusPaymentRequired {
		t.Fatalf("create over the quota: %d %s, want 402", g.status, g.body)
	}
	checkFailure(t, g, "quota_exceeded", "", "")
	if at(g.json(), "errors", 0, "id") != g.header.Get("X-Request-Id") || g.header.Get("X-Request-Id") == "" {
		t.Errorf("402: errors[0].id %v, X-Request-Id %q", at(g.json(), "errors", 0, "id"), g.header.Get("X-Request-Id"))
	}
	if g.header.Get("X-Ratelimit-Limit") != "" || g.header.Get("Location") != "" {
		t.Errorf("402 headers: %v", g.header)
	}
}

// TestQuota: an organization may hold its quota of environments; a create beyond it is 402,
// however valid; a delete makes room again. An environment being deleted counts until its
// deletion completes. The checks before it (401, 429, 403, 400, 422) come first.
func TestQuota(t *testing.T) {
	clk := newClock()
	state, err := DefaultState()
	if err != nil {
		t.Fatal(err)
	}
	quota := 6 // the default organization holds four environments
	state.Confluent.EnvironmentQuota = &quota
	srv, base := start(t, state, Options{DeletionDelay: 10 * time.Second, Now: clk.Now})
	var created []string
	for range 2 {
		g := createEnv(t, base, demoKey)
		if g.status != 201 {
			t.Fatalf("create under the quota: %d %s", g.status, g.body)
		}
		created = append(created, g.json()["id"].(string))
	}
	checkOverQuota(t, createEnv(t, base, demoKey))
	checkOverQuota(t, createEnv(t, base, stsToken)) // the organization's quota, whatever the credential
	for _, tt := range []struct {
		r    req
		want int
	}{
		{req{method: "POST", path: "/org/v2/environments", auth: viewerKey, body: `{"display_name":"q"}`}, 403},
		{req{method: "POST", path: "/org/v2/environments", auth: limitedKey, body: `{"display_name":"q"}`}, 429},
		{req{method: "POST", path: "/org/v2/environments", body: `{"display_name":"q"}`}, 401},
		{req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{"display_name":`}, 400},
		{req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{}`}, 422},
	} {
		if g := send(t, base, tt.r); g.status != tt.want {
			t.Errorf("%s with a full quota: %d, want %d", tt.r.body, g.status, tt.want)
		}
	}
	// A deletion in progress still counts; once it completes there is room for one more.
	if g := send(t, base, req{method: "DELETE", path: envPath + created[0], auth: demoKey}); g.status != 204 {
		t.Fatalf("DELETE: %d", g.status)
	}
	checkOverQuota(t, createEnv(t, base, demoKey))
	clk.Advance(11 * time.Second)
	if g := createEnv(t, base, demoKey); g.status != 201 {
		t.Fatalf("create after the deletion completed: %d %s", g.status, g.body)
	}
	checkOverQuota(t, createEnv(t, base, demoKey))
	if n := len(srv.Snapshot().Confluent.Environments); n != quota+1 { // + env-full1 of the other organization
		t.Errorf("%d environments, want %d", n, quota+1)
	}
	if q := srv.Snapshot().Confluent.EnvironmentQuota; q == nil || *q != quota {
		t.Errorf("the snapshot's environment_quota: %v", q)
	}
}

// TestQuotaOfTheDemoState: the demo state's second organization is full: quota-key's create is
// 402 (the scenario of fixtures/confluent.yaml); its key sees only its organization's
// environment; once env-full1 is deleted it may create one, and a reset restores the full
// organization.
func TestQuotaOfTheDemoState(t *testing.T) {
	srv, base := start(t, nil, Options{})
	checkOverQuota(t, createEnv(t, base, quotaKey))
	if g := createEnv(t, base, demoKey); g.status != 201 {
		t.Fatalf("demo-key's create (its organization has room): %d", g.status)
	}
	g := send(t, base, req{method: "GET", path: envPath + "env-full1", auth: quotaKey})
	if g.status != 200 || at(g.json(), "metadata", "resource_name") != "crn://confluent.cloud/organization="+fullOrg+"/environment=env-full1" {
		t.Errorf("GET env-full1 with quota-key: %d %s", g.status, g.body)
	}
	for _, r := range []req{
		{method: "GET", path: envPath + "env-full1", auth: demoKey},
		{method: "DELETE", path: envPath + "env-full1", auth: stsToken},
		{method: "GET", path: envPath + "env-demo2", auth: quotaKey},
		{method: "DELETE", path: envPath + "env-demo2", auth: quotaKey},
	} {
		if g := send(t, base, r); g.status != 404 {
			t.Errorf("%s %s across organizations: %d, want 404", r.method, r.path, g.status)
		}
	}
	if g := send(t, base, req{method: "DELETE", path: envPath + "env-full1", auth: quotaKey}); g.status != 204 {
		t.Fatalf("DELETE env-full1: %d", g.status)
	}
	g = createEnv(t, base, quotaKey)
	if g.status != 201 || !strings.Contains(at(g.json(), "metadata", "resource_name").(string), "organization="+fullOrg+"/") {
		t.Fatalf("create after the delete: %d %s", g.status, g.body)
	}
	checkOverQuota(t, createEnv(t, base, quotaKey))
	snap := srv.Snapshot()
	var orgs []string
	for _, e := range snap.Confluent.Environments {
		orgs = append(orgs, e.ID+"@"+e.Organization)
	}
	if last := orgs[len(orgs)-1]; last != g.json()["id"].(string)+"@"+fullOrg {
		t.Errorf("the snapshot's environments: %v", orgs)
	}

	srv.Reset()
	checkOverQuota(t, createEnv(t, base, quotaKey))
	if g := send(t, base, req{method: "GET", path: envPath + "env-full1", auth: quotaKey}); g.status != 200 {
		t.Errorf("env-full1 after reset: %d", g.status)
	}
	// The state JSON says the organizations and their quotas, and loads as a state again.
	m := snapshot(t, base)
	if at(m, "confluent", "environment_quota") != float64(DefaultEnvironmentQuota) ||
		at(m, "confluent", "organizations", 0, "id") != fullOrg || at(m, "confluent", "organizations", 0, "environment_quota") != float64(1) {
		t.Errorf("organizations in the state: %v %v", at(m, "confluent", "environment_quota"), at(m, "confluent", "organizations"))
	}
}

// TestQuotaInAStateFile: the quota fields load and are checked, each problem with its line. A
// state may start with an organization over its quota: its creates answer 402 until enough of
// its environments are deleted.
func TestQuotaInAStateFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "quota.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	state, err := LoadState(data, "quota.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, base := start(t, state, Options{})
	a, b := basic("a-key", "s"), basic("b-key", "s")
	for i := range 2 {
		if g := createEnv(t, base, a); g.status != 201 {
			t.Fatalf("create %d in org-a (quota 3, one held): %d", i, g.status)
		}
	}
	checkOverQuota(t, createEnv(t, base, a))
	checkOverQuota(t, createEnv(t, base, b)) // org-b: quota 0
	if g := createEnv(t, base, basic("default-key", "s")); g.status != 201 {
		t.Errorf("the default organization (quota 2, none held): %d", g.status)
	}
	c := basic("c-key", "s")
	checkOverQuota(t, createEnv(t, base, c))
	if g := send(t, base, req{method: "DELETE", path: envPath + "env-c1", auth: c}); g.status != 204 {
		t.Fatalf("DELETE env-c1: %d", g.status)
	}
	checkOverQuota(t, createEnv(t, base, c)) // one held, quota 1
	if g := send(t, base, req{method: "DELETE", path: envPath + "env-c2", auth: c}); g.status != 204 {
		t.Fatalf("DELETE env-c2: %d", g.status)
	}
	if g := createEnv(t, base, c); g.status != 201 {
		t.Errorf("org-c, back under its quota: %d", g.status)
	}

	path := filepath.Join("testdata", "bad-quota.yaml")
	data, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = LoadState(data, path)
	var se *StateError
	if !errors.As(err, &se) {
		t.Fatalf("LoadState(bad-quota.yaml): %v, want a *StateError", err)
	}
	for _, want := range []string{
		path + ":2: confluent.environment_quota: environment_quota must be between 0 and 10000000",
		path + ":5: confluent.organizations[1].id: organization id \"org-a\" is used twice",
		path + ":6: confluent.organizations[2].id: id must not be empty",
		path + ":7: confluent.organizations[2].environment_quota: environment_quota must be between 0 and 10000000",
		path + ":11: confluent.api_keys[0].organization: organization \"org-z\" is not confluent.organization_id nor one of confluent.organizations",
		path + ":21: confluent.environments[2].organization: organization \"nowhere\" is not confluent.organization_id nor one of confluent.organizations",
	} {
		if !strings.Contains(err.Error()+"\n", want+"\n") {
			t.Errorf("error\n%v\nlacks the line %q", err, want)
		}
	}
}
