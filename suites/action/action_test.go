package action

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// metadata is the part of action.yml the tests read.
type metadata struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Inputs      map[string]struct {
		Description string `yaml:"description"`
		Required    bool   `yaml:"required"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []step `yaml:"steps"`
	} `yaml:"runs"`
}

type step struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	Uses  string            `yaml:"uses"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	If    string            `yaml:"if"`
	With  map[string]string `yaml:"with"`
	Env   map[string]string `yaml:"env"`
}

func load(t *testing.T) (*metadata, string) {
	t.Helper()
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m metadata
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return &m, string(data)
}

var expr = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// TestActionMetadata: the rules of action metadata that can be checked offline: a name and a
// description, a composite run whose steps each use an action or run a script with a shell,
// every input described and used, every expression naming an input, a step or an output that
// exists, and no input spliced into a script (they reach scripts as environment variables).
func TestActionMetadata(t *testing.T) {
	m, raw := load(t)
	if m.Name == "" || m.Description == "" || m.Runs.Using != "composite" || len(m.Runs.Steps) == 0 {
		t.Fatalf("name %q, description %q, runs.using %q, %d steps", m.Name, m.Description, m.Runs.Using, len(m.Runs.Steps))
	}
	ids := map[string]bool{}
	for i, s := range m.Runs.Steps {
		switch {
		case s.Uses == "" && s.Run == "":
			t.Errorf("step %d (%s) neither uses an action nor runs a script", i+1, s.Name)
		case s.Uses != "" && s.Run != "":
			t.Errorf("step %d (%s) both uses an action and runs a script", i+1, s.Name)
		case s.Run != "" && s.Shell == "":
			t.Errorf("step %d (%s): a composite action's run step needs a shell", i+1, s.Name)
		case s.Uses != "" && !regexp.MustCompile(`^[\w.-]+/[\w.-]+@v\d+$`).MatchString(s.Uses):
			t.Errorf("step %d (%s) uses %q: pin an action to a major version", i+1, s.Name, s.Uses)
		}
		if s.ID != "" {
			ids[s.ID] = true
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %d (%s) splices an expression into its script: pass it through env", i+1, s.Name)
		}
	}
	used := map[string]bool{}
	for _, mm := range expr.FindAllStringSubmatch(raw, -1) {
		e := mm[1]
		switch {
		case strings.HasPrefix(e, "inputs."):
			name := strings.TrimPrefix(e, "inputs.")
			used[name] = true
			if _, ok := m.Inputs[name]; !ok {
				t.Errorf("the expression %q names no input", e)
			}
		case strings.HasPrefix(e, "steps."):
			id, _, _ := strings.Cut(strings.TrimPrefix(e, "steps."), ".")
			if !ids[id] {
				t.Errorf("the expression %q names no step id", e)
			}
		default:
			t.Errorf("unexpected expression %q", e)
		}
	}
	for name, in := range m.Inputs {
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
		if !used[name] {
			t.Errorf("input %s is never used", name)
		}
		for _, secret := range []string{"key", "secret", "token", "password"} {
			if strings.Contains(name, secret) {
				t.Errorf("input %s looks like a credential: credentials come from secrets as environment variables", name)
			}
		}
	}
	for name, out := range m.Outputs {
		if out.Description == "" || out.Value == "" {
			t.Errorf("output %s needs a description and a value", name)
		}
	}
}

// TestActionScriptsParse: every script is valid bash.
func TestActionScriptsParse(t *testing.T) {
	m, _ := load(t)
	for _, s := range m.Runs.Steps {
		if s.Run == "" {
			continue
		}
		cmd := exec.Command("bash", "-n")
		cmd.Stdin = strings.NewReader(s.Run)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("step %s: bash -n: %v\n%s", s.Name, err, out)
		}
	}
}

