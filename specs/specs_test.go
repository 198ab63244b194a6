package specs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEmbeddedSpecsLoadAndValidate(t *testing.T) {
	wantOps := map[string][]string{
		Confluent: {"deleteOrgV2Environment", "getOrgV2Environment", "createOrgV2Environment"},
		Apinizer:  {"undeployApiProxy", "deployApiProxy"},
	}
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			doc, err := Load(name)
			if err != nil {
				t.Fatalf("Load(%q): %v", name, err)
			}
			found := map[string]bool{}
			for _, item := range doc.Paths.Map() {
				for _, op := range item.Operations() {
					found[op.OperationID] = true
				}
			}
			for _, id := range wantOps[name] {
				if !found[id] {
					t.Errorf("operation %s missing from %s", id, name)
				}
			}
		})
	}
}

func TestEmbeddedSpecsLoadFromDisk(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			if _, err := LoadFile(embeddedPaths[name]); err != nil {
				t.Fatalf("LoadFile: %v", err)
			}
		})
	}
}

func TestConfluentDeleteIsTheSeedOperation(t *testing.T) {
	doc, err := Load(Confluent)
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Paths.Find("/org/v2/environments/{id}").Delete
	if op == nil || op.OperationID != "deleteOrgV2Environment" {
		t.Fatalf("DELETE /org/v2/environments/{id} is not deleteOrgV2Environment: %+v", op)
	}
	for _, status := range []int{204, 400, 401, 403, 404, 409, 429, 500} {
		if op.Responses.Status(status) == nil {
			t.Errorf("status %d not documented", status)
		}
	}
	if op.Security == nil || len(*op.Security) != 3 {
		t.Errorf("want the seed's three security alternatives, got %v", op.Security)
	}
	for name, scheme := range map[string]string{"cloud-api-key": "basic", "global-api-key": "basic", "confluent-sts-access-token": "bearer"} {
		s := doc.Components.SecuritySchemes[name]
		if s == nil || s.Value.Type != "http" || s.Value.Scheme != scheme {
			t.Errorf("security scheme %s: want http %s", name, scheme)
		}
	}
}

func TestEmbeddedConfluentPathsMatchTheSeed(t *testing.T) {
	seed := filepath.Join("..", "..", "shared", "seeds", "confluent-delete-environment.txt")
	raw, err := os.ReadFile(seed)
	if err != nil {
		t.Skipf("seed not present (%v): this check runs where ../shared is checked out", err)
	}
	_, yamlPart, ok := strings.Cut(string(raw), "OpenAPI definition (YAML)\n")
	if !ok {
		t.Fatal("seed has no OpenAPI definition section")
	}
	spec, _, _ := Source(Confluent)
	if !strings.Contains(string(spec), yamlPart) {
		t.Error("specs/confluent/confluent.yaml does not hold the seed's YAML verbatim")
	}
}

func TestLoadErrorsNameTheFileAndTheProblem(t *testing.T) {
	tests := []struct {
		file     string
		wantLine bool
		want     string
	}{
		{"testdata/bad-yaml.yaml", true, "cannot parse"},
		{"testdata/unresolved-ref.yaml", false, "Missing"},
		{"testdata/not-openapi.yaml", false, "not an OpenAPI 3 document"},
		{"testdata/invalid-doc.yaml", true, "invalid OpenAPI document"},
		{"testdata/empty.yaml", false, "the document is empty"},
		{"testdata/does-not-exist.yaml", false, "cannot read the file"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			_, err := LoadFile(tt.file)
			if err == nil {
				t.Fatal("want an error, got none")
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("want *LoadError, got %T: %v", err, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tt.file+":") {
				t.Errorf("message does not start with the file name: %q", msg)
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not contain %q", msg, tt.want)
			}
			if tt.wantLine && le.Line == 0 {
				t.Errorf("want a line number, got none: %q", msg)
			}
		})
	}
}

func TestLoadValidMinimal(t *testing.T) {
	if _, err := LoadFile("testdata/minimal.yaml"); err != nil {
		t.Fatal(err)
	}
}

func TestSourceUnknownName(t *testing.T) {
	if _, _, err := Source("nope"); err == nil || !strings.Contains(err.Error(), "confluent") {
		t.Fatalf("want an error listing the known names, got %v", err)
	}
}

func TestExternalRefsNeverReachTheNetwork(t *testing.T) {
	doc := []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      responses:
        '200':
          $ref: 'http://127.0.0.1:1/remote.yaml#/r'
`)
	_, err := LoadBytes(doc, "remote-ref.yaml")
	if err == nil || !strings.Contains(err.Error(), "only local files") {
		t.Fatalf("want a refusal of the remote $ref, got %v", err)
	}
}
