package drift

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vendorSpecs returns the folder holding the real history of Confluent's org/v2 spec
// (../shared/vendor-specs/confluent-org-v2 from the repository root), or skips the test, saying
// so, where it is absent (a newcomer's clone).
func vendorSpecs(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "vendor-specs", "confluent-org-v2")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("real-world test skipped: %s is absent (the shared vendor specs are not in this checkout)", dir)
	}
	return dir
}

func compareVendor(t *testing.T, base, revision string, opts Options) *Report {
	t.Helper()
	dir := vendorSpecs(t)
	b, err := LoadFile(filepath.Join(dir, base))
	if err != nil {
		t.Fatal(err)
	}
	r, err := LoadFile(filepath.Join(dir, revision))
	if err != nil {
		t.Fatal(err)
	}
	report, err := Compare(b, r, opts)
	if err != nil {
		t.Fatal(err)
	}
	return report
}

// find returns the changes with the rule ID, operation (empty: any) and a message containing text.
func find(r *Report, id, operation, text string) []Change {
	var out []Change
	for _, c := range r.Changes {
		if c.ID == id && (operation == "" || c.Operation == operation) && strings.Contains(c.Message, text) {
			out = append(out, c)
		}
	}
	return out
}

// Between 2026-04-14 (d91fa53c) and 2026-05-21 (a000a952) Confluent added a 409 response to the
// DELETE of an environment: the only change, informational for a client.
func TestRealWorldDeleteGained409(t *testing.T) {
	r := compareVendor(t, "org-v2-2026-04-14-d91fa53c.yaml", "org-v2-2026-05-21-a000a952.yaml", Options{})
	if len(r.Changes) != 1 {
		t.Fatalf("got %d changes, want 1: %v", len(r.Changes), got(r))
	}
	c := r.Changes[0]
	if c.ID != "response-non-success-status-added" || c.Level != Info || c.Operation != "DELETE /org/v2/environments/{id}" ||
		c.OperationID != "deleteOrgV2Environment" || c.Message != "added the non-success response with the status `409`" {
		t.Errorf("change = %+v", c)
	}
	if c.RevisionLocation.Line != 881 || c.RevisionLocation.Scope != ScopeChange || !strings.HasSuffix(c.RevisionLocation.File, "org-v2-2026-05-21-a000a952.yaml") {
		t.Errorf("revision location = %+v; want the 409 at line 881 of the 2026-05-21 revision", c.RevisionLocation)
	}
	if c.BaseLocation.Scope != ScopeOperation || c.BaseLocation.Line == 0 || !strings.HasSuffix(c.BaseLocation.File, "org-v2-2026-04-14-d91fa53c.yaml") {
		t.Errorf("base location = %+v; want the DELETE in the 2026-04-14 revision", c.BaseLocation)
	}
}

// Between 2023-02-21 (9026afa2) and 2023-11-13 (aa2e6468) Confluent replaced the `api-key`
// security requirement by `cloud-api-key` and `confluent-sts-access-token` on every operation.
func TestRealWorldApiKeyReplaced(t *testing.T) {
	r := compareVendor(t, "org-v2-2023-02-21-9026afa2.yaml", "org-v2-2023-11-13-aa2e6468.yaml", Options{})
	const del = "DELETE /org/v2/environments/{id}"
	removed := find(r, "api-security-removed", "", "`api-key`")
	if len(removed) != 8 {
		t.Errorf("api-security-removed for `api-key` on %d operations, want the 8 of the document", len(removed))
	}
	for _, c := range removed {
		if c.Level != Breaking || c.BaseLocation.Scope != ScopeChange || c.BaseLocation.Line == 0 {
			t.Errorf("removal = %+v; want breaking, located in the base", c)
		}
	}
	if len(find(r, "api-security-removed", del, "`api-key`")) != 1 {
		t.Errorf("no api-security-removed for `api-key` on %s", del)
	}
	for _, scheme := range []string{"`cloud-api-key`", "`confluent-sts-access-token`"} {
		added := find(r, "api-security-added", del, scheme)
		if len(added) != 1 || added[0].Level != Info {
			t.Errorf("api-security-added %s on %s = %+v; want one, info", scheme, del, added)
		}
		if c := find(r, "api-security-component-added", "", scheme); len(c) != 1 || c[0].Level != Info || c[0].Section != "components" {
			t.Errorf("api-security-component-added %s = %+v", scheme, c)
		}
	}
	if c := find(r, "api-security-component-removed", "", "`api-key`"); len(c) != 1 || c[0].Level != Info {
		t.Errorf("api-security-component-removed `api-key` = %+v", c)
	}
}

