package scenario

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/specs"
)

var (
	fuzzAPIsOnce sync.Once
	fuzzAPIs     map[string]*runner.API
)

// FuzzLoad feeds arbitrary scenario files to Load, for each API. Nothing may panic; a file that
// is refused is refused with an *Error whose every problem names the file; a file that loads
// runs, as a dry run (nothing is sent), to its end or to a step error. The seeds are the
// embedded scenario files, the testdata files and testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	for _, name := range specs.Names() {
		data, _, err := fixtures.Read(name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, name == specs.Apinizer)
	}
	f.Add([]byte("api: confluent\nscenarios:\n  - name: x\n    operation: deleteOrgV2Environment\n    params: {id: \"${run_id}\"}\n    credentials: none\n"), false)
	f.Add([]byte("api: confluent\nscenarios: [{name: a, steps: [{operation: getOrgV2Environment, params: {id: x}, credentials: none, save: {v: 'header:X'}}, {operation: deleteOrgV2Environment, params: {id: '${v}'}, credentials: none, expect: {body: ['a == ${v}']}}]}]\n"), false)
	f.Add([]byte("&a [*a]"), false)
	f.Add([]byte("api: apinizer\ncredentials: {t: {scheme: bearerAuth, token: {env: TOKEN, demo: x}}}\nscenarios: [{name: u, operation: undeployApiProxy, params: {projectName: p, apiProxyName: a, environmentName: e}, credentials: t, raw_body: '{', expect: {status: 400}}]\n"), true)
	fuzzAPIsOnce.Do(func() {
		fuzzAPIs = map[string]*runner.API{}
		for _, name := range specs.Names() {
			fuzzAPIs[name] = testAPI(f, name)
		}
	})
	base, _ := url.Parse("http://127.0.0.1:9") // never contacted: every run is a dry run
	f.Fuzz(func(t *testing.T, data []byte, apinizer bool) {
		api := fuzzAPIs[specs.Confluent]
		if apinizer {
			api = fuzzAPIs[specs.Apinizer]
		}
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
		profiles, secrets := creds.Profiles, creds.Secrets
		client, err := runner.NewClient(runner.ClientOptions{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		target := &Target{
			Runner:   &runner.Runner{API: api, Client: client, Base: base, Checker: runner.NewChecker(runner.All(), runner.CheckOptions{}, runner.NewRedactor(secrets...))},
			Profiles: profiles,
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
	})
}
