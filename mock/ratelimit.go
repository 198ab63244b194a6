package mock

import (
	"time"
)

// rateStatus is what one counted request learns of its credential's window: the values of the
// X-RateLimit-* headers, and whether the request is allowed.
type rateStatus struct {
	limit, remaining int
	// reset is the relative number of seconds until the window resets, rounded up.
	reset   int
	allowed bool
}

// take counts one request of the credential at now. A window starts at the first request after
// the previous one ended, with the state's `used` already counted; a request beyond the limit is
// refused and not counted.
func (p *principal) take(now time.Time) rateStatus {
	width := time.Duration(p.limit.WindowSeconds) * time.Second
	if p.window.IsZero() || !now.Before(p.window.Add(width)) {
		p.window = now
		p.used = p.limit.Used
	}
	st := rateStatus{limit: p.limit.Limit}
	if p.used < p.limit.Limit {
		p.used++
		st.allowed = true
	}
	st.remaining = p.limit.Limit - p.used
	left := p.window.Add(width).Sub(now)
	st.reset = int((left + time.Second - 1) / time.Second)
	if st.reset < 0 {
		st.reset = 0
	}
	return st
}

// current returns the credential's rate limit with Used set to the count of its window at now.
func (p *principal) current(now time.Time) *RateLimit {
	r := p.limit
	width := time.Duration(p.limit.WindowSeconds) * time.Second
	if !p.window.IsZero() && now.Before(p.window.Add(width)) {
		r.Used = p.used
	}
	return &r
}
