package mock

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/specs"
)

// faultRecipes are the requests each fault's Doc names: fired at a mock with the fault, the
// mapped check must catch it; fired at a mock without it, nothing is found.
var faultRecipes = map[string][]step{
	"drop-request-id":                 {{op: "deleteOrgV2Environment", params: env("env-demo2"), cred: credDemo}},
	"duplicate-request-id":            {{op: "getOrgV2Environment", params: env("env-demo2"), cred: credDemo}, {op: "getOrgV2Environment", params: env("env-demo2"), cred: credDemo}},
	"error-status-number":             {{op: "deleteOrgV2Environment", params: env("env-nope"), cred: credDemo}},
	"error-extra-property":            {{op: "deleteOrgV2Environment", params: env("env-nope"), cred: credDemo}},
	"error-status-mismatch":           {{op: "deleteOrgV2Environment", params: env("env-nope"), cred: credDemo}},
	"ratelimit-reset-epoch":           {{op: "deleteOrgV2Environment", params: env("env-demo2"), cred: credDemo}},
	"ratelimit-remaining-above-limit": {{op: "deleteOrgV2Environment", params: env("env-demo2"), cred: credDemo}},
	"ratelimit-non-integer":           {{op: "deleteOrgV2Environment", params: env("env-demo2"), cred: credDemo}},
	"missing-retry-after":             {{op: "deleteOrgV2Environment", params: env("env-demo2"), cred: credLimited}},
	"missing-www-authenticate":        {{op: "deleteOrgV2Environment", params: env("env-demo2")}},
	"undocumented-status":             {{op: "deleteOrgV2Environment", params: env("env-demo2"), cred: credDemo}},
	"text-plain-error":                {{op: "deleteOrgV2Environment", params: env("env-nope"), cred: credDemo}},
	"oversized-body":                  {{op: "deleteOrgV2Environment", params: env("env-nope"), cred: credDemo}},
	"hang-up":                         {{op: "deleteOrgV2Environment", params: env("env-demo2"), cred: credDemo}},
	"apinizer-missing-error-description": {{api: specs.Apinizer, op: "undeployApiProxy",
		params: deployment("DemoProject", "orders-api", "production"), cred: tokenDemo}},
	"apinizer-success-string": {{api: specs.Apinizer, op: "undeployApiProxy",
		params: deployment("DemoProject", "petstore-api", "staging"), cred: tokenDemo}},
	"ratelimit-headers-on-errors": {{op: "deleteOrgV2Environment", params: env("env-nope"), cred: credDemo}},
	// Found by generated requests: checked as the probe checks them.
	"long-id-server-error": {{op: "getOrgV2Environment", params: env("env-/x"), cred: credDemo,
		intent: &runner.Intent{Credentials: runner.CredentialsValid}}},
	"delete-without-credentials": {{op: "deleteOrgV2Environment", params: env("env-demo2"),
		intent: &runner.Intent{Credentials: runner.CredentialsNone}}},
	"apinizer-persistent-string-accepted": {{api: specs.Apinizer, op: "undeployApiProxy",
		params: deployment("DemoProject", "petstore-api", "staging"), cred: tokenDemo, body: `{"persistent": "yes"}`,
		intent: &runner.Intent{Credentials: runner.CredentialsValid, Invalid: "persistent is a string"}}},
	"put-environment-accepted": {{op: "getOrgV2Environment", method: "PUT", params: env("env-demo2"), cred: credDemo,
		intent: &runner.Intent{Credentials: runner.CredentialsValid, UnsupportedMethod: true, Allowed: []string{"DELETE", "GET"}}}},
}

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestFaultTable: IDs are unique kebab-case, each maps to a registered runner check, names its
// API and the request that shows it, and has a recipe here.
func TestFaultTable(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Faults() {
		if !kebab.MatchString(f.ID) || seen[f.ID] {
			t.Errorf("fault ID %q is not unique kebab-case", f.ID)
		}
		seen[f.ID] = true
		if _, ok := runner.Lookup(f.Check); !ok {
			t.Errorf("fault %s maps to %q, which is not a runner check", f.ID, f.Check)
		}
		if f.API != specs.Confluent && f.API != specs.Apinizer {
			t.Errorf("fault %s: API %q", f.ID, f.API)
		}
		if !strings.Contains(f.Doc, "shown by") {
			t.Errorf("fault %s: Doc does not say which request shows it: %q", f.ID, f.Doc)
		}
		if _, ok := faultRecipes[f.ID]; !ok {
			t.Errorf("fault %s has no recipe in faultRecipes", f.ID)
		}
	}
	for id := range faultRecipes {
		if !seen[id] {
			t.Errorf("recipe for unknown fault %s", id)
		}
	}
	for _, want := range []string{"drop-request-id", "error-status-number", "error-extra-property", "error-status-mismatch",
		"ratelimit-reset-epoch", "ratelimit-remaining-above-limit", "ratelimit-non-integer", "missing-www-authenticate",
		"undocumented-status", "text-plain-error", "apinizer-missing-error-description", "apinizer-success-string"} {
		if !seen[want] {
			t.Errorf("the issue's fault %s is missing", want)
		}
	}
}

