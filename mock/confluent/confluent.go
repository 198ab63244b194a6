// Package confluent is the mock's Confluent Cloud org/v2: DELETE /org/v2/environments/{id} (the
// recursive delete), and the companions POST /org/v2/environments and
// GET /org/v2/environments/{id}, with API keys and STS tokens, per-credential rate limits,
// organizations with their environment quotas, and timed deletions. Its errors are Failure
// bodies ({"errors": [...]}), which the mock's own endpoints use too (Errors).
//
// It builds on the mock's shared core (mock/internal/core); package mock assembles it with the
// other APIs.
package confluent

import (
	"net/http"
	"time"

	"github.com/apiconform/apiconform/mock/internal/core"
)

// Name is the API's name in the fault table.
const Name = "confluent"

// Options configure the Confluent part of a mock.
type Options struct {
	// Faults are the server's faults the table gives to Name.
	Faults core.FaultSet
	// DeletionDelay is how long a deleted environment stays "being deleted" (GET shows
	// metadata.deleted_at, a DELETE answers 409) before it and its contents are gone; 0 deletes
	// at once.
	DeletionDelay time.Duration
}

// Mock is the Confluent part of a mock: its routes and its part of the live state.
type Mock struct {
	api   *core.API
	store *core.Store
	// state is the live state, guarded by the store's lock.
	state *core.Part[world]
	delay time.Duration
	// ids hands out the IDs of created environments; it keeps counting across resets.
	ids *idSequence
}

// New adds the Confluent API to srv: its routes, and its part of the state, starting from start
// (valid: see Validate), which it keeps: the caller's own copy, never changed. Every path no
// other API claims is its: unknown routes there answer its 404.
func New(srv *core.Server, start *State, opts Options) *Mock {
	m := &Mock{
		api:   &core.API{Name: Name, Faults: opts.Faults, Errors: Errors},
		store: srv.Store,
		state: core.AddPart(srv.Store, func() *world { return newWorld(start) }, (*world).settle),
		delay: opts.DeletionDelay,
		ids:   newIDSequence(),
	}
	rt := srv.Router
	rt.Claim(m.api, "/")
	rt.Handle(m.api, "POST /org/v2/environments", m.createEnvironment)
	rt.Handle(m.api, "GET /org/v2/environments/{id}", m.getEnvironment)
	rt.Handle(m.api, "DELETE /org/v2/environments/{id}", m.deleteEnvironment)
	if opts.Faults.Has(core.PutEnvironment) {
		rt.HandleUndocumented(m.api, "PUT /org/v2/environments/{id}", func(*core.Call) core.Response {
			return core.JSON(http.StatusOK, []byte("{}\n"))
		})
	}
	return m
}

// Freeze copies the live state for a snapshot; the caller holds the store's lock (core.Locked).
// Rate-limit `used` values are those of each credential's current window at now; secrets are
// included unless redact.
func (m *Mock) Freeze(now time.Time, redact bool) Frozen { return m.state.World().freeze(now, redact) }
