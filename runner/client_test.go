package runner

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestBuildURL(t *testing.T) {
	api := testAPI(t, "apinizer")
	op := api.Operation("undeployApiProxy")
	tests := []struct {
		base   string
		params map[string]string
		want   string
	}{
		{"http://127.0.0.1:8080", defaultParams, "http://127.0.0.1:8080/apiops/projects/DemoProject/apiProxies/petstore-api/environments/production/"},
		{"http://127.0.0.1:8080/manager/", defaultParams, "http://127.0.0.1:8080/manager/apiops/projects/DemoProject/apiProxies/petstore-api/environments/production/"},
		{"http://127.0.0.1:8080", map[string]string{"projectName": "a/b", "apiProxyName": "p q", "environmentName": "e"}, "http://127.0.0.1:8080/apiops/projects/a%2Fb/apiProxies/p%20q/environments/e/"},
	}
	for _, tt := range tests {
		base, _ := url.Parse(tt.base)
		got, err := BuildURL(base, op, tt.params, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != tt.want {
			t.Errorf("BuildURL(%s) = %s, want %s", tt.base, got, tt.want)
		}
	}
	base, _ := url.Parse("http://127.0.0.1:1")
	if _, err := BuildURL(base, op, map[string]string{"projectName": "x"}, nil); err == nil || !strings.Contains(err.Error(), "apiProxyName") {
		t.Errorf("want an error naming the missing parameters, got %v", err)
	}
}

func TestParseTarget(t *testing.T) {
	for raw, ok := range map[string]bool{
		"http://127.0.0.1:8080": true, "https://api.confluent.cloud": true, "http://[::1]:80/base": true,
		"ftp://x": false, "127.0.0.1:8080": false, "http://": false, "http://h/?q=1": false, "::": false,
	} {
		_, err := ParseTarget(raw)
		if (err == nil) != ok {
			t.Errorf("ParseTarget(%q) error = %v, want ok=%v", raw, err, ok)
		}
	}
}

// echoServer answers 200 with what it received, as JSON; sawAuth returns the Authorization of
// the last request (the recorded response has an echoed credential redacted).
func echoServer(t *testing.T) (base *url.URL, sawAuth func() string) {
	var mu sync.Mutex
	var last string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		last = r.Header.Get("Authorization")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "echo")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"method": r.Method, "path": r.URL.EscapedPath(), "authorization": r.Header.Get("Authorization"),
			"content_type": r.Header.Get("Content-Type"),
		})
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u, func() string {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
}

func TestCredentialsAttachedPerSchemeAndRedacted(t *testing.T) {
	confluent := testAPI(t, "confluent").Operation("deleteOrgV2Environment")
	apinizer := testAPI(t, "apinizer").Operation("undeployApiProxy")
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("KEY123:SECRET456"))
	tests := []struct {
		name     string
		op       *Operation
		cred     *Credential
		wantAuth string
		secrets  []string
	}{
		{"cloud api key", confluent, &Credential{Scheme: "cloud-api-key", Username: "KEY123", Password: "SECRET456"}, basic, []string{"SECRET456", "KEY123"}},
		{"global api key", confluent, &Credential{Scheme: "global-api-key", Username: "KEY123", Password: "SECRET456"}, basic, []string{"SECRET456"}},
		{"sts token", confluent, &Credential{Scheme: "confluent-sts-access-token", Token: "sts-TOKEN-789"}, "Bearer sts-TOKEN-789", []string{"sts-TOKEN-789"}},
		{"apinizer bearer", apinizer, &Credential{Scheme: "bearerAuth", Token: "apinizer-TOKEN-1"}, "Bearer apinizer-TOKEN-1", []string{"apinizer-TOKEN-1"}},
		{"no credential", confluent, nil, "", nil},
	}
	client, _ := NewClient(ClientOptions{})
	base, sawAuth := echoServer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, err := client.Do(context.Background(), base, Request{Op: tt.op, PathParams: defaultParams, Credential: tt.cred})
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]string
			if err := json.Unmarshal(ex.Response.Body, &got); err != nil {
				t.Fatal(err)
			}
			if sawAuth() != tt.wantAuth {
				t.Errorf("server saw Authorization %q, want %q", sawAuth(), tt.wantAuth)
			}
			if tt.cred != nil && !strings.Contains(got["authorization"], Redacted) {
				t.Errorf("the recorded response holds the echoed credential: %q", got["authorization"])
			}
			recorded, _ := json.Marshal(ex)
			for _, s := range tt.secrets {
				if strings.Contains(string(recorded), s) {
					t.Errorf("recorded request holds the secret %q: %s", s, recorded)
				}
			}
			scheme, _, _ := strings.Cut(tt.wantAuth, " ")
			if want := scheme + " " + Redacted; tt.cred != nil && ex.Request.Header.Get("Authorization") != want {
				t.Errorf("recorded Authorization = %q, want %s (the scheme is no secret)", ex.Request.Header.Get("Authorization"), want)
			}
		})
	}
	if _, err := client.Do(context.Background(), base, Request{Op: confluent, PathParams: defaultParams, Credential: &Credential{Scheme: "nope"}}); err == nil {
		t.Error("an unknown security scheme must be a setup error")
	}
}

