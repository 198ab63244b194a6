package mock

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
)

// WWW-Authenticate values of Confluent 401s (shared, never changed).
var (
	challengeAny        = []string{`Basic realm="Confluent Cloud"`, `Bearer realm="Confluent Cloud"`}
	challengeBadKey     = []string{`Basic realm="Confluent Cloud", error="invalid_key", error_description="The API Key is invalid"`}
	challengeBadToken   = []string{`Bearer realm="Confluent Cloud", error="invalid_token", error_description="The access token is invalid"`}
	unauthenticatedBody = &failure{code: "user_unauthenticated", title: "Authentication Required", detail: "Valid authentication credentials must be provided"}
)

// confluentGate runs what every Confluent operation does first, in this order: authenticate
// (401), count the request against the credential's rate limit (429), check the permission
// (403). It returns the credential and its rate status, or the response that denies the request.
// action and id say what was attempted, for the 403's detail: "delete the environment" and
// "env-x" read "delete the environment 'env-x'"; an empty id adds nothing ("create an
// environment"). The detail is built only when a 403 needs it.
func (c *call) confluentGate(cw *confluentWorld, now time.Time, perm, action, id string) (*principal, *rateStatus, *response) {
	p, deny := c.authenticate(cw)
	if deny != nil {
		return nil, nil, deny
	}
	st := p.take(now)
	if !st.allowed {
		return nil, nil, &response{status: http.StatusTooManyRequests, rate: &st}
	}
	if !p.perms[perm] {
		if id != "" {
			action += " '" + truncate(id, 64) + "'"
		}
		who := "The API key '" + p.id + "'"
		if p.isToken {
			who = "The STS token '" + p.id + "'"
		}
		return nil, nil, &response{status: http.StatusForbidden, rate: &st, failure: &failure{
			code: "user_unauthorized", title: "User Access Unauthorized",
			detail: who + " is not allowed to " + action + " without the '" + perm + "' permission.",
		}}
	}
	return p, &st, nil
}

// authenticate finds the credential of the request: an API key (HTTP basic) or an STS token
// (bearer). Secrets are compared in constant time.
func (c *call) authenticate(cw *confluentWorld) (*principal, *response) {
	auth := c.r.Header.Get("Authorization")
	if auth == "" {
		if c.fault(faultDeleteWithoutCredentials) && c.r.Method == http.MethodDelete {
			// The fault: an anonymous DELETE acts as a key that may delete.
			for _, id := range sortedKeys(cw.keys) {
				if p := cw.keys[id]; p.perms[PermDeleteEnvironment] {
					return p, nil
				}
			}
		}
		return nil, &response{status: http.StatusUnauthorized, challenges: challengeAny, failure: unauthenticatedBody}
	}
	scheme, rest, _ := strings.Cut(auth, " ")
	switch {
	case strings.EqualFold(scheme, "Basic"):
		key, secret, ok := c.r.BasicAuth()
		p := cw.keys[key]
		if !ok || p == nil || subtle.ConstantTimeCompare([]byte(secret), []byte(p.secret)) != 1 {
			return nil, &response{status: http.StatusUnauthorized, challenges: challengeBadKey, failure: &failure{
				code: "user_unauthenticated", title: "Authentication Required", detail: "The API key or secret is invalid",
			}}
		}
		return p, nil
	case strings.EqualFold(scheme, "Bearer"):
		p := cw.tokens[strings.TrimSpace(rest)]
		if p == nil {
			return nil, &response{status: http.StatusUnauthorized, challenges: challengeBadToken, failure: &failure{
				code: "user_unauthenticated", title: "Authentication Required", detail: "The access token is invalid or expired",
			}}
		}
		return p, nil
	}
	return nil, &response{status: http.StatusUnauthorized, challenges: challengeAny, failure: &failure{
		code: "user_unauthenticated", title: "Authentication Required",
		detail: "Unsupported authorization scheme: use HTTP basic with an API key, or a bearer STS token",
	}}
}
