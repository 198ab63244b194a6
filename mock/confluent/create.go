package confluent

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/apiconform/apiconform/mock/internal/core"
)

// createEnvironment answers POST /org/v2/environments: 401, 429, 403, then 400 for a body that
// is not a JSON object or has a field of the wrong type, 422 for a missing or empty display_name
// (or stream_governance_config.package), 402 when the credential's organization already holds
// as many environments as its quota allows, else 201 with Location and the new environment.
func (m *Mock) createEnvironment(c *core.Call) core.Response {
	return core.Locked(m.store, func(now time.Time) core.Response {
		w := m.state.World()
		p, rate, deny := m.gate(c, w, now, PermCreateEnvironment, "create an environment", "")
		if deny != nil {
			return *deny
		}
		e, bad := parseEnvironmentCreate(c.Body, c.R.Header.Get("Content-Type"))
		if bad != nil {
			bad.Rate = rate
			return *bad
		}
		if org := p.org; org.held >= org.quota {
			resp := core.Fail(http.StatusPaymentRequired, "quota_exceeded", "Over Quota",
				"The organization '"+org.id+"' holds "+strconv.Itoa(org.held)+" environment(s), its quota (environments_per_org) of "+
					strconv.Itoa(org.quota)+": delete an environment, or ask for a higher quota")
			resp.Rate = rate
			return resp
		}
		e.ID = m.newEnvID(w)
		e.CreatedAt = now.UTC()
		w.addEnv(e, p.org)
		created := w.env(e.ID)
		resp := core.JSON(http.StatusCreated, core.MustJSON(environmentJSON(c, created.org, &created.env)))
		resp.Rate, resp.Location = rate, selfURL(c, e.ID)
		return resp
	})
}

// newEnvID returns the next ID of the mock's sequence that no environment of the starting state
// holds: never an ID held before (created IDs never repeat; see idSequence).
func (m *Mock) newEnvID(w *world) string {
	for {
		if id := m.ids.next(); !w.startIDs[id] {
			if _, live := w.envs[id]; !live {
				return id
			}
		}
	}
}

// parseEnvironmentCreate reads an org.v2.EnvironmentCreate body. On a problem it returns the
// 400 or 422 that says what, whose source.pointer names the field.
func parseEnvironmentCreate(body []byte, contentType string) (Environment, *core.Response) {
	var e Environment
	if len(bytes.TrimSpace(body)) == 0 {
		return e, invalid(http.StatusBadRequest, "", "The request body is empty: send a JSON object with display_name")
	}
	fields, problem, detail := core.JSONObject(body, contentType)
	switch problem {
	case core.NotJSONMediaType:
		return e, invalid(http.StatusBadRequest, "", "The "+detail)
	case core.NotJSON:
		return e, invalid(http.StatusBadRequest, "", "The request body is "+detail)
	case core.NotObject:
		return e, invalid(http.StatusBadRequest, "", "The request body must be a JSON object")
	}
	name, bad := requiredString(fields, "display_name", "/display_name", "display_name is required and must not be empty")
	if bad != nil {
		return e, bad
	}
	e.DisplayName = name
	if raw, found := fields["stream_governance_config"]; found {
		var sgc map[string]json.RawMessage
		if err := json.Unmarshal(raw, &sgc); err != nil || sgc == nil { // null is no object: the spec does not make it nullable
			return e, invalid(http.StatusBadRequest, "/stream_governance_config", "stream_governance_config must be an object")
		}
		pkg, bad := requiredString(sgc, "package", "/stream_governance_config/package", "stream_governance_config.package is required (ESSENTIALS or ADVANCED)")
		if bad != nil {
			return e, bad
		}
		e.StreamGovernanceConfig = &StreamGovernanceConfig{Package: pkg}
	}
	return e, nil
}

// requiredString reads the field key of a JSON object (at pointer in the body), which must be a
// non-empty string: 400 when it holds another type, 422 (missing) when it is absent, null or
// blank.
func requiredString(fields map[string]json.RawMessage, key, pointer, missing string) (string, *core.Response) {
	value, present, ok := stringField(fields, key)
	switch {
	case !ok:
		return "", invalid(http.StatusBadRequest, pointer, strings.ReplaceAll(pointer[1:], "/", ".")+" must be a string")
	case !present || strings.TrimSpace(value) == "":
		return "", invalid(http.StatusUnprocessableEntity, pointer, missing)
	}
	return value, nil
}

// invalid is a 400 (invalid_input) or 422 (validation_failed) about the body, at pointer.
func invalid(status int, pointer, detail string) *core.Response {
	resp := core.Fail(status, "invalid_input", "Bad Request", detail)
	if status == http.StatusUnprocessableEntity {
		resp.Err.Code, resp.Err.Title = "validation_failed", "Validation Failed"
	}
	resp.Err.Pointer = pointer
	return &resp
}

// stringField reads a string field of a JSON object: present is false when the field is absent
// or null; ok is false when it holds another type.
func stringField(fields map[string]json.RawMessage, name string) (value string, present, ok bool) {
	raw, found := fields[name]
	if !found || string(bytes.TrimSpace(raw)) == "null" {
		return "", false, true
	}
	if err := json.Unmarshal(raw, &value); err != nil {
		return "", true, false
	}
	return value, true, true
}
