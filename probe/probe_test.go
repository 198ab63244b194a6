package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// testSeed is the seed of every test run: the tests are deterministic.
const testSeed = 20261201

// probeOnce opens a session on the embedded mock (with faults), probes the given operations
// and families, and returns the report and the assembled result.
func probeOnce(t testing.TB, cfg run.Config, opts Options) (*Report, *run.Result) {
	t.Helper()
	s, err := run.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if opts.Seed == 0 {
		opts.Seed = testSeed
	}
	if opts.Known == nil {
		opts.Known = knownForTest(t)
	}
	rep, err := Run(context.Background(), s.ProbeTargets(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep, s.Result(rep.Results)
}

// knownMockBugs are the findings the probe makes against the embedded mock as it is, by
// signature (API, subject, family, kind, checks): the mock accepts requests its spec forbids.
// They are reported to be fixed in the mock; each entry goes when its bug does. Anything else
// found against the embedded mock fails TestEmbeddedMockHasNoFindings.
var knownMockBugs = map[string]string{}

func findingKey(f *Finding) string {
	return fmt.Sprintf("%s %s %s %s %s", f.API, f.Subject, f.Family, f.Kind, strings.Join(f.Checks, ","))
}

// pairs are the (operation, family) pairs of both APIs, each probed in a session of its own so
// that the Confluent mock's rate limit (1,000 requests a minute per key) is spent on one pair.
func pairs(t *testing.T) [][2]string {
	s, err := run.Open(run.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out [][2]string
	for _, tg := range s.ProbeTargets() {
		pn := &planner{target: tg, known: map[string][]string{}, comp: newCompiler(), plans: map[string]*opPlan{}}
		d := &driver{opts: Options{}}
		for _, op := range tg.API.Operations() {
			for _, f := range d.operationFamilies(pn.planOperation(op)) {
				out = append(out, [2]string{op.ID, string(f.name)})
			}
		}
		out = append(out, [2]string{tg.API.Operations()[0].ID, string(FamilyMethods)})
	}
	return out
}

// Against the embedded mock, 1,000 examples of every family of every operation find nothing
// but the known mock bugs.
func TestEmbeddedMockHasNoFindings(t *testing.T) {
	examples := 1000
	if testing.Short() {
		examples = 200
	}
	seen := map[string]bool{}
	for _, p := range pairs(t) {
		op, fam := p[0], Family(p[1])
		rep, res := probeOnce(t, run.Config{}, Options{MaxExamples: examples, Operations: []string{op}, Families: []Family{fam}})
		for _, sub := range rep.Subjects {
			t.Logf("%s %s: %d requests, statuses %v", sub.Name, fam, sub.Requests, sub.Statuses)
			for _, fr := range sub.Families {
				if fr.NotRun != "" || fr.Examples < examples {
					t.Errorf("%s %s: %d examples, not run: %q", sub.Name, fr.Family, fr.Examples, fr.NotRun)
				}
			}
		}
		for _, f := range rep.Findings {
			k := findingKey(f)
			if why, ok := knownMockBugs[k]; ok {
				seen[k] = true
				t.Logf("known mock bug (%s): %s\n%s", k, why, f.Curl)
				continue
			}
			t.Errorf("finding against the embedded mock: %s\n%v\n%s", k, f.Violations, f.Text())
		}
		if len(rep.Findings) == 0 && res.ExitCode != run.ExitConformant {
			t.Errorf("%s %s: exit %d (%s) without a finding", op, fam, res.ExitCode, res.Problem)
		}
	}
	for k := range knownMockBugs {
		if !seen[k] {
			t.Logf("the known mock bug %q was not found: remove it from knownMockBugs", k)
		}
	}
}

// faultCase is a mock fault the probe must catch: where, and what its minimal request is.
type faultCase struct {
	fault, op string
	family    Family
	minimal   func(t *testing.T, f *Finding)
}

var faultCases = []faultCase{
	{fault: "long-id-server-error", op: "getOrgV2Environment", family: FamilyPathParams, minimal: func(t *testing.T, f *Finding) {
		id := strings.TrimPrefix(f.Exchanges[len(f.Exchanges)-1].Request.Path, "/org/v2/environments/")
		raw := strings.ReplaceAll(id, "%2F", "/")
		switch f.Kind {
		case edgeLong:
			if len(raw) < 65 || len(raw) > 64+4 {
				t.Errorf("the shrunk long ID has %d characters, want 65 to 68", len(raw))
			}
		case edgeSlash:
			if raw != Prefix+"/" {
				t.Errorf("the shrunk ID with a slash is %q, not the shortest %q", raw, Prefix+"/")
			}
		default: // dot-dot: the shortest of those values that holds a slash
			if !strings.Contains(raw, "/") || len(raw) > len(Prefix)+3 {
				t.Errorf("the shrunk %s ID is %q", f.Kind, raw)
			}
		}
	}},
	{fault: "delete-without-credentials", op: "deleteOrgV2Environment", family: FamilyCredentials, minimal: func(t *testing.T, f *Finding) {
		if f.Intent.Credentials != runner.CredentialsNone {
			t.Errorf("minimal credentials %q, want none", f.Intent.Credentials)
		}
		if strings.Contains(f.Curl, " -u ") || strings.Contains(f.Curl, "Authorization") {
			t.Errorf("the curl sends credentials: %s", f.Curl)
		}
		if len(f.Setup) != 1 || !strings.Contains(f.Setup[0], "-X POST") {
			t.Errorf("want the creation of the probe's own environment first, got %q", f.Setup)
		}
	}},
	{fault: "apinizer-persistent-string-accepted", op: "undeployApiProxy", family: FamilyInvalidBody, minimal: func(t *testing.T, f *Finding) {
		if !strings.HasSuffix(f.Curl, `--data-binary '{"persistent":"yes"}'`) {
			t.Errorf("minimal body: %s", f.Curl)
		}
	}},
	{fault: "put-environment-accepted", op: "getOrgV2Environment", family: FamilyMethods, minimal: func(t *testing.T, f *Finding) {
		if !strings.HasPrefix(f.Curl, "curl -i -X PUT ") || f.Kind != http.MethodPut {
			t.Errorf("minimal method: %s", f.Curl)
		}
	}},
}

// Each probe fault of the mock is caught by the check the fault table maps it to, with a
// minimal request; the probe finds it only with the fault on.
func TestCatchesMockFaults(t *testing.T) {
	checkOf := map[string]string{}
	for _, f := range mock.Faults() {
		checkOf[f.ID] = f.Check
	}
	for _, fc := range faultCases {
		t.Run(fc.fault, func(t *testing.T) {
			opts := Options{MaxExamples: 1000, Operations: []string{fc.op}, Families: []Family{fc.family}}
			before, _ := probeOnce(t, run.Config{}, opts)
			known := map[string]bool{}
			for _, f := range before.Findings {
				known[findingKey(f)] = true
			}
			rep, res := probeOnce(t, run.Config{MockFaults: []string{fc.fault}}, opts)
			var caught []*Finding
			for _, f := range rep.Findings {
				if !known[findingKey(f)] {
					caught = append(caught, f)
				}
			}
			if len(caught) == 0 {
				t.Fatal("the fault was not caught")
			}
			if res.ExitCode != run.ExitViolations {
				t.Errorf("exit %d, want %d", res.ExitCode, run.ExitViolations)
			}
			// One finding per kind of request that trips the fault (a long ID and an ID with a
			// slash are two), each caught by the mapped check, each minimal.
			for _, f := range caught {
				if want := checkOf[fc.fault]; !slices.Contains(f.Checks, want) {
					t.Fatalf("caught by %v, want %s", f.Checks, want)
				}
				if f.Flaky {
					t.Errorf("the failure did not reproduce")
				}
				fc.minimal(t, f)
				t.Logf("%s (%s): %s\n%s", fc.fault, f.Kind, strings.Join(f.Checks, ","), f.Text())
				// The result says so: a failed testcase for the operation (or path) and check.
				found := false
				for _, a := range res.APIs {
					for _, sc := range a.Scenarios {
						if sc.Outcome == run.Failed && strings.HasSuffix(sc.Name, ": "+checkOf[fc.fault]) && strings.Contains(sc.Reason, f.Curl) {
							found = true
						}
					}
				}
				if !found {
					t.Errorf("no failed result for %s with the curl", checkOf[fc.fault])
				}
			}
		})
	}
}

// recorder is an http.RoundTripper that records every request that reaches it, then sends
// it on (next) or refuses it (next nil).
type recorder struct {
	mu   sync.Mutex
	next http.RoundTripper
	reqs []string
	// created maps IDs the server made to stable names, in order of appearance.
	created map[string]string
	methods []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.mu.Lock()
	line := fmt.Sprintf("%s %s auth=%q ct=%q %s", req.Method, req.URL.RequestURI(), req.Header.Get("Authorization"), req.Header.Get("Content-Type"), body)
	for id, name := range r.created {
		line = strings.ReplaceAll(line, id, name)
	}
	r.reqs = append(r.reqs, line)
	r.methods = append(r.methods, req.Method)
	r.mu.Unlock()
	if r.next == nil {
		return nil, errors.New("refused by the test's transport")
	}
	resp, err := r.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		return resp, err
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	var v struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(data, &v) == nil && v.ID != "" {
		r.mu.Lock()
		if r.created == nil {
			r.created = map[string]string{}
		}
		r.created[v.ID] = fmt.Sprintf("<created-%d>", len(r.created))
		r.mu.Unlock()
	}
	return resp, err
}

// The same seed sends the same requests (the IDs the mock makes up aside), in the same order.
func TestSameSeedSameRequests(t *testing.T) {
	record := func(seed uint64) []string {
		rec := &recorder{next: http.DefaultTransport.(*http.Transport).Clone()}
		probeOnce(t, run.Config{Transport: rec}, Options{MaxExamples: 40, Seed: seed})
		return rec.reqs
	}
	a, b := record(testSeed), record(testSeed)
	if len(a) == 0 {
		t.Fatal("nothing was sent")
	}
	if !slices.Equal(a, b) {
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("%d and %d requests; request %d differs:\n%s\n%s", len(a), len(b), i, a[i], b[i])
			}
		}
		t.Fatalf("%d and %d requests", len(a), len(b))
	}
	if c := record(testSeed + 1); slices.Equal(a, c) {
		t.Errorf("another seed sent the same %d requests", len(c))
	}
}

// Against a target that is not loopback, nothing mutating reaches the transport without
// --allow-destructive, and the families that would send it say why they did not run.
func TestDestructiveGuard(t *testing.T) {
	rec := &recorder{}
	rep, res := probeOnce(t, run.Config{Target: "https://api.example.com", Transport: rec}, Options{MaxExamples: 20})
	if len(rec.methods) == 0 {
		t.Fatal("no safe request was sent either")
	}
	for _, m := range rec.methods {
		if runner.IsMutating(m) {
			t.Fatalf("a %s reached the transport", m)
		}
	}
	notRun := 0
	for _, a := range res.APIs {
		for _, sc := range a.Scenarios {
			if sc.Outcome == run.NotRun && strings.Contains(sc.Reason, runner.AllowDestructiveFlag) {
				notRun++
			}
		}
	}
	if notRun == 0 {
		t.Errorf("no result says %s", runner.AllowDestructiveFlag)
	}
	for _, sub := range rep.Subjects {
		if sub.Name == "deleteOrgV2Environment" && (len(sub.Families) == 0 || sub.Families[0].NotRun == "") {
			t.Errorf("deleteOrgV2Environment ran: %+v", sub.Families)
		}
	}
	// With --allow-destructive they do.
	rec = &recorder{}
	probeOnce(t, run.Config{Target: "https://api.example.com", Transport: rec, AllowDestructive: true}, Options{MaxExamples: 5, Operations: []string{"deleteOrgV2Environment"}})
	if !slices.Contains(rec.methods, http.MethodDelete) {
		t.Errorf("with AllowDestructive no DELETE was sent: %v", rec.methods)
	}
}

// --budget stops generation and says so: the pairs not reached are not run, with the reason.
func TestBudgetStops(t *testing.T) {
	start := time.Now()
	rep, res := probeOnce(t, run.Config{}, Options{MaxExamples: 1_000_000, Budget: 100 * time.Millisecond})
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("took %s", took)
	}
	if !rep.BudgetSpent {
		t.Fatal("the budget was not spent")
	}
	want := "the --budget of 100ms was spent"
	n := 0
	for _, a := range res.APIs {
		for _, sc := range a.Scenarios {
			if sc.Outcome == run.NotRun && sc.Reason == want {
				n++
			}
		}
	}
	if n == 0 {
		t.Errorf("no result not run with %q", want)
	}
}

