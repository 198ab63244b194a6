package core

import (
	"time"
)

// Limiter counts one credential's requests in fixed windows: Limit requests per Window, a window
// starting at the first request after the previous one ended, with Used requests already
// counted against it (traffic from elsewhere). Changed under the store's lock.
type Limiter struct {
	Limit, Used int
	Window      time.Duration
	// start is the start of the current window (zero before the first request); used counts
	// its requests.
	start time.Time
	used  int
}

// RateStatus is what one counted request learns of its credential's window: the values of the
// X-RateLimit-* headers, and whether the request is allowed.
type RateStatus struct {
	Limit, Remaining int
	// Reset is the relative number of seconds until the window resets, rounded up.
	Reset   int
	Allowed bool
}

// Take counts one request at now. A request beyond the limit is refused and not counted.
func (l *Limiter) Take(now time.Time) RateStatus {
	if l.start.IsZero() || !now.Before(l.start.Add(l.Window)) {
		l.start = now
		l.used = l.Used
	}
	st := RateStatus{Limit: l.Limit}
	if l.used < l.Limit {
		l.used++
		st.Allowed = true
	}
	st.Remaining = l.Limit - l.used
	left := l.start.Add(l.Window).Sub(now)
	st.Reset = int((left + time.Second - 1) / time.Second)
	if st.Reset < 0 {
		st.Reset = 0
	}
	return st
}

// Count returns the requests counted in the window at now: Used when none is running.
func (l *Limiter) Count(now time.Time) int {
	if !l.start.IsZero() && now.Before(l.start.Add(l.Window)) {
		return l.used
	}
	return l.Used
}
