package mock

import (
	"net/http"
	"strings"
	"time"
)

// Default history descriptions (the undeploy page names the first; the others follow it).
const (
	defaultUndeployDescription = "Undeployed by APIOPS Api"
	defaultDeployDescription   = "Deployed by APIOPS Api"
	defaultRedeployDescription = "Redeployed by APIOPS Api"
)

// deploymentPerms are the permissions undeploy and deploy need in the project, checked in order.
var deploymentPerms = []string{PermAPIManagement, PermDeployUndeploy}

// deployment answers DELETE (undeploy) and POST (deploy) on
// /apiops/projects/{projectName}/apiProxies/{apiProxyName}/environments/{environmentName}/,
// checking in this order: the token (401), the project (404), the permissions (403), the
// undeploy body (400), the proxy, the environment, access to it and, to undeploy, that the
// proxy is deployed there (400). Success is 200 with the deploymentResult envelope, a history
// record, and redeployRequired false.
func (c *call) deployment(projectName, proxyName, envName string) response {
	undeploy := c.r.Method == http.MethodDelete
	return c.locked(func(w *world, now time.Time) response {
		aw := &w.apinizer
		tok, deny := c.apinizerToken(aw)
		if deny != nil {
			return *deny
		}
		proj := aw.projects[projectName]
		perms, visible := tok.perms[projectName]
		if proj == nil || !visible {
			return apinizerFail(http.StatusNotFound, "not_found",
				"Project ("+projectName+") is not found or user does not have privilege to access it!")
		}
		for _, need := range deploymentPerms {
			if !perms[need] {
				return apinizerFail(http.StatusForbidden, "forbidden",
					"User does not have "+need+" permission in project ("+projectName+")")
			}
		}
		opts := undeployOptions{description: defaultUndeployDescription}
		if undeploy {
			var problem string
			if opts, problem = parseUndeployOptions(c.body, c.r.Header.Get("Content-Type"), c.fault(faultApinizerPersistentString)); problem != "" {
				return apinizerFail(http.StatusBadRequest, "bad_request", problem)
			}
		}
		verb := "deployed to"
		if undeploy {
			verb = "undeployed from"
		}
		cannot := "ApiProxy with name (" + proxyName + ") can not be " + verb + " Environment(" + envName + ") because "
		px := proj.proxies[proxyName]
		switch {
		case px == nil:
			return apinizerFail(http.StatusBadRequest, "bad_request", cannot+"it is not exist!")
		case !aw.envs[envName]:
			return apinizerFail(http.StatusBadRequest, "bad_request", cannot+"the environment is not exist!")
		case tok.envs != nil && !tok.envs[envName]:
			return apinizerFail(http.StatusBadRequest, "bad_request", cannot+"user does not have access to the environment!")
		case undeploy && !px.deployed[envName]:
			return apinizerFail(http.StatusBadRequest, "bad_request",
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
		px.record(rec, c.s.historyLimit)
		return response{status: http.StatusOK, result: &envResult{environment: envName, message: message}}
	})
}

// apinizerToken finds the request's personal API access token: 401 unauthorized_client when it
// is missing, unknown or expired.
func (c *call) apinizerToken(aw *apinizerWorld) (*apinizerToken, *response) {
	auth := c.r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(auth, " ")
	token = strings.TrimSpace(token)
	var description string
	switch {
	case auth == "":
		description = "Full authentication is required: send Authorization: Bearer <token>"
	case !strings.EqualFold(scheme, "Bearer") || token == "":
		description = "Invalid token: send Authorization: Bearer <token>"
	default:
		t := aw.tokens[token]
		switch {
		case t == nil:
			description = "Invalid token"
		case t.t.Expired:
			description = "Token has expired"
		default:
			return t, nil
		}
	}
	r := apinizerFail(http.StatusUnauthorized, "unauthorized_client", description)
	return nil, &r
}

func apinizerFail(status int, code, description string) response {
	return response{status: status, apinizerErr: &apinizerError{code: code, description: description}}
}
