package probe

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden files of package probe")

// curlCases cover each way a request is rendered.
func curlCases() []struct {
	name string
	req  CurlRequest
} {
	basic := &openapi3.SecurityScheme{Type: "http", Scheme: "basic"}
	bearer := &openapi3.SecurityScheme{Type: "http", Scheme: "bearer"}
	queryKey := &openapi3.SecurityScheme{Type: "apiKey", In: "query", Name: "api_key"}
	headerKey := &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: "X-Api-Key"}
	secret := &runner.Credential{Scheme: "cloud-api-key", Username: "real-key-0123", Password: "real-secret-4567", Token: "real-token-89ab"}
	profile := &scenario.Profile{Scheme: "cloud-api-key", Username: scenario.Value{Env: "CONFLUENT_CLOUD_API_KEY"},
		Password: scenario.Value{Env: "CONFLUENT_CLOUD_API_SECRET"}, Token: scenario.Value{Env: "APINIZER_TOKEN"}}
	unknown := &runner.Credential{Scheme: "cloud-api-key", Username: Prefix + "key", Password: Prefix + "secret", Token: Prefix + "token"}
	base := "http://127.0.0.1:8080"
	return []struct {
		name string
		req  CurlRequest
	}{
		{"a GET with a basic credential of the user's", CurlRequest{Method: "GET", URL: base + "/org/v2/environments/apiconform-probe-%2F",
			Auth: curlAuth(basic, secret, profile, true)}},
		{"a DELETE with a bearer token of the user's", CurlRequest{Method: "DELETE", URL: base + "/apiops/projects/DemoProject/apiProxies/petstore-api/environments/staging/",
			Auth: curlAuth(bearer, secret, profile, true), Header: [][2]string{{"Content-Type", "application/json"}}, Body: []byte(`{"persistent":"yes"}`), HasBody: true}},
		{"a body with quotes, a dollar and non-ASCII", CurlRequest{Method: "POST", URL: base + "/org/v2/environments",
			Auth: curlAuth(basic, secret, profile, true), Header: [][2]string{{"Content-Type", "text/plain"}},
			Body: []byte(`{"display_name":"it's $HOME \"日本\" ` + "`id`" + `"}`), HasBody: true}},
		{"an unknown credential, written as it is", CurlRequest{Method: "GET", URL: base + "/org/v2/environments/env-x", Auth: curlAuth(basic, unknown, nil, false)}},
		{"a malformed Authorization header", CurlRequest{Method: "GET", URL: base + "/org/v2/environments/env-x", Header: [][2]string{{"Authorization", "Basic !!!"}}}},
		{"a user's credential without a profile", CurlRequest{Method: "GET", URL: base + "/x", Auth: curlAuth(bearer, secret, nil, true)}},
		{"HEAD", CurlRequest{Method: "HEAD", URL: base + "/org/v2/environments"}},
		{"an API key in the query", CurlRequest{Method: "GET", URL: base + "/x?a=1", Auth: curlAuth(queryKey, secret, profile, true)}},
		{"an API key in a header", CurlRequest{Method: "PUT", URL: base + "/x", Auth: curlAuth(headerKey, secret, profile, true)}},
		{"a dot segment and brackets", CurlRequest{Method: "GET", URL: base + "/a/../b/[c]"}},
	}
}

// The curl rendering, golden: testdata/curl.golden (go test ./probe -run Curl -update).
func TestCurlGolden(t *testing.T) {
	var b strings.Builder
	for _, c := range curlCases() {
		b.WriteString("# " + c.name + "\n" + CurlCommand(c.req) + "\n")
	}
	got := b.String()
	path := filepath.Join("testdata", "curl.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("curl commands differ from %s (rerun with -update if intended):\n%s", path, got)
	}
	for _, secret := range []string{"real-key-0123", "real-secret-4567", "real-token-89ab"} {
		if strings.Contains(got, secret) {
			t.Errorf("a credential of the user's (%s) is in a curl command", secret)
		}
	}
}

// The single-quoted parts survive a shell: every ' is closed, escaped and reopened.
func TestShellQuoting(t *testing.T) {
	for in, want := range map[string]string{
		"plain":     "'plain'",
		"it's":      `'it'\''s'`,
		"$HOME `x`": "'$HOME `x`'",
		"":          "''",
	} {
		if got := sq(in); got != want {
			t.Errorf("sq(%q) = %s, want %s", in, got, want)
		}
	}
	if got := dq(`$A:"b"\`, true); got != `"$A:\"b\"\\"` {
		t.Errorf("dq with variables: %s", got)
	}
	// And a real shell reads them back as they were.
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, in := range []string{`{"display_name":"it's $HOME \"日本\" ` + "`id`" + `"}`, "a\tb\\n'", "!!!"} {
		out, err := exec.Command(sh, "-c", "printf %s "+sq(in)).Output()
		if err != nil || string(out) != in {
			t.Errorf("sh read %s as %q (%v), want %q", sq(in), out, err, in)
		}
	}
	cmd := exec.Command(sh, "-c", "printf %s "+dq(`$V:x"y`, true))
	cmd.Env = append(os.Environ(), "V=s3cr3t")
	out, err := cmd.Output()
	if err != nil || string(out) != `s3cr3t:x"y` {
		t.Errorf("sh read the variable word as %q (%v)", out, err)
	}
}

// TestShellWord: a word a shell reads as it is stays bare; anything else is single-quoted.
func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{
		"getOrgV2Environment":  "getOrgV2Environment",
		"../specs/org-v2.yaml": "../specs/org-v2.yaml",
		"GET /widgets/{id}":    `'GET /widgets/{id}'`,
		"my spec's file.yaml":  `'my spec'\''s file.yaml'`,
		"":                     `''`,
		"$HOME/x":              `'$HOME/x'`,
	} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %s, want %s", in, got, want)
		}
	}
}
