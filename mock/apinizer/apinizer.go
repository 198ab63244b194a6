// Package apinizer is the mock's Apinizer APIOps: DELETE (undeploy) and POST (deploy) on
// /apiops/projects/{projectName}/apiProxies/{apiProxyName}/environments/{environmentName}/, with
// personal API access tokens, per-project permissions, environments a token may use, and a
// deployment history per proxy. Its errors are {"error", "error_description"} bodies.
//
// It builds on the mock's shared core (mock/internal/core); package mock assembles it with the
// other APIs.
package apinizer

import (
	"net/http"
	"strings"
	"time"

	"github.com/apiconform/apiconform/mock/internal/core"
)

// Name is the API's name in the fault table.
const Name = "apinizer"

// Default history descriptions (the undeploy page names the first; the others follow it).
const (
	defaultUndeployDescription = "Undeployed by APIOPS Api"
	defaultDeployDescription   = "Deployed by APIOPS Api"
	defaultRedeployDescription = "Redeployed by APIOPS Api"
)

// deploymentPerms are the permissions undeploy and deploy need in the project, checked in order.
var deploymentPerms = []string{PermAPIManagement, PermDeployUndeploy}

// Options configure the Apinizer part of a mock.
type Options struct {
	// Faults are the server's faults the table gives to Name.
	Faults core.FaultSet
	// HistoryLimit is the deployment-history retention per proxy (at least 1).
	HistoryLimit int
}

// Mock is the Apinizer part of a mock: its routes and its part of the live state.
type Mock struct {
	api   *core.API
	store *core.Store
	// state is the live state, guarded by the store's lock.
	state        *core.Part[world]
	historyLimit int
}

// deploymentPath is the path of undeploy and deploy: its trailing slash is part of it.
const deploymentPath = "/apiops/projects/{projectName}/apiProxies/{apiProxyName}/environments/{environmentName}/{$}"

// New adds the Apinizer API to srv: its routes, and its part of the state, starting from start
// (valid: see Validate), which it keeps: the caller's own copy, never changed. The paths under
// /apiops/ are its: unknown routes there answer its 404.
func New(srv *core.Server, start *State, opts Options) *Mock {
	m := &Mock{
		api: &core.API{Name: Name, Faults: opts.Faults, Errors: Errors, NotFoundHint: func(path string) string {
			if !strings.HasSuffix(path, "/") {
				return " (APIOps paths end with a slash)"
			}
			return ""
		}},
		store:        srv.Store,
		state:        core.AddPart(srv.Store, func() *world { return newWorld(start) }, nil),
		historyLimit: opts.HistoryLimit,
	}
	rt := srv.Router
	rt.Claim(m.api, "/apiops/", "/apiops")
	rt.Handle(m.api, "DELETE "+deploymentPath, m.deployment)
	rt.Handle(m.api, "POST "+deploymentPath, m.deployment)
	return m
}

// Freeze copies the live state for a snapshot; the caller holds the store's lock (core.Locked).
// Tokens are included unless redact.
func (m *Mock) Freeze(redact bool) State { return m.state.World().freeze(redact) }

// result is the outcome of a successful deploy or undeploy in one environment.
type result struct {
	environment, message string
}

