package confluent

import (
	"net/http"
	"strings"
	"time"

	"github.com/apiconform/apiconform/mock/internal/core"
)

// deleteEnvironment answers DELETE /org/v2/environments/{id}: 401, 429, 403, then 400 for a
// malformed id, 404 for an unknown one, 409 while an earlier deletion is in progress, else 204
// with the environment and its Kafka clusters and connectors deleted (at once, or after the
// deletion delay).
func (m *Mock) deleteEnvironment(c *core.Call) core.Response {
	if c.Fault(core.HangUp) {
		return core.Response{HangUp: true}
	}
	id := c.Param("id")
	return m.withEnvironment(c, id, PermDeleteEnvironment, "delete the environment", func(w *world, e *envEntry, rate *core.RateStatus, now time.Time) core.Response {
		if e.env.Deleting {
			resp := core.Fail(http.StatusConflict, "resource_deletion_in_progress", "Conflict",
				"The environment '"+id+"' is already being deleted; GET its Location to follow the deletion")
			resp.Rate, resp.Location = rate, selfURL(c, id)
			return resp
		}
		if m.delay == 0 {
			w.removeEnv(id)
		} else {
			at := now.Add(m.delay).UTC()
			changed := *e
			changed.env.Deleting, changed.env.DeletedAt = true, &at
			w.replaceEnv(&changed)
			w.pending.push(id, at)
		}
		status := http.StatusNoContent
		if c.Fault(core.UndocumentedStatus) {
			status = http.StatusAccepted
		}
		return core.Response{Status: status, Rate: rate}
	})
}

// getEnvironment answers GET /org/v2/environments/{id}: 401, 429, 403, 400, 404, else 200 with
// the environment (metadata.deleted_at set while its deletion is in progress).
func (m *Mock) getEnvironment(c *core.Call) core.Response {
	return m.withEnvironment(c, c.Param("id"), PermDescribeEnvironment, "read the environment", func(_ *world, e *envEntry, rate *core.RateStatus, _ time.Time) core.Response {
		resp := core.JSON(http.StatusOK, core.MustJSON(environmentJSON(c, e.org, &e.env)))
		resp.Rate = rate
		return resp
	})
}

// withEnvironment runs f under the lock on the environment id, once the request has passed the
// gate (perm, action: see gate) and the environment is found (see findEnvironment); else it
// answers why not.
func (m *Mock) withEnvironment(c *core.Call, id, perm, action string, f func(w *world, e *envEntry, rate *core.RateStatus, now time.Time) core.Response) core.Response {
	return core.Locked(m.store, func(now time.Time) core.Response {
		w := m.state.World()
		p, rate, deny := m.gate(c, w, now, perm, action, id)
		if deny != nil {
			return *deny
		}
		e, resp := findEnvironment(c, w, p, id, rate)
		if e == nil {
			return resp
		}
		return f(w, e, rate, now)
	})
}

// findEnvironment returns the environment with id of p's organization, or nil and the 400
// (malformed id) or 404 (none, or another organization's) that says why not.
func findEnvironment(c *core.Call, w *world, p *principal, id string, rate *core.RateStatus) (*envEntry, core.Response) {
	if c.Fault(core.LongIDServerError) && (strings.Contains(id, "/") || len(id) > 64) {
		return nil, c.InternalError()
	}
	if !ValidEnvID(id) {
		resp := core.Fail(http.StatusBadRequest, "invalid_parameter", "Invalid Parameter",
			"The id '"+core.Truncate(id, 64)+"' is not an environment ID: want env- followed by letters and digits")
		resp.Rate, resp.Err.Parameter = rate, "id"
		return nil, resp
	}
	e := w.env(id)
	if e == nil || e.org != p.org {
		resp := core.Fail(http.StatusNotFound, "resource_not_found", "Not Found", "The environment '"+id+"' was not found")
		resp.Rate = rate
		return nil, resp
	}
	return e, core.Response{}
}

// environmentRepr is the org.v2.Environment representation.
type environmentRepr struct {
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

func environmentJSON(c *core.Call, org *organization, e *Environment) environmentRepr {
	return environmentRepr{
		APIVersion: "org/v2",
		Kind:       "Environment",
		ID:         e.ID,
		Metadata: objectMeta{
			Self:         selfURL(c, e.ID),
			ResourceName: "crn://confluent.cloud/organization=" + org.id + "/environment=" + e.ID,
			CreatedAt:    e.CreatedAt.UTC(),
			DeletedAt:    e.DeletedAt,
		},
		DisplayName:            e.DisplayName,
		StreamGovernanceConfig: e.StreamGovernanceConfig,
	}
}

// selfURL is the environment's URL on this mock, as the request reached it.
func selfURL(c *core.Call, id string) string {
	scheme := "http"
	if c.R.TLS != nil {
		scheme = "https"
	}
	host := c.R.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host + "/org/v2/environments/" + id
}