// TestFaultsAreCaught: for each fault, the requests its Doc names, fired through the runner at a
// mock with the fault, produce errors of exactly the mapped check (drift warnings may come
// along); at a mock without it, the same requests produce no violation at all.
func TestFaultsAreCaught(t *testing.T) {
	for _, f := range Faults() {
		t.Run(f.ID, func(t *testing.T) {
			steps := faultRecipes[f.ID]
			if len(steps) == 0 {
				t.Skip("no recipe (TestFaultTable reports it)")
			}
			for _, faulty := range []bool{false, true} {
				opts := Options{}
				if faulty {
					opts.Faults = []string{f.ID}
				}
				_, base := start(t, nil, opts)
				client, checker := newRunnerClient(t), newChecker()
				var all []runner.Violation
				for _, s := range steps {
					_, vs := fire(t, base, client, checker, s)
					all = append(all, vs...)
				}
				if !faulty {
					for _, v := range all {
						t.Errorf("without the fault: %s", v)
					}
					continue
				}
				// A drift fault shows as warnings of its check and no error; any other fault as
				// errors of exactly its check.
				want := runner.SeverityError
				if c, _ := runner.Lookup(f.Check); c.Severity == runner.SeverityWarning {
					want = runner.SeverityWarning
				}
				fired := map[string]bool{}
				for _, v := range all {
					if v.Severity == runner.SeverityError || v.Severity == want && v.Check == f.Check {
						fired[v.Check] = true
					}
				}
				var got []string
				for id := range fired {
					got = append(got, id)
				}
				sort.Strings(got)
				if strings.Join(got, ",") != f.Check {
					t.Errorf("with the fault, errors from checks %v, want exactly %s:", got, f.Check)
					for _, v := range all {
						t.Log(v)
					}
				}
			}
		})
	}
}

func TestUnknownFault(t *testing.T) {
	_, err := New(nil, Options{Faults: []string{"drop-request-id", "no-such-fault"}})
	if err == nil || !strings.Contains(err.Error(), "no-such-fault") || !strings.Contains(err.Error(), "known: drop-request-id") {
		t.Errorf("New with an unknown fault: %v", err)
	}
	if err2 := CheckFaults([]string{"drop-request-id", "no-such-fault"}); err2 == nil || err2.Error() != err.Error() {
		t.Errorf("CheckFaults says %v, New says %v", err2, err)
	}
	if err := CheckFaults([]string{"hang-up"}); err != nil {
		t.Errorf("CheckFaults(hang-up): %v", err)
	}
	s, err := New(nil, Options{Faults: []string{" hang-up ", "", "drop-request-id", "hang-up"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.ActiveFaults(), ","); got != "drop-request-id,hang-up" {
		t.Errorf("ActiveFaults() = %s", got)
	}
}

// TestFaultsSpareOtherAPI: a Confluent fault leaves Apinizer responses and the mock's own
// endpoints alone, and the other way round.
func TestFaultsSpareOtherAPI(t *testing.T) {
	var ids []string
	for _, f := range Faults() {
		ids = append(ids, f.ID)
	}
	_, base := start(t, nil, Options{Faults: ids})
	g := send(t, base, req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken})
	if g.status != 200 || g.header.Get("X-Request-Id") == "" || g.json()["success"] != "true" {
		t.Errorf("Apinizer undeploy with every fault: %d %v %s", g.status, g.header, g.body)
	}
	g = send(t, base, req{method: "GET", path: envPath + "env-nope", auth: demoKey})
	if g.status != 404 || !strings.HasPrefix(g.header.Get("Content-Type"), "text/plain") {
		t.Errorf("Confluent error with every fault: %d %v", g.status, g.header)
	}
	if g := send(t, base, req{method: "GET", path: "/_mock/state"}); g.status != 200 || g.header.Get("X-Request-Id") == "" || g.json() == nil {
		t.Errorf("/_mock/state with every fault: %d %v", g.status, g.header)
	}
}

// faultWaivers are the contract and transport checks no fault maps to, each with the reason.
var faultWaivers = map[string]string{
	"no-redirect": "an undocumented redirect is also an undocumented status, so status-documented fires " +
		"with it: no fault can break the contract in exactly one way that only no-redirect catches",
}

// TestEveryContractCheckHasAFault: every transport, contract and probe check of the runner is the
// mapped check of some fault, or has a written waiver. A new check needs one or the other.
func TestEveryContractCheckHasAFault(t *testing.T) {
	mapped := map[string]bool{}
	for _, f := range Faults() {
		mapped[f.Check] = true
	}
	for _, c := range runner.All() {
		if c.Scope != runner.ScopeContract && c.Scope != runner.ScopeTransport && c.Scope != runner.ScopeProbe {
			continue
		}
		_, waived := faultWaivers[c.ID]
		switch {
		case mapped[c.ID] && waived:
			t.Errorf("check %s has a fault and a waiver; drop the waiver", c.ID)
		case !mapped[c.ID] && !waived:
			t.Errorf("check %s has no mock fault that triggers it: add one to mock/faults.go, or a waiver with its reason", c.ID)
		}
	}
	for id := range faultWaivers {
		if _, ok := runner.Lookup(id); !ok {
			t.Errorf("waiver for unknown check %s", id)
		}
	}
}

// TestInfoSaysWhatItIs: GET /_mock/info names the mock and its faults, with every fault on too;
// any other method is a 405.
func TestInfoSaysWhatItIs(t *testing.T) {
	for _, faults := range [][]string{nil, {"drop-request-id", "hang-up"}} {
		_, base := start(t, nil, Options{Faults: faults})
		g := send(t, base, req{method: "GET", path: InfoPath})
		var info Info
		if err := json.Unmarshal(g.body, &info); err != nil || g.status != 200 {
			t.Fatalf("GET %s: %d %s (%v)", InfoPath, g.status, g.body, err)
		}
		if info.Server != InfoServer || strings.Join(info.Faults, ",") != strings.Join(faults, ",") {
			t.Errorf("info %+v, want server %s and faults %v", info, InfoServer, faults)
		}
		if g := send(t, base, req{method: "DELETE", path: InfoPath}); g.status != 405 || g.header.Get("Allow") != "GET" {
			t.Errorf("DELETE %s: %d, Allow %q", InfoPath, g.status, g.header.Get("Allow"))
		}
	}
}
