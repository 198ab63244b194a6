package mock

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/apiconform/apiconform/mock/apinizer"
	"github.com/apiconform/apiconform/mock/confluent"
	"github.com/apiconform/apiconform/mock/internal/core"
)

// DefaultHistoryLimit is the Apinizer deployment-history retention when Options.HistoryLimit is 0.
const DefaultHistoryLimit = 10

// MaxBodyBytes is the largest request body the mock reads (1 MiB); a larger one gets 413.
const MaxBodyBytes = core.MaxBodyBytes

// MaxHistoryRecords bounds an Apinizer proxy's deployment history whatever its records: past it
// (or past the history limit, if that is larger) the oldest record is dropped even when it is
// persistent. Apinizer keeps persistent records for good; the mock bounds them so that
// deploy/undeploy traffic cannot grow its memory without end.
const MaxHistoryRecords = apinizer.MaxHistoryRecords

// Options configure a Server. The zero value gives the mock as documented: no faults, a history
// limit of 10, no log, the real clock, deletions that complete at once.
type Options struct {
	// Faults are fault IDs (see Faults); an unknown ID makes New fail, listing the known ones.
	Faults []string
	// HistoryLimit is the Apinizer deployment-history retention per proxy (0: 10).
	HistoryLimit int
	// Log receives one line per request (time, method, path, status, duration, request ID);
	// nil logs nothing. Credentials are never logged.
	Log io.Writer
	// DeletionDelay is how long a deleted Confluent environment stays "being deleted" (GET shows
	// metadata.deleted_at, a DELETE answers 409) before it and its contents are gone. 0 (the
	// default) deletes at once: a second DELETE answers 404.
	DeletionDelay time.Duration
	// Now is the clock of the state (rate-limit windows, timestamps, timed deletions); nil
	// means time.Now. Tests set it.
	Now func() time.Time
}

// Server is the mock: an http.Handler serving both vendor APIs and the inspection endpoints.
// It is safe for concurrent use. New returns it.
//
// It is assembled from the shared core (mock/internal/core: state store, router, faults,
// request IDs, rate limiter, error writing) and one package per API, mock/confluent and
// mock/apinizer, each registering its routes and its part of the state on the core; the
// inspection endpoints are the Server's own (inspect.go).
type Server struct {
	start        *State
	faultIDs     []string
	historyLimit int
	delay        time.Duration
	core         *core.Server
	confluent    *confluent.Mock
	apinizer     *apinizer.Mock
	// dumpHook, when set (by tests), runs while GET /_mock/state serialises: after the state was
	// copied and the lock released.
	dumpHook func()
}

// New returns a Server that starts from a copy of state (nil: DefaultState). It fails on an
// invalid state (a *StateError) and on unknown fault IDs or negative options.
func New(state *State, opts Options) (*Server, error) {
	if state == nil {
		var err error
		if state, err = DefaultState(); err != nil {
			return nil, err
		}
	}
	if probs := validate(state); len(probs) > 0 {
		e := &StateError{File: "state"}
		for _, p := range probs {
			e.Problems = append(e.Problems, StateProblem{Path: core.PathString(p.Path), Problem: p.Msg})
		}
		return nil, e
	}
	faults, names, err := parseFaults(opts.Faults)
	if err != nil {
		return nil, err
	}
	if opts.HistoryLimit < 0 {
		return nil, fmt.Errorf("history limit %d: want 1 or more (0 for the default, %d)", opts.HistoryLimit, DefaultHistoryLimit)
	}
	if opts.DeletionDelay < 0 {
		return nil, errors.New("deletion delay must not be negative")
	}
	s := &Server{
		start:        state.Clone(),
		faultIDs:     names,
		historyLimit: opts.HistoryLimit,
		delay:        opts.DeletionDelay,
		core:         core.NewServer(opts.Now, opts.Log),
	}
	if s.historyLimit == 0 {
		s.historyLimit = DefaultHistoryLimit
	}
	s.confluent = confluent.New(s.core, &s.start.Confluent, confluent.Options{Faults: faultsOf(faults, confluent.Name), DeletionDelay: s.delay})
	s.apinizer = apinizer.New(s.core, &s.start.Apinizer, apinizer.Options{Faults: faultsOf(faults, apinizer.Name), HistoryLimit: s.historyLimit})
	s.registerInspection()
	return s, nil
}

// Reset restores the starting state: everything created, deleted, deployed or undeployed since
// New is undone, every organization's quota is as the starting state uses it and every
// rate-limit window starts afresh. Request IDs and created environment IDs keep counting: they
// stay unique across resets.
func (s *Server) Reset() { s.core.Store.Reset() }

// Snapshot returns a copy of the current state, secrets included (GET /_mock/state shows it with
// secrets redacted). The lock is held only to copy what is small (bounded by the starting state)
// and to take the list of environments as it is; the State is built after it is released, so a
// snapshot of a large state does not hold up the requests served meanwhile.
func (s *Server) Snapshot() *State {
	return s.freeze(false).state(true)
}

// frozen is a snapshot as taken under the lock: every part of the state that is small (bounded by
// the starting state) already copied, and the Confluent environments as the list of their
// immutable entries. state builds the State from it without the lock.
type frozen struct {
	s    *State
	envs confluent.Environments
}

// freeze takes a snapshot's copy under the lock.
func (s *Server) freeze(redact bool) frozen {
	return core.Locked(s.core.Store, func(now time.Time) frozen {
		c := s.confluent.Freeze(now, redact)
		return frozen{s: &State{Confluent: c.State, Apinizer: s.apinizer.Freeze(redact)}, envs: c.Environments}
	})
}

// state completes the snapshot without the lock: the environments in creation order. With deep,
// no pointer is shared with the live state (for Snapshot's caller, who may change what it gets);
// without, the environments' optional fields are shared, read-only (for serialising).
func (f frozen) state(deep bool) *State {
	f.s.Confluent.Environments = f.envs.List(deep)
	return f.s
}

// ActiveFaults returns the IDs of the faults the server was built with, sorted.
func (s *Server) ActiveFaults() []string { return append([]string(nil), s.faultIDs...) }

// HistoryLimit returns the Apinizer deployment-history retention in effect.
func (s *Server) HistoryLimit() int { return s.historyLimit }

// ServeHTTP answers one request. It never panics: a bug that would is answered with a 500.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.core.ServeHTTP(w, r) }