// The everyday use: the pinned Confluent spec against the newest revision (2026-08-05, acbfc6f9).
// docs/drift.md records what it reports; this test holds the facts that page states.
func TestRealWorldPinnedAgainstNewest(t *testing.T) {
	dir := vendorSpecs(t)
	base, err := LoadPinned("confluent")
	if err != nil {
		t.Fatal(err)
	}
	revision, err := LoadFile(filepath.Join(dir, "org-v2-2026-08-05-acbfc6f9.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Compare(base, revision, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Base != "specs/confluent/confluent.yaml" {
		t.Errorf("base = %q", r.Base)
	}
	// The one breaking change is the modelling choice the pinned spec documents: the STS token as
	// HTTP bearer where the vendor writes OAuth2 client credentials.
	wantBreaking := []want{
		{"api-security-component-type-changed", Breaking, ""},
	}
	if g := got(r)[:min(1, len(r.Changes))]; !equal(g, wantBreaking) || r.Count(Breaking) != 1 || r.Count(Warning) != 0 {
		t.Errorf("breaking changes = %v (%d breaking, %d warnings); want %v", g, r.Count(Breaking), r.Count(Warning), wantBreaking)
	}
	if len(find(r, "endpoint-added", "GET /org/v2/environments", "")) != 1 {
		t.Error("the newest revision lists environments (GET /org/v2/environments), which the pinned spec does not")
	}
	if len(find(r, "api-security-added", "DELETE /org/v2/environments/{id}", "confluent_auth")) != 1 {
		t.Error("the newest revision adds the confluent_auth requirement to the DELETE")
	}

	covered, err := CoveredOperations()
	if err != nil {
		t.Fatal(err)
	}
	onlyCovered, err := Compare(base, revision, Options{Covered: covered})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range onlyCovered.Changes {
		if c.Operation == "" || !covered.Has(strings.Fields(c.Operation)[0], strings.Fields(c.Operation)[1]) {
			t.Errorf("--only-covered kept %+v", c)
		}
	}
	if onlyCovered.Count(Breaking) != 0 || len(onlyCovered.Changes) >= len(r.Changes) {
		t.Errorf("--only-covered: %d changes, %d breaking; want no breaking change on the covered operations and fewer changes than %d",
			len(onlyCovered.Changes), onlyCovered.Count(Breaking), len(r.Changes))
	}
}

// The oldest revision (2021-12-01) is an invalid OpenAPI document (an example that does not match
// its schema): drift refuses it with the file and line, as it refuses any document it cannot use.
func TestRealWorldInvalidRevisionIsRefused(t *testing.T) {
	dir := vendorSpecs(t)
	_, err := LoadFile(filepath.Join(dir, "org-v2-2021-12-01-195264e0.yaml"))
	if err == nil || !strings.Contains(err.Error(), "org-v2-2021-12-01-195264e0.yaml:1531: invalid OpenAPI document") {
		t.Errorf("LoadFile(2021-12-01) = %v; want the file:line of the invalid example", err)
	}
}

// Every later revision loads and compares with its successor without error.
func TestRealWorldHistoryCompares(t *testing.T) {
	dir := vendorSpecs(t)
	files, err := filepath.Glob(filepath.Join(dir, "org-v2-*.yaml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("history: %v %v", files, err)
	}
	var prev *Document
	for _, f := range files[1:] { // files are named by date: the glob is in order
		d, err := LoadFile(f)
		if err != nil {
			t.Errorf("%v", err)
			prev = nil
			continue
		}
		if prev != nil {
			if _, err := Compare(prev, d, Options{}); err != nil {
				t.Errorf("%s -> %s: %v", prev.File, f, err)
			}
		}
		prev = d
	}
}
