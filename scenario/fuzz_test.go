package scenario

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/specs"
)

// loadFixture is what every FuzzLoad execution shares, built once per process: the APIs (a
// spec loaded and indexed takes milliseconds, far more than one execution) and a client that
// never sends anything (every run is a dry run).
type loadFixture struct {
	apis   map[string]*runner.API
	client *runner.Client
	base   *url.URL
}

var (
	loadFixtureOnce sync.Once
	loadFix         loadFixture
)

func sharedLoadFixture(t testing.TB) *loadFixture {
	loadFixtureOnce.Do(func() {
		loadFix.apis = map[string]*runner.API{}
		for _, name := range specs.Names() {
			loadFix.apis[name] = testAPI(t, name)
		}
		client, err := runner.NewClient(runner.ClientOptions{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		loadFix.client = client
		loadFix.base, _ = url.Parse("http://127.0.0.1:9") // never contacted: every run is a dry run
	})
	if loadFix.client == nil {
		t.Fatal("the shared FuzzLoad fixture could not be built")
	}
	return &loadFix
}

// loadSeeds are FuzzLoad's seeds: small files that between them use every part of the format
// (credentials of each scheme and value form, variables, single-operation scenarios and steps,
// params, query, headers, body, raw_body, content_type, expect, save). They are kept small on
// purpose: the fuzzer mutates and minimizes inputs of the size it is given, and a 300-line seed
// makes every execution and every minimization step slow (issue 15: 12 executions in 45 s).
// The real scenario files go through the same property in TestLoadPropertyOnRealFiles.
var loadSeeds = []struct {
	data     string
	apinizer bool
	loads    bool // the seed is a valid file (TestLoadSeeds holds it to that)
}{
	{"api: confluent\ncredentials:\n  k: {scheme: cloud-api-key, username: {env: K, demo: demo-key}, password: {invalid: nope}}\n  g: {scheme: global-api-key, username: u, password: p}\n  s: {scheme: confluent-sts-access-token, token: {env: T, demo: t}}\nvariables: {missing: env-x0}\nscenarios:\n  - name: d\n    labels: [destructive, errors]\n    operation: deleteOrgV2Environment\n    params: {id: \"${missing}\"}\n    credentials: k\n    expect: {status: 404, headers: [X-Request-Id], body: ['errors.0.status == \"404\"', 'errors.# >= 1']}\n", false, true},
	{"api: confluent\nscenarios:\n  - name: c\n    description: create, read back\n    steps:\n      - {name: c, operation: createOrgV2Environment, credentials: none, body: {display_name: \"a-${run_id}\"}, expect: {status: 201, body: ['id =~ \"^env-\"', 'metadata.self exists']}, save: {id: id, loc: 'header:Location'}}\n      - {operation: getOrgV2Environment, params: {id: '${id}'}, query: {q: x}, headers: {X-A: b}, credentials: none, expect: {status: 200}}\n", false, true},
	{"api: confluent\nscenarios:\n  - name: r\n    operation: createOrgV2Environment\n    credentials: none\n    raw_body: '{\"display_name\": '\n    content_type: application/json\n    expect: {status: 400}\n", false, true},
	{"api: confluent\nscenarios:\n  - name: x\n    operation: deleteOrgV2Environment\n    params: {id: \"${run_id}\"}\n    credentials: none\n", false, true},
	{"api: confluent\nscenarios: [{name: a, steps: [{operation: getOrgV2Environment, params: {id: x}, credentials: none, save: {v: 'header:X'}}, {operation: deleteOrgV2Environment, params: {id: '${v}'}, credentials: none, expect: {body: ['a == ${v}']}}]}]\n", false, false},
	{"&a [*a]", false, false},
	{"api: apinizer\ncredentials: {t: {scheme: bearerAuth, token: {env: TOKEN, demo: x}}}\nvariables: {p: DemoProject}\nscenarios:\n  - name: u\n    steps:\n      - {operation: deployApiProxy, params: {projectName: '${p}', apiProxyName: a, environmentName: test}, credentials: t, expect: {status: 200, body: ['deploymentResult.deploymentResults.#(environmentName==\"test\").success == true']}}\n      - {operation: undeployApiProxy, params: {projectName: '${p}', apiProxyName: a, environmentName: test}, credentials: t, body: {description: d, persistent: true}}\n", true, true},
	{"api: apinizer\ncredentials: {t: {scheme: bearerAuth, token: {env: TOKEN, demo: x}}}\nscenarios: [{name: u, operation: undeployApiProxy, params: {projectName: p, apiProxyName: a, environmentName: e}, credentials: t, raw_body: '{', expect: {status: 400}}]\n", true, true},
}

// FuzzLoad feeds arbitrary scenario files to Load, for each API. Nothing may panic; a file that
// is refused is refused with an *Error whose every problem names the file; a file that loads
// runs, as a dry run (nothing is sent), to its end or to a step error. The seeds are loadSeeds
// and testdata/fuzz/FuzzLoad; the embedded scenario files and testdata/*.yaml are held to the
// same property by TestLoadPropertyOnRealFiles.
func FuzzLoad(f *testing.F) {
	for _, s := range loadSeeds {
		f.Add([]byte(s.data), s.apinizer)
	}
	fx := sharedLoadFixture(f)
	f.Fuzz(func(t *testing.T, data []byte, apinizer bool) {
		api := fx.apis[specs.Confluent]
		if apinizer {
			api = fx.apis[specs.Apinizer]
		}
		checkLoad(t, fx, api, data)
	})
}

// TestLoadPropertyOnRealFiles holds the embedded scenario files and the testdata files, for
// each API, to FuzzLoad's property: they are too large to be good seeds (see loadSeeds).
func TestLoadPropertyOnRealFiles(t *testing.T) {
	fx := sharedLoadFixture(t)
	inputs := map[string][]byte{}
	for _, name := range specs.Names() {
		data, path, err := fixtures.Read(name + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		inputs[path] = data
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		inputs[file] = data
	}
	if len(inputs) < len(specs.Names())+1 {
		t.Fatalf("only %d files to check", len(inputs))
	}
	for path, data := range inputs {
		for _, name := range specs.Names() {
			t.Run(path+"/"+name, func(t *testing.T) { checkLoad(t, fx, fx.apis[name], data) })
		}
	}
}

// TestLoadSeeds: the seeds meant to be valid files load, so that the fuzzer starts from inputs
// that reach the dry run, not only the parser.
func TestLoadSeeds(t *testing.T) {
	fx := sharedLoadFixture(t)
	for i, s := range loadSeeds {
		api := fx.apis[specs.Confluent]
		if s.apinizer {
			api = fx.apis[specs.Apinizer]
		}
		_, err := Load([]byte(s.data), "seed.yaml", api)
		if s.loads && err != nil {
			t.Errorf("seed %d does not load: %v", i, err)
		}
		if !s.loads && err == nil {
			t.Errorf("seed %d loads; it is meant to be refused", i)
		}
	}
}

// checkLoad is FuzzLoad's property for one file and one API.
func checkLoad(t *testing.T, fx *loadFixture, api *runner.API, data []byte) {
	t.Helper()
	file, err := Load(data, "fuzz.yaml", api)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || len(e.Problems) == 0 {
			t.Fatalf("Load refused the file without problems: %T %v", err, err)
		}
		for _, p := range e.Problems {
			if p.File != "fuzz.yaml" || p.Message == "" {
				t.Fatalf("a problem without file or message: %+v", p)
			}
		}
		return
	}
	creds, err := ResolveProfiles(file, func(string) string { return "" }, true)
	if err != nil {
		t.Fatal(err)
	}
	target := &Target{
		Runner:   &runner.Runner{API: api, Client: fx.client, Base: fx.base, Checker: runner.NewChecker(runner.All(), runner.CheckOptions{}, runner.NewRedactor(creds.Secrets...))},
		Profiles: creds.Profiles,
	}
	var out strings.Builder
	for _, sc := range file.Scenarios {
		o := Execute(context.Background(), target, sc, nil, Options{DryRun: &out})
		for _, st := range o.Steps {
			if len(st.Exchanges) > 0 {
				t.Fatalf("a dry run sent a request: %+v", st.Exchanges[0].Request)
			}
		}
	}
}