func TestViolationsNeverCarrySecrets(t *testing.T) {
	// A hostile server echoes the credential back in a header and in the body.
	secret := "SUPER-SECRET-TOKEN-42"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`{"errors":[{"status":"` + r.Header.Get("Authorization") + `"}]}`))
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	op := testAPI(t, "confluent").Operation("deleteOrgV2Environment")
	client, _ := NewClient(ClientOptions{})
	cred := &Credential{Scheme: "confluent-sts-access-token", Token: secret}
	r := &Runner{API: op.API(), Client: client, Base: base, Checker: NewChecker(All(), CheckOptions{}, NewRedactor(cred.Secrets()...))}
	res, err := r.Do(context.Background(), Request{Op: op, PathParams: defaultParams, Credential: cred}, &Expectation{Status: 204})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed() {
		t.Fatal("want violations")
	}
	out, _ := json.Marshal(res.Violations)
	if strings.Contains(string(out), secret) || strings.Contains(render(res.Violations), secret) {
		t.Errorf("violations carry the secret:\n%s", render(res.Violations))
	}
	if !strings.Contains(string(out), Redacted) {
		t.Errorf("want the echoed secret shown as %s:\n%s", Redacted, render(res.Violations))
	}
}

func TestRunnerConformantExchangeHasNoViolations(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodDelete || r.URL.Path != "/org/v2/environments/env-abc123" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, 500)
			return
		}
		for k, v := range confluentHeaders("X-Request-Id", r.Header.Get("X-Test-Id")) {
			w.Header().Set(k, v)
		}
		w.WriteHeader(204)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	api := testAPI(t, "confluent")
	client, _ := NewClient(ClientOptions{})
	r := &Runner{API: api, Client: client, Base: base, Checker: NewChecker(All(), CheckOptions{}, nil)}
	for i, id := range []string{"a", "b"} {
		res, err := r.Do(context.Background(), Request{Op: api.Operation("deleteOrgV2Environment"), PathParams: defaultParams, Header: http.Header{"X-Test-Id": {id}}}, &Expectation{Status: 204})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Violations) != 0 {
			t.Errorf("request %d: want no violations, got:\n%s", i, render(res.Violations))
		}
	}
}

func TestFindOperationIgnoresServers(t *testing.T) {
	tests := []struct {
		api, method, path, want string
	}{
		{"confluent", "DELETE", "/org/v2/environments/env-1", "deleteOrgV2Environment"},
		{"confluent", "GET", "/org/v2/environments/env-1", "getOrgV2Environment"},
		{"confluent", "POST", "/org/v2/environments", "createOrgV2Environment"},
		{"apinizer", "DELETE", "/apiops/projects/P/apiProxies/x/environments/prod/", "undeployApiProxy"},
		{"apinizer", "POST", "/apiops/projects/P/apiProxies/x/environments/prod/", "deployApiProxy"},
		{"confluent", "PATCH", "/org/v2/environments/env-1", ""},
		{"confluent", "GET", "/nowhere", ""},
	}
	for _, tt := range tests {
		op, _, err := testAPI(t, tt.api).FindOperation(tt.method, tt.path)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("%s %s: want no route, got %s", tt.method, tt.path, op.ID)
		case tt.want != "" && (err != nil || op.ID != tt.want):
			t.Errorf("%s %s: got %v %v, want %s", tt.method, tt.path, op, err, tt.want)
		}
	}
}

func TestNewClientCACertErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.pem")
	_ = os.WriteFile(empty, []byte("not a certificate"), 0o600)
	for _, f := range []string{filepath.Join(dir, "missing.pem"), empty} {
		if _, err := NewClient(ClientOptions{CACertFile: f}); err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("NewClient(CACertFile=%s): want an error naming the file, got %v", f, err)
		}
	}
}
