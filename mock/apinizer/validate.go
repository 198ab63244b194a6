package apinizer

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/apiconform/apiconform/mock/internal/core"
)

var perms = map[string]bool{PermAPIManagement: true, PermDeployUndeploy: true}

// Validate records every problem of a, in document order, at paths under root (the key of the
// Apinizer part of the state). It does not change a.
func Validate(v *core.Validator, root string, a *State) {
	envs := map[string]bool{}
	for i, e := range a.Environments {
		p := []any{root, "environments", i}
		name(v, e, "environment name", p...)
		v.Unique(envs, e, "environment", p...)
	}
	projects := map[string]bool{}
	for i, pr := range a.Projects {
		p := []any{root, "projects", i}
		name(v, pr.Name, "project name", append(p, "name")...)
		v.Unique(projects, pr.Name, "project", append(p, "name")...)
		proxies := map[string]bool{}
		for j, px := range pr.Proxies {
			q := append(append([]any(nil), p...), "proxies", j)
			name(v, px.Name, "proxy name", append(q, "name")...)
			v.Unique(proxies, px.Name, "proxy", append(q, "name")...)
			deployed := map[string]bool{}
			for k, e := range px.DeployedTo {
				if !envs[e] {
					v.Add(fmt.Sprintf("environment %q is not one of apinizer.environments", e), append(q, "deployed_to", k)...)
				}
				v.Unique(deployed, e, "environment", append(q, "deployed_to", k)...)
			}
			for k, h := range px.History {
				switch h.Action {
				case ActionDeploy, ActionRedeploy, ActionUndeploy:
				default:
					v.Add(fmt.Sprintf("action %q is not deploy, redeploy or undeploy", h.Action), append(q, "history", k, "action")...)
				}
				v.NonEmpty(h.Environment, "environment", append(q, "history", k, "environment")...)
			}
		}
	}
	tokens := core.NewTokens()
	for i, t := range a.Tokens {
		p := []any{root, "tokens", i}
		v.Token(tokens, t.Name, t.Token, p...)
		v.NonEmpty(t.User, "user", append(p, "user")...)
		for _, project := range core.SortedKeys(t.Projects) {
			q := append(append([]any(nil), p...), "projects", project)
			if !projects[project] {
				v.Add(fmt.Sprintf("project %q is not one of apinizer.projects", project), q...)
			}
			v.Perms(t.Projects[project], perms, q...)
		}
		for k, e := range t.Environments {
			if !envs[e] {
				v.Add(fmt.Sprintf("environment %q is not one of apinizer.environments", e), append(p, "environments", k)...)
			}
		}
	}
}

// name checks an Apinizer name: not empty, no white space (names hold no spaces).
func name(v *core.Validator, s, what string, path ...any) bool {
	if !v.NonEmpty(s, what, path...) {
		return false
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		v.Add(fmt.Sprintf("%s %q holds white space; Apinizer names hold none", what, s), path...)
		return false
	}
	return true
}
