package runner

import (
	"context"
	"fmt"
	"net/url"
)

// Result is one checked exchange: what was sent, what came back, and every violation.
type Result struct {
	Exchange   *Exchange   `json:"exchange"`
	Violations []Violation `json:"violations"`
}

// Failed reports whether the result has a violation of error severity.
func (r Result) Failed() bool { return HasErrors(r.Violations) }

// Runner fires requests for one API at one target and checks the responses.
type Runner struct {
	API     *API
	Client  *Client
	Checker *Checker
	Base    *url.URL
}

// ParseTarget parses and checks a target base URL: http or https, with a host.
func ParseTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("target %q is not a URL: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("target %q: want an http:// or https:// URL", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("target %q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("target %q: a base URL takes no query or fragment", raw)
	}
	return u, nil
}

// Do fires req and checks the response against the spec and expect (nil: contract only). The
// error is a setup error (the request could not be built); a target that fails is a Result.
func (r *Runner) Do(ctx context.Context, req Request, expect *Expectation) (Result, error) {
	ex, err := r.Client.Do(ctx, r.Base, req)
	if err != nil {
		return Result{}, err
	}
	return Result{Exchange: ex, Violations: r.Checker.Check(req.Op, ex, expect)}, nil
}
