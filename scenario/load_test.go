package scenario

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/specs"
)

func testAPI(t testing.TB, name string) *runner.API {
	t.Helper()
	doc, err := specs.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	api, err := runner.NewAPI(name, doc)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func TestEmbeddedFixturesLoad(t *testing.T) {
	for _, name := range specs.Names() {
		t.Run(name, func(t *testing.T) {
			data, path, err := fixtures.Read(name + ".yaml")
			if err != nil {
				t.Fatal(err)
			}
			f, err := Load(data, path, testAPI(t, name))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if len(f.Scenarios) < 10 {
				t.Errorf("only %d scenarios", len(f.Scenarios))
			}
			covered := map[string]bool{}
			for _, s := range f.Scenarios {
				for _, st := range s.Steps {
					covered[st.Operation] = true
				}
			}
			for _, op := range testAPI(t, name).Operations() {
				if !covered[op.ID] {
					t.Errorf("no scenario exercises %s", op.ID)
				}
			}
		})
	}
}

func TestLoadRejectsBadFilesNamingFileAndLine(t *testing.T) {
	tests := []struct {
		file string
		want []string // each a "file:line: fragment" the error must contain
	}{
		{"testdata/bad-yaml.yaml", []string{"testdata/bad-yaml.yaml:4: did not find expected"}},
		{"testdata/unknown-key.yaml", []string{`testdata/unknown-key.yaml:8: unknown key "stauts"`}},
		{"testdata/steps-and-operation.yaml", []string{"testdata/steps-and-operation.yaml:3: a scenario has either `steps`"}},
		{"testdata/inconsistent.yaml", []string{
			`testdata/inconsistent.yaml:8: credentials profile "sts" names security scheme "no-such-scheme"`,
			`testdata/inconsistent.yaml:10: scenario "unknown operation" step 1: unknown operation ID "deleteEnvironment"`,
			`testdata/inconsistent.yaml:13: scenario "unknown label": unknown label "destrucive"`,
			`testdata/inconsistent.yaml:20: scenario "variable never set" step 1 uses ${env_id}`,
			`testdata/inconsistent.yaml:23: scenario "variable never set" step 2 uses ${later}`,
			`testdata/inconsistent.yaml:27: scenario "missing path parameter and unknown profile" step 1: path parameter "id"`,
			`testdata/inconsistent.yaml:27: scenario "missing path parameter and unknown profile" step 1: unknown credentials profile "nobody"`,
			`testdata/inconsistent.yaml:30: scenario "bad assertion" step 1: expect.status 999`,
			`testdata/inconsistent.yaml:30: scenario "bad assertion" step 1: assertion "errors.0.code == resource_not_found"`,
		}},
	}
	api := testAPI(t, specs.Confluent)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Load(data, tt.file, api)
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("want *scenario.Error, got %T %v", err, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestLoadRejectsTheWrongAPI(t *testing.T) {
	data, path, _ := fixtures.Read("confluent.yaml")
	if _, err := Load(data, path, testAPI(t, specs.Apinizer)); err == nil || !strings.Contains(err.Error(), `says api "confluent"`) {
		t.Fatalf("want a wrong-API error, got %v", err)
	}
}

func TestResolveProfiles(t *testing.T) {
	data, path, _ := fixtures.Read("confluent.yaml")
	f, err := Load(data, path, testAPI(t, specs.Confluent))
	if err != nil {
		t.Fatal(err)
	}
	key := map[string]string{"CONFLUENT_CLOUD_API_KEY": "REALKEY", "CONFLUENT_CLOUD_API_SECRET": "REALSECRET"}
	tests := []struct {
		name string
		env  map[string]string
		demo bool
		// want maps a profile to "username:password:token", or to "unresolved: <part of the reason>".
		want    map[string]string
		wantErr string
	}{
		{name: "the mock, nothing set: demo values", demo: true, want: map[string]string{
			"demo-key": "demo-key:demo-secret:", "demo-sts": "::demo-sts-token", "viewer-key": "viewer-key:viewer-secret:",
			"wrong-secret": "demo-key:not-the-secret-apiconform:", "unknown-sts": "::not-a-token-apiconform",
		}},
		{name: "the mock, a key set: the environment wins", env: key, demo: true, want: map[string]string{
			"demo-key": "REALKEY:REALSECRET:", "demo-sts": "::demo-sts-token", "wrong-secret": "REALKEY:not-the-secret-apiconform:",
		}},
		{name: "another target, nothing set: no demo value leaves", want: map[string]string{
			"demo-key":     "unresolved: set CONFLUENT_CLOUD_API_KEY and CONFLUENT_CLOUD_API_SECRET",
			"demo-sts":     "unresolved: set CONFLUENT_STS_TOKEN",
			"viewer-key":   "unresolved: demo credentials of apiconform's mock",
			"wrong-secret": "unresolved: set CONFLUENT_CLOUD_API_KEY",
			"unknown-sts":  "::not-a-token-apiconform",
		}},
		{name: "another target, a key set", env: key, want: map[string]string{
			"demo-key": "REALKEY:REALSECRET:", "demo-sts": "unresolved: set CONFLUENT_STS_TOKEN",
			"wrong-secret": "REALKEY:not-the-secret-apiconform:", "ratelimited-key": "unresolved: demo credentials",
		}},
		{name: "a key without its secret is an error", env: map[string]string{"CONFLUENT_CLOUD_API_KEY": "REALKEY"},
			wantErr: `credentials profile "demo-key": CONFLUENT_CLOUD_API_KEY set but CONFLUENT_CLOUD_API_SECRET not: set both, or neither`},
		{name: "half set is an error against the mock too", env: map[string]string{"CONFLUENT_CLOUD_API_SECRET": "S"}, demo: true,
			wantErr: "CONFLUENT_CLOUD_API_SECRET set but CONFLUENT_CLOUD_API_KEY not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveProfiles(f, func(k string) string { return tt.env[k] }, tt.demo)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), path+": ") {
					t.Fatalf("want an error naming %s with %q, got %v", path, tt.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range tt.want {
				if reason, ok := strings.CutPrefix(want, "unresolved: "); ok {
					if why := got.Unresolved[name]; !strings.Contains(why, reason) || got.Profiles[name] != nil {
						t.Errorf("%s: want unresolved with %q, got %q / %+v", name, reason, why, got.Profiles[name])
					}
					continue
				}
				c := got.Profiles[name]
				if c == nil {
					t.Errorf("%s: unresolved (%s), want %s", name, got.Unresolved[name], want)
					continue
				}
				if have := c.Username + ":" + c.Password + ":" + c.Token; have != want {
					t.Errorf("%s = %s, want %s", name, have, want)
				}
			}
			joined := strings.Join(got.Secrets, " ")
			for _, c := range got.Profiles {
				for _, s := range c.Secrets() {
					if !strings.Contains(joined, s) {
						t.Errorf("secret of %s not listed for redaction", c.Scheme)
					}
				}
			}
		})
	}
	if vars := EnvVariables(f); strings.Join(vars, ",") != "CONFLUENT_CLOUD_API_KEY,CONFLUENT_CLOUD_API_SECRET,CONFLUENT_STS_TOKEN" {
		t.Errorf("EnvVariables = %v", vars)
	}
}

// TestInvalidValueStandsAlone: {invalid: VALUE} cannot be mixed with env or demo.
func TestInvalidValueStandsAlone(t *testing.T) {
	_, err := Parse([]byte("api: confluent\ncredentials:\n  p:\n    scheme: x\n    token: {invalid: a, env: B}\n"), "f.yaml")
	if err == nil || !strings.Contains(err.Error(), "f.yaml:5: a credential value is {invalid: VALUE} alone") {
		t.Errorf("got %v", err)
	}
}
