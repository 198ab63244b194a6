package mock

import (
	"net/http"
	"strings"
	"time"
)

// locked runs f on the live state under the server's lock, after completing the timed
// deletions that are due. f decides; the caller writes after the lock is released.
func (c *call) locked(f func(w *world, now time.Time) response) response {
	now := c.s.now()
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.s.w.confluent.settle(now)
	return f(c.s.w, now)
}

// deleteEnvironment answers DELETE /org/v2/environments/{id}: 401, 429, 403, then 400 for a
// malformed id, 404 for an unknown one, 409 while an earlier deletion is in progress, else 204
// with the environment and its Kafka clusters and connectors deleted (at once, or after
// Options.DeletionDelay).
func (c *call) deleteEnvironment(id string) response {
	if c.fault(faultHangUp) {
		return response{hangUp: true}
	}
	return c.locked(func(w *world, now time.Time) response {
		cw := &w.confluent
		p, rate, deny := c.confluentGate(cw, now, PermDeleteEnvironment, "delete the environment", id)
		if deny != nil {
			return *deny
		}
		e, resp := c.findEnvironment(cw, p, id, rate)
		if e == nil {
			return resp
		}
		if e.env.Deleting {
			return response{status: http.StatusConflict, rate: rate, location: c.selfURL(id), failure: &failure{
				code: "resource_deletion_in_progress", title: "Conflict",
				detail: "The environment '" + id + "' is already being deleted; GET its Location to follow the deletion",
			}}
		}
		if c.s.delay == 0 {
			cw.removeEnv(id)
		} else {
			at := now.Add(c.s.delay).UTC()
			changed := *e
			changed.env.Deleting, changed.env.DeletedAt = true, &at
			cw.replaceEnv(&changed)
			cw.pending.push(id, at)
		}
		status := http.StatusNoContent
		if c.fault(faultUndocumentedStatus) {
			status = http.StatusAccepted
		}
		return response{status: status, rate: rate}
	})
}

// getEnvironment answers GET /org/v2/environments/{id}: 401, 429, 403, 400, 404, else 200 with
// the environment (metadata.deleted_at set while its deletion is in progress).
func (c *call) getEnvironment(id string) response {
	return c.locked(func(w *world, now time.Time) response {
		cw := &w.confluent
		p, rate, deny := c.confluentGate(cw, now, PermDescribeEnvironment, "read the environment", id)
		if deny != nil {
			return *deny
		}
		e, resp := c.findEnvironment(cw, p, id, rate)
		if e == nil {
			return resp
		}
		return response{status: http.StatusOK, rate: rate, body: mustJSON(c.environmentJSON(e.org, &e.env))}
	})
}

// findEnvironment returns the environment with id of p's organization, or nil and the 400
// (malformed id) or 404 (none, or another organization's) that says why not.
func (c *call) findEnvironment(cw *confluentWorld, p *principal, id string, rate *rateStatus) (*envEntry, response) {
	if c.fault(faultLongIDServerError) && (strings.Contains(id, "/") || len(id) > 64) {
		return nil, c.internalError()
	}
	if !validEnvID(id) {
		return nil, response{status: http.StatusBadRequest, rate: rate, failure: &failure{
			code: "invalid_parameter", title: "Invalid Parameter",
			detail: "The id '" + truncate(id, 64) + "' is not an environment ID: want env- followed by letters and digits",
			source: &errorSource{Parameter: "id"},
		}}
	}
	e := cw.env(id)
	if e == nil || e.org != p.org {
		return nil, response{status: http.StatusNotFound, rate: rate, failure: &failure{
			code: "resource_not_found", title: "Not Found", detail: "The environment '" + id + "' was not found",
		}}
	}
	return e, response{}
}

// environmentJSON is the org.v2.Environment representation.
type environmentJSON struct {
	APIVersion             string                  `json:"api_version"`
	Kind                   string                  `json:"kind"`
	ID                     string                  `json:"id"`
	Metadata               objectMeta              `json:"metadata"`
	DisplayName            string                  `json:"display_name"`
	StreamGovernanceConfig *StreamGovernanceConfig `json:"stream_governance_config,omitempty"`
}

type objectMeta struct {
	Self         string     `json:"self"`
	ResourceName string     `json:"resource_name"`
	CreatedAt    time.Time  `json:"created_at"`
	DeletedAt    *time.Time `json:"deleted_at,omitempty"`
}

func (c *call) environmentJSON(org *organization, e *Environment) environmentJSON {
	return environmentJSON{
		APIVersion: "org/v2",
		Kind:       "Environment",
		ID:         e.ID,
		Metadata: objectMeta{
			Self:         c.selfURL(e.ID),
			ResourceName: "crn://confluent.cloud/organization=" + org.id + "/environment=" + e.ID,
			CreatedAt:    e.CreatedAt.UTC(),
			DeletedAt:    e.DeletedAt,
		},
		DisplayName:            e.DisplayName,
		StreamGovernanceConfig: e.StreamGovernanceConfig,
	}
}

// selfURL is the environment's URL on this mock, as the request reached it.
func (c *call) selfURL(id string) string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	host := c.r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host + "/org/v2/environments/" + id
}
