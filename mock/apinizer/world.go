package apinizer

import (
	"github.com/apiconform/apiconform/mock/internal/core"
)

// world is the live Apinizer state: a State indexed for the handlers. Every access holds the
// store's lock.
type world struct {
	envs     map[string]bool
	envOrder []string
	// tokens and projects are in the state file's order, for snapshots.
	tokens   core.Ordered[token]
	projects core.Ordered[project]
}

type token struct {
	t Token
	// perms maps each visible project to the permissions held there.
	perms map[string]map[string]bool
	// envs limits the usable environments; nil means all.
	envs map[string]bool
}

type project struct {
	name    string
	proxies core.Ordered[proxy]
}

type proxy struct {
	name             string
	deployed         map[string]bool
	redeployRequired bool
	history          []HistoryRecord
}

// newWorld indexes a valid state (see Validate). start is not kept: the world holds copies.
func newWorld(start *State) *world {
	s := start.Clone()
	a := &world{envs: core.Set(s.Environments), envOrder: s.Environments}
	for _, t := range s.Tokens {
		at := &token{t: t, perms: map[string]map[string]bool{}}
		for p, perms := range t.Projects {
			at.perms[p] = core.Set(perms)
		}
		if len(t.Environments) > 0 {
			at.envs = core.Set(t.Environments)
		}
		a.tokens.Add(t.Token, at)
	}
	for _, p := range s.Projects {
		pr := &project{name: p.Name}
		for _, px := range p.Proxies {
			pr.proxies.Add(px.Name, &proxy{name: px.Name, deployed: core.Set(px.DeployedTo), redeployRequired: px.RedeployRequired, history: px.History})
		}
		a.projects.Add(p.Name, pr)
	}
	return a
}

// freeze copies the world for a snapshot; the caller holds the lock. Tokens are included unless
// redact.
func (a *world) freeze(redact bool) State {
	var as State
	as.Environments = append([]string{}, a.envOrder...)
	as.Tokens = make([]Token, 0, len(a.tokens.Order))
	for _, t := range a.tokens.Order {
		tok := t.t.clone()
		tok.Token = core.Secret(tok.Token, redact)
		if tok.Projects == nil {
			tok.Projects = map[string][]string{}
		}
		as.Tokens = append(as.Tokens, tok)
	}
	as.Projects = []Project{}
	for _, p := range a.projects.Order {
		pr := Project{Name: p.name, Proxies: []Proxy{}}
		for _, x := range p.proxies.Order {
			deployed := []string{}
			for _, e := range a.envOrder {
				if x.deployed[e] {
					deployed = append(deployed, e)
				}
			}
			history := append([]HistoryRecord{}, x.history...)
			pr.Proxies = append(pr.Proxies, Proxy{Name: x.name, DeployedTo: deployed, RedeployRequired: x.redeployRequired, History: history})
		}
		as.Projects = append(as.Projects, pr)
	}
	return as
}