// No curl command a probe prints holds a credential: the demo secrets never appear, their
// variables do.
func TestCurlHoldsNoSecret(t *testing.T) {
	secrets := []string{"demo-key", "demo-secret", "demo-sts-token", "demo-token", "ZGVtby1rZXk6ZGVtby1zZWNyZXQ="}
	var texts []string
	for _, fc := range faultCases {
		rep, res := probeOnce(t, run.Config{MockFaults: []string{fc.fault}}, Options{MaxExamples: 300, Operations: []string{fc.op}, Families: []Family{fc.family}})
		for _, f := range rep.Findings {
			texts = append(texts, f.Text())
		}
		for _, a := range res.APIs {
			for _, sc := range a.Scenarios {
				texts = append(texts, sc.Reason)
			}
		}
	}
	if len(texts) == 0 {
		t.Fatal("no finding to look at")
	}
	vars := regexp.MustCompile(`\$(CONFLUENT_CLOUD_API_KEY|CONFLUENT_CLOUD_API_SECRET|CONFLUENT_STS_TOKEN|APINIZER_TOKEN)`)
	sawVar := false
	for _, s := range texts {
		for _, sec := range secrets {
			if strings.Contains(s, sec) {
				t.Errorf("a credential (%s) in:\n%s", sec, s)
			}
		}
		sawVar = sawVar || vars.MatchString(s)
	}
	if !sawVar {
		t.Error("no curl names a credential variable")
	}
}