// TestActionStepsRunLocally runs the action's shell steps here as the runner would, against the
// embedded mock: the install step builds the tool from the checkout, the run step writes the
// reports, the exit code output and the job summary, and the last step fails the job with
// apiconform's exit code.
func TestActionStepsRunLocally(t *testing.T) {
	if testing.Short() {
		t.Skip("builds apiconform with go install; skipped in -short mode")
	}
	m, _ := load(t)
	steps := map[string]step{}
	for _, s := range m.Runs.Steps {
		if s.Run != "" {
			steps[s.Name] = s
		}
	}
	root, _ := filepath.Abs("../..")
	dir := t.TempDir()
	gopath := filepath.Join(dir, "gopath")
	githubPath := filepath.Join(dir, "github-path")
	modcache, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	// The modules are already here: nothing is fetched (GOPROXY=off), the test stays on loopback.
	base := cleanEnv("GOPATH="+gopath, "GOMODCACHE="+strings.TrimSpace(string(modcache)), "GOPROXY=off",
		"GITHUB_ACTION_PATH="+root, "GITHUB_PATH="+githubPath)
	if out, code := runStep(t, steps["Install apiconform"], dir, base, nil); code != 0 {
		t.Fatalf("install: exit %d\n%s", code, out)
	}
	if b, _ := os.ReadFile(githubPath); strings.TrimSpace(string(b)) != filepath.Join(gopath, "bin") {
		t.Errorf("GITHUB_PATH holds %q", b)
	}
	path := filepath.Join(gopath, "bin") + string(os.PathListSeparator) + os.Getenv("PATH")
	for _, tt := range []struct {
		name     string
		inputs   map[string]string
		wantCode string
		summary  string
	}{
		{"the embedded mock", nil, "0", "## apiconform: conformant (exit 0)"},
		{"a fault, one API", map[string]string{"INPUT_FLAGS": "--mock-fault error-status-mismatch --api confluent"}, "1", "`error-status-match`"},
		{"a bad flag", map[string]string{"INPUT_FLAGS": "--strcit"}, "2", "## apiconform could not run (exit 2)"},
		{"a label filter with spaces", map[string]string{"INPUT_LABELS": "auth && confluent"}, "0", "## apiconform: conformant (exit 0)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			output, summary := filepath.Join(work, "output"), filepath.Join(work, "summary.md")
			env := append(append([]string(nil), base...), "PATH="+path, "GITHUB_OUTPUT="+output, "GITHUB_STEP_SUMMARY="+summary)
			inputs := map[string]string{"INPUT_REPORT_DIR": "apiconform-reports"}
			for k, v := range tt.inputs {
				inputs[k] = v
			}
			out, code := runStep(t, steps["Run apiconform"], work, env, inputs)
			if code != 0 {
				t.Fatalf("the run step itself must not fail (the last step does): exit %d\n%s", code, out)
			}
			got, _ := os.ReadFile(output)
			if strings.TrimSpace(string(got)) != "exit-code="+tt.wantCode {
				t.Errorf("GITHUB_OUTPUT %q, want exit-code=%s\n%s", got, tt.wantCode, out)
			}
			s, _ := os.ReadFile(summary)
			if !strings.Contains(string(s), tt.summary) {
				t.Errorf("the job summary lacks %q:\n%s", tt.summary, s)
			}
			if tt.wantCode != "2" {
				if _, err := os.Stat(filepath.Join(work, "apiconform-reports", "report.html")); err != nil {
					t.Errorf("no reports to upload: %v", err)
				}
			}
			fail := steps["Fail the job with apiconform's exit code"]
			if _, code := runStep(t, fail, work, env, map[string]string{"EXIT_CODE": tt.wantCode}); code != atoi(tt.wantCode) {
				t.Errorf("the job ends with %d, want %s", code, tt.wantCode)
			}
		})
	}
}

// runStep runs a step's script with bash as the runner does (bash -e {0}).
func runStep(t *testing.T, s step, dir string, env []string, extra map[string]string) (string, int) {
	t.Helper()
	if s.Run == "" {
		t.Fatalf("no such step")
	}
	script := filepath.Join(t.TempDir(), "step.sh")
	if err := os.WriteFile(script, []byte(s.Run), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
	cmd.Dir = dir
	cmd.Env = env
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cmd.Env = append(cmd.Env, k+"="+extra[k])
	}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// cleanEnv is this process's environment without what would point a run elsewhere or give it
// credentials, plus extra.
func cleanEnv(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "APICONFORM_") || strings.HasPrefix(name, "CONFLUENT_") || strings.HasPrefix(name, "APINIZER_") ||
			strings.HasPrefix(name, "GITHUB_") || name == "GOPATH" || name == "PATH" {
			continue
		}
		out = append(out, kv)
	}
	out = append(out, "PATH="+filepath.Join(runtime.GOROOT(), "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	return append(out, extra...)
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
