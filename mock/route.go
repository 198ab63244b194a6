package mock

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// apiKind says whose conventions a response follows (error body shape, faults).
type apiKind int

const (
	apiConfluent apiKind = iota // also any path that is neither Apinizer's nor the mock's
	apiApinizer
	apiMock
)

// apiOf classifies a request path: /apiops/... is Apinizer's, /_mock/... the mock's own, the
// rest Confluent's.
func apiOf(escapedPath string) apiKind {
	switch {
	case strings.HasPrefix(escapedPath, "/apiops/") || escapedPath == "/apiops":
		return apiApinizer
	case strings.HasPrefix(escapedPath, "/_mock/"):
		return apiMock
	}
	return apiConfluent
}

// call is one request being answered.
type call struct {
	s *Server
	r *http.Request
	// path is the request's escaped path.
	path      string
	rec       *recorder
	api       apiKind
	requestID string
	// sentID is the X-Request-Id actually sent ("" when a fault dropped it).
	sentID string
	body   []byte
}

// route is what a path names.
type route int

const (
	routeNone route = iota
	routeMockInfo
	routeMockState
	routeMockReset
	routeEnvironments // /org/v2/environments
	routeEnvironment  // /org/v2/environments/{id}
	routeDeployment   // /apiops/projects/{p}/apiProxies/{a}/environments/{e}/
)

// allowed lists the methods of each route, as the Allow header of a 405 says them.
var allowed = map[route][]string{
	routeMockInfo:     {http.MethodGet},
	routeMockState:    {http.MethodGet},
	routeMockReset:    {http.MethodPost},
	routeEnvironments: {http.MethodPost},
	routeEnvironment:  {http.MethodGet, http.MethodDelete},
	routeDeployment:   {http.MethodDelete, http.MethodPost},
}

// match routes an escaped request path. Path parameters come back URL-decoded; a parameter that
// is empty or does not decode matches no route.
func match(escapedPath string) (route, []string) {
	switch escapedPath {
	case InfoPath:
		return routeMockInfo, nil
	case "/_mock/state":
		return routeMockState, nil
	case ResetPath:
		return routeMockReset, nil
	case "/org/v2/environments":
		return routeEnvironments, nil
	}
	if rest, ok := strings.CutPrefix(escapedPath, "/org/v2/environments/"); ok {
		if id, ok := param(rest); ok && !strings.Contains(rest, "/") {
			return routeEnvironment, []string{id}
		}
		return routeNone, nil
	}
	if rest, ok := strings.CutPrefix(escapedPath, "/apiops/projects/"); ok {
		// {p}/apiProxies/{a}/environments/{e}/ : the trailing slash is part of the path.
		parts := strings.Split(rest, "/")
		if len(parts) != 6 || parts[1] != "apiProxies" || parts[3] != "environments" || parts[5] != "" {
			return routeNone, nil
		}
		params := make([]string, 0, 3)
		for _, raw := range []string{parts[0], parts[2], parts[4]} {
			p, ok := param(raw)
			if !ok {
				return routeNone, nil
			}
			params = append(params, p)
		}
		return routeDeployment, params
	}
	return routeNone, nil
}

func param(raw string) (string, bool) {
	if raw == "" {
		return "", false
	}
	if !strings.Contains(raw, "%") {
		return raw, true
	}
	p, err := url.PathUnescape(raw)
	return p, err == nil && p != ""
}

// serve decides the answer to the request.
func (c *call) serve() response {
	if c.r.ContentLength > MaxBodyBytes {
		return c.tooLarge()
	}
	rt, params := match(c.path)
	if rt == routeNone {
		return c.unknownRoute()
	}
	if rt == routeEnvironment && c.r.Method == http.MethodPut && c.fault(faultPutEnvironment) {
		return response{status: http.StatusOK, body: []byte("{}\n")}
	}
	if !slices.Contains(allowed[rt], c.r.Method) {
		return c.methodNotAllowed(strings.Join(allowed[rt], ", "))
	}
	if c.r.Body != nil && c.r.Body != http.NoBody { // net/http gives NoBody to a request without one
		body, err := io.ReadAll(io.LimitReader(c.r.Body, MaxBodyBytes+1))
		if len(body) > MaxBodyBytes {
			return c.tooLarge()
		}
		if err != nil {
			return c.unreadableBody()
		}
		c.body = body
	}
	switch rt {
	case routeMockInfo:
		return c.mockInfo()
	case routeMockState:
		return c.mockState()
	case routeMockReset:
		return c.mockReset()
	case routeEnvironments:
		return c.createEnvironment()
	case routeEnvironment:
		if c.r.Method == http.MethodGet {
			return c.getEnvironment(params[0])
		}
		return c.deleteEnvironment(params[0])
	case routeDeployment:
		return c.deployment(params[0], params[1], params[2])
	}
	return c.unknownRoute()
}
