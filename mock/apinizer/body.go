package apinizer

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/apiconform/apiconform/mock/internal/core"
)

// undeployOptions are the fields of the optional undeploy body.
type undeployOptions struct {
	description string
	persistent  bool
}

// parseUndeployOptions reads the optional undeploy body {description, persistent}. No body (or an
// empty description) means the defaults; a null body or field is the wrong type. problem says
// what is wrong with a body that cannot be used; unknown fields are ignored. lenientPersistent
// (a fault) takes a string persistent as true.
func parseUndeployOptions(body []byte, contentType string, lenientPersistent bool) (opts undeployOptions, problem string) {
	opts = undeployOptions{description: defaultUndeployDescription}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return opts, ""
	}
	fields, kind, detail := core.JSONObject(body, contentType)
	switch kind {
	case core.NotJSONMediaType:
		return opts, detail
	case core.NotJSON:
		return opts, "Request body is " + detail
	case core.NotObject: // a null body is no object
		return opts, "Request body must be a JSON object with optional fields description (string) and persistent (boolean), not " + jsonKind(body)
	}
	// Neither field is nullable in the spec: a null is the wrong type, as any other.
	if raw, ok := fields["description"]; ok {
		if err := json.Unmarshal(raw, &opts.description); err != nil || jsonKind(raw) == "null" {
			return opts, "Field description must be a string, not " + jsonKind(raw)
		}
		if strings.TrimSpace(opts.description) == "" {
			opts.description = defaultUndeployDescription
		}
	}
	if raw, ok := fields["persistent"]; ok {
		if lenientPersistent && jsonKind(raw) == "a string" {
			opts.persistent = true // the apinizer-persistent-string-accepted fault
			return opts, ""
		}
		if err := json.Unmarshal(raw, &opts.persistent); err != nil || jsonKind(raw) == "null" {
			return opts, "Field persistent must be a boolean (true or false), not " + jsonKind(raw)
		}
	}
	return opts, ""
}

// jsonKind names the JSON type of a valid JSON value by its first byte.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "a number"
}