// deployment answers DELETE (undeploy) and POST (deploy) on the deployment path, checking in this
// order: the token (401), the project (404), the permissions (403), the undeploy body (400), the
// proxy, the environment, access to it and, to undeploy, that the proxy is deployed there (400).
// Success is 200 with the deploymentResult envelope, a history record, and redeployRequired
// false.
func (m *Mock) deployment(c *core.Call) core.Response {
	undeploy := c.R.Method == http.MethodDelete
	projectName, proxyName, envName := c.Param("projectName"), c.Param("apiProxyName"), c.Param("environmentName")
	var done *result
	resp := core.Locked(m.store, func(now time.Time) core.Response {
		w := m.state.World()
		tok, deny := authenticate(c, w)
		if deny != nil {
			return *deny
		}
		proj := w.projects.Get(projectName)
		perms, visible := tok.perms[projectName]
		if proj == nil || !visible {
			return fail(http.StatusNotFound, "not_found",
				"Project ("+projectName+") is not found or user does not have privilege to access it!")
		}
		for _, need := range deploymentPerms {
			if !perms[need] {
				return fail(http.StatusForbidden, "forbidden",
					"User does not have "+need+" permission in project ("+projectName+")")
			}
		}
		opts := undeployOptions{description: defaultUndeployDescription}
		if undeploy {
			var problem string
			if opts, problem = parseUndeployOptions(c.Body, c.R.Header.Get("Content-Type"), c.Fault(core.ApinizerPersistentString)); problem != "" {
				return fail(http.StatusBadRequest, "bad_request", problem)
			}
		}
		verb := "deployed to"
		if undeploy {
			verb = "undeployed from"
		}
		cannot := "ApiProxy with name (" + proxyName + ") can not be " + verb + " Environment(" + envName + ") because "
		px := proj.proxies.Get(proxyName)
		switch {
		case px == nil:
			return fail(http.StatusBadRequest, "bad_request", cannot+"it is not exist!")
		case !w.envs[envName]:
			return fail(http.StatusBadRequest, "bad_request", cannot+"the environment is not exist!")
		case tok.envs != nil && !tok.envs[envName]:
			return fail(http.StatusBadRequest, "bad_request", cannot+"user does not have access to the environment!")
		case undeploy && !px.deployed[envName]:
			return fail(http.StatusBadRequest, "bad_request",
				"ApiProxy with name ("+proxyName+") is not deployed to Environment("+envName+")")
		}
		rec := HistoryRecord{Environment: envName, Time: now.UTC(), User: tok.t.User}
		var message string
		switch {
		case undeploy:
			delete(px.deployed, envName)
			rec.Action, rec.Description, rec.Persistent = ActionUndeploy, opts.description, opts.persistent
			message = "Undeployment successful"
		case px.deployed[envName]:
			rec.Action, rec.Description = ActionRedeploy, defaultRedeployDescription
			message = "Deployment successful"
		default:
			px.deployed[envName] = true
			rec.Action, rec.Description = ActionDeploy, defaultDeployDescription
			message = "Deployment successful"
		}
		px.redeployRequired = false
		px.record(rec, m.historyLimit)
		done = &result{environment: envName, message: message}
		return core.Response{Status: http.StatusOK}
	})
	if done != nil {
		resp.Body = resultJSON(c, done)
	}
	return resp
}

// authenticate finds the request's personal API access token: 401 unauthorized_client when it
// is missing, unknown or expired.
func authenticate(c *core.Call, w *world) (*token, *core.Response) {
	auth := c.R.Header.Get("Authorization")
	scheme, credentials := core.Authorization(auth)
	var description string
	switch {
	case auth == "":
		description = "Full authentication is required: send Authorization: Bearer <token>"
	case !strings.EqualFold(scheme, "Bearer") || credentials == "":
		description = "Invalid token: send Authorization: Bearer <token>"
	default:
		t := w.tokens.Get(credentials)
		switch {
		case t == nil:
			description = "Invalid token"
		case t.t.Expired:
			description = "Token has expired"
		default:
			return t, nil
		}
	}
	r := fail(http.StatusUnauthorized, "unauthorized_client", description)
	return nil, &r
}

// fail is an Apinizer error: {"error": code, "error_description": description}.
func fail(status int, code, description string) core.Response {
	return core.Response{Status: status, Err: &core.Error{Code: code, Detail: description}}
}

// Errors is Apinizer's error shape: {"error", "error_description"}, the description left out by
// the apinizer-missing-error-description fault.
var Errors core.ErrorShape = errorShape{}

type errorShape struct{}

func (errorShape) Payload(c *core.Call, _ int, e *core.Error) core.Payload {
	if c.Fault(core.ApinizerMissingErrorDescription) {
		return core.Payload{Body: core.MustJSON(struct {
			Error string `json:"error"`
		}{e.Code})}
	}
	return core.Payload{Body: core.MustJSON(struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}{e.Code, e.Detail})}
}

// resultJSON is the deploymentResult envelope of r; the apinizer-success-string fault makes its
// top-level success a string.
func resultJSON(c *core.Call, r *result) []byte {
	type envResult struct {
		EnvironmentName string `json:"environmentName"`
		Success         bool   `json:"success"`
		Message         string `json:"message"`
	}
	type deploymentResult struct {
		Success           bool        `json:"success"`
		DeploymentResults []envResult `json:"deploymentResults"`
	}
	var success any = true
	if c.Fault(core.ApinizerSuccessString) {
		success = "true"
	}
	return core.MustJSON(struct {
		Success          any              `json:"success"`
		DeploymentResult deploymentResult `json:"deploymentResult"`
	}{success, deploymentResult{true, []envResult{{r.environment, true, r.message}}}})
}
