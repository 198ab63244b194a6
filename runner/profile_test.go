package runner

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/specs"
)

func TestParseProfile(t *testing.T) {
	for _, tt := range []struct {
		name, yaml, wantErr string
	}{
		{"complete", "request-id-header: X-Req\nrate-limit: {limit-header: L, remaining-header: R, reset-header: S, reset: epoch-seconds}\nerror-status: {items: errors, field: status}\n", ""},
		{"empty is no profile of anything", "{}\n", ""},
		{"a mistyped key", "request-id-headr: X\n", "line 1: unknown key request-id-headr; did you mean request-id-header? (the keys: docs/profiles.md)"},
		{"a mistyped nested key", "rate-limit: {limt-header: L}\n", "line 1: unknown key limt-header; did you mean limit-header?"},
		{"an unknown key", "colour: blue\n", "line 1: unknown key colour (the keys: docs/profiles.md)"},
		{"a list for a header name", "rate-limit: {limit-header: [1]}\n", "line 1: cannot unmarshal !!seq into string"},
		{"a bad reset", "rate-limit: {reset-header: S, reset: minutes}\n", `rate-limit.reset "minutes": want relative-seconds or epoch-seconds`},
		{"rate limits with no header", "rate-limit: {reset: relative-seconds}\n", "rate-limit names no header"},
		{"an error status without a field", "error-status: {items: errors}\n", "error-status.field is empty"},
		{"an error code without its extension", "error-code: {field: error}\n", "error-code needs field and known-codes-extension"},
		{"not YAML", "request-id-header: [\n", "profile p.yaml: line"},
		{"an empty file", "", ""},
		{"only comments", "# nothing yet\n", ""},
		{"an empty contract prefix", "contract-header-prefixes: [X-A-, ' ']\n", "contract-header-prefixes[1] is empty"},
		{"a header name with a space", "request-id-header: X Request Id\n", `request-id-header "X Request Id" is not a header name`},
		{"a rate-limit header with a colon", "rate-limit: {limit-header: 'Limit:'}\n", `rate-limit.limit-header "Limit:" is not a header name`},
		{"an error-status field of spaces", "error-status: {field: '  '}\n", "error-status.field is empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseProfile([]byte(tt.yaml), "p.yaml")
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatal(err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "profile p.yaml: ")):
				t.Fatalf("want an error naming p.yaml with %q, got %v", tt.wantErr, err)
			case tt.wantErr == "" && tt.name == "complete" && (p.RateLimit.Reset != ResetEpochSeconds || p.ErrorStatus.Items != "errors"):
				t.Errorf("parsed %+v", p)
			}
		})
	}
}

// TestProfilesBuiltInGoAreChecked: NewAPIWithProfile holds a profile built in Go to what a file
// is held to, and leaves the caller's profile as it was.
func TestProfilesBuiltInGoAreChecked(t *testing.T) {
	doc, err := specs.Load(specs.Confluent)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewAPIWithProfile("x", doc, &Profile{RateLimit: &RateLimitProfile{ResetHeader: "R", Reset: "epoch"}}); err == nil ||
		!strings.Contains(err.Error(), `rate-limit.reset "epoch"`) {
		t.Errorf("a bad reset: %v", err)
	}
	p := &Profile{ContractHeaderPrefixes: []string{"x-a-"}}
	a, err := NewAPIWithProfile("x", doc, p)
	if err != nil {
		t.Fatal(err)
	}
	if p.ContractHeaderPrefixes[0] != "x-a-" || a.Profile().ContractHeaderPrefixes[0] != "X-A-" {
		t.Errorf("caller's %v, the API's %v", p.ContractHeaderPrefixes, a.Profile().ContractHeaderPrefixes)
	}
}

// TestEmbeddedSpecsCarryTheirProfiles: each embedded spec holds its API's profile, as data.
func TestEmbeddedSpecsCarryTheirProfiles(t *testing.T) {
	for _, name := range specs.Names() {
		doc, err := specs.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := SpecProfile(name, doc)
		if err != nil || p == nil || p.RequestIDHeader == "" || len(p.ContractHeaderPrefixes) == 0 {
			t.Errorf("%s: profile %+v, %v", name, p, err)
		}
	}
}

// TestProfileKeysAreEveryYAMLKey: the keys a mistyped key is compared with are exactly those of
// Profile and the types under it.
func TestProfileKeysAreEveryYAMLKey(t *testing.T) {
	var tags []string
	for _, typ := range []reflect.Type{reflect.TypeOf(Profile{}), reflect.TypeOf(RateLimitProfile{}), reflect.TypeOf(ErrorStatusProfile{}), reflect.TypeOf(ErrorCodeProfile{})} {
		for i := 0; i < typ.NumField(); i++ {
			tags = append(tags, strings.Split(typ.Field(i).Tag.Get("yaml"), ",")[0])
		}
	}
	got, want := slices.Sorted(slices.Values(profileKeys)), slices.Compact(slices.Sorted(slices.Values(tags)))
	if !slices.Equal(got, want) {
		t.Errorf("profileKeys %v, the YAML keys %v", got, want)
	}
}
