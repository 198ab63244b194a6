package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// createEnvironment answers POST /org/v2/environments: 401, 429, 403, then 400 for a body that
// is not a JSON object or has a field of the wrong type, 422 for a missing or empty display_name
// (or stream_governance_config.package), 402 when the credential's organization already holds
// as many environments as its quota allows, else 201 with Location and the new environment.
func (c *call) createEnvironment() response {
	return c.locked(func(w *world, now time.Time) response {
		cw := &w.confluent
		p, rate, deny := c.confluentGate(cw, now, PermCreateEnvironment, "create an environment", "")
		if deny != nil {
			return *deny
		}
		e, status, f := parseEnvironmentCreate(c.body, c.r.Header.Get("Content-Type"))
		if f != nil {
			return response{status: status, rate: rate, failure: f}
		}
		if org := p.org; org.held >= org.quota {
			return response{status: http.StatusPaymentRequired, rate: rate, failure: &failure{
				code: "quota_exceeded", title: "Over Quota",
				detail: "The organization '" + org.id + "' holds " + strconv.Itoa(org.held) + " environment(s), its quota (environments_per_org) of " +
					strconv.Itoa(org.quota) + ": delete an environment, or ask for a higher quota",
			}}
		}
		e.ID = c.newEnvID(cw)
		e.CreatedAt = now.UTC()
		cw.addEnv(e, p.org)
		created := cw.env(e.ID)
		return response{status: http.StatusCreated, rate: rate, location: c.selfURL(e.ID), body: mustJSON(c.environmentJSON(created.org, &created.env))}
	})
}

// newEnvID returns the next ID of the server's sequence that no environment of the starting
// state holds: never an ID held before (created IDs never repeat; see envIDSequence).
func (c *call) newEnvID(cw *confluentWorld) string {
	for {
		if id := c.s.envIDs.next(); !cw.startIDs[id] {
			if _, live := cw.envs[id]; !live {
				return id
			}
		}
	}
}

// parseEnvironmentCreate reads an org.v2.EnvironmentCreate body. On a problem it returns the
// status (400 or 422) and the error, whose source.pointer names the field.
func parseEnvironmentCreate(body []byte, contentType string) (Environment, int, *failure) {
	var e Environment
	bad := func(status int, pointer, detail string) (Environment, int, *failure) {
		f := &failure{code: "invalid_input", title: "Bad Request", detail: detail}
		if status == http.StatusUnprocessableEntity {
			f.code, f.title = "validation_failed", "Validation Failed"
		}
		if pointer != "" {
			f.source = &errorSource{Pointer: pointer}
		}
		return e, status, f
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return bad(http.StatusBadRequest, "", "The request body is empty: send a JSON object with display_name")
	}
	if contentType != "" {
		if mt, _, err := mime.ParseMediaType(contentType); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return bad(http.StatusBadRequest, "", "The Content-Type ("+truncate(contentType, 64)+") is not supported: send the body as application/json")
		}
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return bad(http.StatusBadRequest, "", "The request body is not valid JSON (at byte "+strconv.FormatInt(syn.Offset, 10)+": "+syn.Error()+")")
		}
		return bad(http.StatusBadRequest, "", "The request body must be a JSON object")
	}
	name, present, ok := stringField(fields, "display_name")
	switch {
	case !ok:
		return bad(http.StatusBadRequest, "/display_name", "display_name must be a string")
	case !present || strings.TrimSpace(name) == "":
		return bad(http.StatusUnprocessableEntity, "/display_name", "display_name is required and must not be empty")
	}
	e.DisplayName = name
	if raw, found := fields["stream_governance_config"]; found {
		var sgc map[string]json.RawMessage
		if err := json.Unmarshal(raw, &sgc); err != nil || sgc == nil { // null is no object: the spec does not make it nullable
			return bad(http.StatusBadRequest, "/stream_governance_config", "stream_governance_config must be an object")
		}
		pkg, present, ok := stringField(sgc, "package")
		switch {
		case !ok:
			return bad(http.StatusBadRequest, "/stream_governance_config/package", "stream_governance_config.package must be a string")
		case !present || strings.TrimSpace(pkg) == "":
			return bad(http.StatusUnprocessableEntity, "/stream_governance_config/package", "stream_governance_config.package is required (ESSENTIALS or ADVANCED)")
		}
		e.StreamGovernanceConfig = &StreamGovernanceConfig{Package: pkg}
	}
	return e, 0, nil
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
