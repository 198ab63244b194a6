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
	env := map[string]string{"CONFLUENT_CLOUD_API_KEY": "REALKEY", "CONFLUENT_CLOUD_API_SECRET": "REALSECRET"}
	got, secrets := ResolveProfiles(f, func(k string) string { return env[k] })
	if c := got["demo-key"]; c.Username != "REALKEY" || c.Password != "REALSECRET" {
		t.Errorf("demo-key from env: %+v", c)
	}
	if c := got["demo-sts"]; c.Token != "demo-sts-token" {
		t.Errorf("demo-sts falls back to the demo token: %+v", c)
	}
	if c := got["wrong-secret"]; c.Username != "REALKEY" || c.Password != "not-the-secret-apiconform" {
		t.Errorf("wrong-secret: %+v", c)
	}
	joined := strings.Join(secrets, " ")
	for _, s := range []string{"REALKEY", "REALSECRET", "demo-sts-token"} {
		if !strings.Contains(joined, s) {
			t.Errorf("secret %s not listed for redaction", s)
		}
	}
	if vars := EnvVariables(f); strings.Join(vars, ",") != "CONFLUENT_CLOUD_API_KEY,CONFLUENT_CLOUD_API_SECRET,CONFLUENT_STS_TOKEN" {
		t.Errorf("EnvVariables = %v", vars)
	}
}
