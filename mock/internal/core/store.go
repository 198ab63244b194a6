package core

import (
	"sync"
	"time"
)

// Store guards the live state of every API with one lock, so that a reset or a snapshot sees
// them all at one instant. Each API keeps its own part (Part), read and changed only in Locked.
type Store struct {
	mu    sync.Mutex
	now   func() time.Time
	parts []part
}

type part interface {
	restart() (install func())
	settle(now time.Time)
}

// Part is one API's part of the live state: its world, of the API's own type W.
type Part[W any] struct {
	build    func() *W
	settleFn func(w *W, now time.Time)
	w        *W
}

// AddPart adds an API's part to the store. build makes its world from the starting state: now,
// and afresh on every reset (without the lock). settle, when not nil, brings the world up to now
// (e.g. completes the timed deletions due); it runs under the lock, before anything reads or
// changes any part.
func AddPart[W any](s *Store, build func() *W, settle func(w *W, now time.Time)) *Part[W] {
	p := &Part[W]{build: build, settleFn: settle, w: build()}
	s.parts = append(s.parts, p)
	return p
}

// World returns the part's live world. Only under the store's lock (Locked).
func (p *Part[W]) World() *W { return p.w }

func (p *Part[W]) restart() func() {
	w := p.build()
	return func() { p.w = w }
}

func (p *Part[W]) settle(now time.Time) {
	if p.settleFn != nil {
		p.settleFn(p.w, now)
	}
}

// Now returns the time of the state's clock.
func (s *Store) Now() time.Time { return s.now() }

// Reset restores every part's starting state at once.
func (s *Store) Reset() {
	installs := make([]func(), len(s.parts))
	for i, p := range s.parts {
		installs[i] = p.restart()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, install := range installs {
		install()
	}
}

// Locked runs f under the store's lock, with every part settled at now, and returns what it
// returns. f decides; whatever can be done after (writing a response) is done after the lock is
// released.
func Locked[T any](s *Store, f func(now time.Time) T) T {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.parts {
		p.settle(now)
	}
	return f(now)
}
