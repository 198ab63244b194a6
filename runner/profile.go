package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
)

// ProfileExtension is the OpenAPI extension at the root of a spec that holds its API profile.
const ProfileExtension = "x-apiconform"

// Profile is what makes an API more than its spec, as data: the names of the headers and body
// fields that the generic checks hold to semantics the spec states only in prose. It is read from
// the spec's x-apiconform extension, or from a profile file (ReadProfile). A check whose part of
// the profile is absent stays silent: an API without a rate-limit profile is not held to
// rate-limit semantics.
type Profile struct {
	// RequestIDHeader names the response header that identifies each response
	// (request-id-unique; the request ID in every finding).
	RequestIDHeader string `yaml:"request-id-header" json:"request-id-header,omitempty"`
	// RateLimit names the rate-limit headers and how Reset is expressed (ratelimit-semantics).
	RateLimit *RateLimitProfile `yaml:"rate-limit" json:"rate-limit,omitempty"`
	// ErrorStatus says where an error body carries its HTTP status (error-status-match).
	ErrorStatus *ErrorStatusProfile `yaml:"error-status" json:"error-status,omitempty"`
	// ErrorCode says where an error body carries its code, checked against the response's list
	// of known codes (drift-enum).
	ErrorCode *ErrorCodeProfile `yaml:"error-code" json:"error-code,omitempty"`
	// ExtensibleEnumExtension names the schema extension that lists the known values of an open
	// set (e.g. x-extensible-enum): a value outside it is live drift (drift-enum).
	ExtensibleEnumExtension string `yaml:"extensible-enum-extension" json:"extensible-enum-extension,omitempty"`
	// ContractHeaderPrefixes are header name prefixes that count as contract: an undocumented one
	// is live drift (drift-header). Case does not matter.
	ContractHeaderPrefixes []string `yaml:"contract-header-prefixes" json:"contract-header-prefixes,omitempty"`
}

// RateLimitProfile names an API's rate-limit headers.
type RateLimitProfile struct {
	LimitHeader      string `yaml:"limit-header" json:"limit-header,omitempty"`
	RemainingHeader  string `yaml:"remaining-header" json:"remaining-header,omitempty"`
	ResetHeader      string `yaml:"reset-header" json:"reset-header,omitempty"`
	RetryAfterHeader string `yaml:"retry-after-header" json:"retry-after-header,omitempty"`
	// Reset is how ResetHeader is expressed: ResetRelativeSeconds (the default) or
	// ResetEpochSeconds.
	Reset string `yaml:"reset" json:"reset,omitempty"`
}

// How a rate-limit reset header is expressed.
const (
	ResetRelativeSeconds = "relative-seconds"
	ResetEpochSeconds    = "epoch-seconds"
)

// ErrorStatusProfile says where an error body carries its status: Items is the property that
// holds the error object, or an array of them, and Field the property of each that holds the
// status, as a string or a number ({"errors": [{"status": "404"}]}, {"error": {"status": 404}}).
// Items empty: Field is a property of the body itself.
type ErrorStatusProfile struct {
	Items string `yaml:"items" json:"items,omitempty"`
	Field string `yaml:"field" json:"field"`
}

// ErrorCodeProfile says where an error body carries its code (Field, a property of the body) and
// which extension of the response schema lists the codes the vendor is known to send
// (KnownCodesExtension, e.g. x-known-codes).
type ErrorCodeProfile struct {
	Field               string `yaml:"field" json:"field"`
	KnownCodesExtension string `yaml:"known-codes-extension" json:"known-codes-extension"`
}

// ReadProfile reads a profile file (YAML or JSON, the shape of Profile); errors name the file
// and, for YAML problems, the line.
func ReadProfile(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is said once
		}
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	return ParseProfile(data, path)
}

// ParseProfile parses a profile; name says where it comes from in errors.
func ParseProfile(data []byte, name string) (*Profile, error) {
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil && !errors.Is(err, io.EOF) { // empty: a profile of nothing
		return nil, fmt.Errorf("profile %s: %s", name, yamlProblem(err))
	}
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("profile %s: %w", name, err)
	}
	return &p, nil
}

// unknownField is how the YAML decoder words a key that Profile does not have.
var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

// yamlProblem words a YAML decoding error for a user: one line per problem, each with its line,
// a key the profile does not have called an unknown key, and no Go type names.
func yamlProblem(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
	problems := make([]string, len(te.Errors))
	for i, e := range te.Errors {
		e = unknownField.ReplaceAllStringFunc(e, func(m string) string {
			key := unknownField.FindStringSubmatch(m)[1]
			if near := nearestProfileKey(key); near != "" {
				return "unknown key " + key + "; did you mean " + near + "? (the keys: docs/profiles.md)"
			}
			return "unknown key " + key + " (the keys: docs/profiles.md)"
		})
		problems[i] = strings.ReplaceAll(e, "runner.", "")
	}
	return strings.Join(problems, "; ")
}

