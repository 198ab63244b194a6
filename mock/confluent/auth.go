package confluent

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/apiconform/apiconform/mock/internal/core"
)

// WWW-Authenticate values of Confluent 401s (shared, never changed).
var (
	challengeAny      = []string{`Basic realm="Confluent Cloud"`, `Bearer realm="Confluent Cloud"`}
	challengeBadKey   = []string{`Basic realm="Confluent Cloud", error="invalid_key", error_description="The API Key is invalid"`}
	challengeBadToken = []string{`Bearer realm="Confluent Cloud", error="invalid_token", error_description="The access token is invalid"`}
)

// gate runs what every Confluent operation does first, in this order: authenticate (401), count
// the request against the credential's rate limit (429), check the permission (403). It returns
// the credential and its rate status, or the response that denies the request. action and id
// say what was attempted, for the 403's detail: "delete the environment" and "env-x" read
// "delete the environment 'env-x'"; an empty id adds nothing ("create an environment"). The
// detail is built only when a 403 needs it.
func (m *Mock) gate(c *core.Call, w *world, now time.Time, perm, action, id string) (*principal, *core.RateStatus, *core.Response) {
	p, deny := m.authenticate(c, w)
	if deny != nil {
		return nil, nil, deny
	}
	st := p.window.Take(now)
	if !st.Allowed {
		return nil, nil, &core.Response{Status: http.StatusTooManyRequests, Rate: &st}
	}
	if !p.perms[perm] {
		if id != "" {
			action += " '" + core.Truncate(id, 64) + "'"
		}
		who := "The API key '" + p.id + "'"
		if p.isToken {
			who = "The STS token '" + p.id + "'"
		}
		resp := core.Fail(http.StatusForbidden, "user_unauthorized", "User Access Unauthorized",
			who+" is not allowed to "+action+" without the '"+perm+"' permission.")
		resp.Rate = &st
		return nil, nil, &resp
	}
	return p, &st, nil
}

// authenticate finds the credential of the request: an API key (HTTP basic) or an STS token
// (bearer). Secrets are compared in constant time.
func (m *Mock) authenticate(c *core.Call, w *world) (*principal, *core.Response) {
	auth := c.R.Header.Get("Authorization")
	if auth == "" {
		if c.Fault(core.DeleteWithoutCredentials) && c.R.Method == http.MethodDelete {
			// The fault: an anonymous DELETE acts as a key that may delete.
			for _, id := range w.keys.SortedKeys() {
				if p := w.keys.Get(id); p.perms[PermDeleteEnvironment] {
					return p, nil
				}
			}
		}
		return nil, unauthenticated(challengeAny, "Valid authentication credentials must be provided")
	}
	scheme, credentials := core.Authorization(auth)
	switch {
	case strings.EqualFold(scheme, "Basic"):
		key, secret, ok := c.R.BasicAuth()
		p := w.keys.Get(key)
		if !ok || p == nil || subtle.ConstantTimeCompare([]byte(secret), []byte(p.secret)) != 1 {
			return nil, unauthenticated(challengeBadKey, "The API key or secret is invalid")
		}
		return p, nil
	case strings.EqualFold(scheme, "Bearer"):
		p := w.tokens.Get(credentials)
		if p == nil {
			return nil, unauthenticated(challengeBadToken, "The access token is invalid or expired")
		}
		return p, nil
	}
	return nil, unauthenticated(challengeAny, "Unsupported authorization scheme: use HTTP basic with an API key, or a bearer STS token")
}

// unauthenticated is a 401 with its challenges.
func unauthenticated(challenges []string, detail string) *core.Response {
	resp := core.Fail(http.StatusUnauthorized, "user_unauthenticated", "Authentication Required", detail)
	resp.Challenges = challenges
	return &resp
}
