package mock

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// DefaultHistoryLimit is the Apinizer deployment-history retention when Options.HistoryLimit is 0.
const DefaultHistoryLimit = 10

// MaxBodyBytes is the largest request body the mock reads; a larger one gets 413.
const MaxBodyBytes = 1 << 20

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
type Server struct {
	start        *State
	faults       faultSet
	faultIDs     []string
	historyLimit int
	delay        time.Duration
	now          func() time.Time
	ids          *requestIDs
	envIDs       *envIDSequence
	log          *requestLog
	// dumpHook, when set (by tests), runs while GET /_mock/state serialises: after the state was
	// copied and the lock released.
	dumpHook func()

	mu sync.Mutex
	w  *world
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
			e.Problems = append(e.Problems, StateProblem{Path: pathString(p.path), Problem: p.msg})
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
		faults:       faults,
		faultIDs:     names,
		historyLimit: opts.HistoryLimit,
		delay:        opts.DeletionDelay,
		now:          opts.Now,
		ids:          newRequestIDs(),
		envIDs:       newEnvIDSequence(),
		log:          newRequestLog(opts.Log),
	}
	if s.historyLimit == 0 {
		s.historyLimit = DefaultHistoryLimit
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.w = newWorld(s.start)
	return s, nil
}

// Reset restores the starting state: everything created, deleted, deployed or undeployed since
// New is undone, every organization's quota is as the starting state uses it and every
// rate-limit window starts afresh. Request IDs and created environment IDs keep counting: they
// stay unique across resets.
func (s *Server) Reset() {
	w := newWorld(s.start)
	s.mu.Lock()
	s.w = w
	s.mu.Unlock()
}

// Snapshot returns a copy of the current state, secrets included (GET /_mock/state shows it with
// secrets redacted). The lock is held only to copy what is small (bounded by the starting state)
// and to take the list of environments as it is (see world.freeze); the State is built after it
// is released, so a snapshot of a large state does not hold up the requests served meanwhile.
func (s *Server) Snapshot() *State {
	return s.freeze(false).state(true)
}

// freeze takes a snapshot's copy under the lock (see world.freeze).
func (s *Server) freeze(redact bool) frozen {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w.confluent.settle(now)
	return s.w.freeze(now, redact)
}

// ActiveFaults returns the IDs of the faults the server was built with, sorted.
func (s *Server) ActiveFaults() []string { return append([]string(nil), s.faultIDs...) }

// HistoryLimit returns the Apinizer deployment-history retention in effect.
func (s *Server) HistoryLimit() int { return s.historyLimit }

// ServeHTTP answers one request. It never panics: a bug that would is answered with a 500.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	path := r.URL.EscapedPath()
	c := &call{s: s, r: r, path: path, api: apiOf(path), rec: &recorder{ResponseWriter: w}, requestID: s.ids.next()}
	defer func() {
		if v := recover(); v != nil {
			if c.rec.status == 0 {
				c.write(c.internalError())
			}
		}
		s.log.line(started, r.Method, path, c.rec.status, c.sentID)
	}()
	c.write(c.serve())
}