// profileKeys are every key a profile may hold, at any level.
var profileKeys = []string{"request-id-header", "rate-limit", "error-status", "error-code", "extensible-enum-extension",
	"contract-header-prefixes", "limit-header", "remaining-header", "reset-header", "retry-after-header", "reset", "items",
	"field", "known-codes-extension"}

// nearestProfileKey returns the profile key closest to key when it is a likely typing mistake
// (an edit distance of at most a third of its length, and 3), or "".
func nearestProfileKey(key string) string {
	best, bestD := "", min(3, len(key)/3)+1
	for _, k := range profileKeys {
		if d := levenshtein.ComputeDistance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// SpecProfile reads the profile of a spec from its x-apiconform extension; nil when it has none.
// name says which spec in errors.
func SpecProfile(name string, doc *openapi3.T) (*Profile, error) {
	raw, ok := doc.Extensions[ProfileExtension]
	if !ok {
		return nil, nil
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("spec %s: %s: %w", name, ProfileExtension, err)
	}
	return ParseProfile(data, "of spec "+name+" ("+ProfileExtension+")")
}

// validate checks what a profile says is complete and well-formed, and puts it in its normal
// form (names trimmed, prefixes canonical, the default reset); it may run again on its result.
func (p *Profile) validate() error {
	p.RequestIDHeader = strings.TrimSpace(p.RequestIDHeader)
	if err := checkHeaderName("request-id-header", p.RequestIDHeader); err != nil {
		return err
	}
	if rl := p.RateLimit; rl != nil {
		switch rl.Reset {
		case "":
			rl.Reset = ResetRelativeSeconds
		case ResetRelativeSeconds, ResetEpochSeconds:
		default:
			return fmt.Errorf("rate-limit.reset %q: want %s or %s", rl.Reset, ResetRelativeSeconds, ResetEpochSeconds)
		}
		for _, h := range []struct {
			key   string
			value *string
		}{{"limit-header", &rl.LimitHeader}, {"remaining-header", &rl.RemainingHeader}, {"reset-header", &rl.ResetHeader}, {"retry-after-header", &rl.RetryAfterHeader}} {
			*h.value = strings.TrimSpace(*h.value)
			if err := checkHeaderName("rate-limit."+h.key, *h.value); err != nil {
				return err
			}
		}
		if rl.LimitHeader == "" && rl.RemainingHeader == "" && rl.ResetHeader == "" && rl.RetryAfterHeader == "" {
			return fmt.Errorf("rate-limit names no header")
		}
	}
	if es := p.ErrorStatus; es != nil {
		es.Items, es.Field = strings.TrimSpace(es.Items), strings.TrimSpace(es.Field)
		if es.Field == "" {
			return fmt.Errorf("error-status.field is empty: name the property that holds the status")
		}
	}
	if ec := p.ErrorCode; ec != nil {
		ec.Field, ec.KnownCodesExtension = strings.TrimSpace(ec.Field), strings.TrimSpace(ec.KnownCodesExtension)
		if ec.Field == "" || ec.KnownCodesExtension == "" {
			return fmt.Errorf("error-code needs field and known-codes-extension")
		}
	}
	p.ExtensibleEnumExtension = strings.TrimSpace(p.ExtensibleEnumExtension)
	for i, pre := range p.ContractHeaderPrefixes {
		pre = strings.TrimSpace(pre)
		if pre == "" {
			return fmt.Errorf("contract-header-prefixes[%d] is empty: it would make every header contract", i)
		}
		if err := checkHeaderName(fmt.Sprintf("contract-header-prefixes[%d]", i), pre); err != nil {
			return err
		}
		p.ContractHeaderPrefixes[i] = http.CanonicalHeaderKey(pre)
	}
	return nil
}

// checkHeaderName checks a header name (or prefix) the profile gives under key: "" (none) or an
// HTTP token, which is all a header's name may be.
func checkHeaderName(key, name string) error {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return fmt.Errorf("%s %q is not a header name (letters, digits and !#$%%&'*+-.^_`|~ only)", key, name)
		}
	}
	return nil
}

// normalized returns a copy of p in its normal form (validate), p itself unchanged.
func (p *Profile) normalized() (*Profile, error) {
	cp := *p
	if p.RateLimit != nil {
		rl := *p.RateLimit
		cp.RateLimit = &rl
	}
	if p.ErrorStatus != nil {
		es := *p.ErrorStatus
		cp.ErrorStatus = &es
	}
	if p.ErrorCode != nil {
		ec := *p.ErrorCode
		cp.ErrorCode = &ec
	}
	cp.ContractHeaderPrefixes = slices.Clone(p.ContractHeaderPrefixes)
	if err := cp.validate(); err != nil {
		return nil, err
	}
	return &cp, nil
}
