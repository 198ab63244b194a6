package apinizer

import (
	"time"

	"github.com/apiconform/apiconform/mock/internal/core"
)

// State is the Apinizer APIOps side of the mock's state (mock.ApinizerState).
type State struct {
	// Environments are the names of the Manager's environments.
	Environments []string  `yaml:"environments" json:"environments"`
	Tokens       []Token   `yaml:"tokens" json:"tokens"`
	Projects     []Project `yaml:"projects" json:"projects"`
}

// Apinizer permissions a token can hold in a project; undeploy and deploy need both.
const (
	PermAPIManagement  = "API_MANAGEMENT"
	PermDeployUndeploy = "DEPLOY_UNDEPLOY"
)

// Token is a personal API access token, sent as a bearer token (mock.ApinizerToken).
type Token struct {
	// Name identifies the token where the token itself must not be shown.
	Name  string `yaml:"name" json:"name"`
	Token string `yaml:"token" json:"token"`
	// User is the user the token belongs to; history records name them.
	User    string `yaml:"user" json:"user"`
	Expired bool   `yaml:"expired,omitempty" json:"expired,omitempty"`
	// Projects maps each project the user can see to their permissions there (Perm* values).
	Projects map[string][]string `yaml:"projects" json:"projects"`
	// Environments limits the environments the user may use; empty means all.
	Environments []string `yaml:"environments,omitempty" json:"environments,omitempty"`
}

// Project is an Apinizer project.
type Project struct {
	Name    string  `yaml:"name" json:"name"`
	Proxies []Proxy `yaml:"proxies" json:"proxies"`
}

// Proxy is an API proxy of a project.
type Proxy struct {
	Name string `yaml:"name" json:"name"`
	// DeployedTo lists the environments the proxy is deployed to.
	DeployedTo []string `yaml:"deployed_to" json:"deployed_to"`
	// RedeployRequired is the proxy's flag; a deploy or an undeploy sets it to false.
	RedeployRequired bool `yaml:"redeploy_required,omitempty" json:"redeploy_required"`
	// History is the deployment history, oldest first.
	History []HistoryRecord `yaml:"history,omitempty" json:"history"`
}

// History record actions.
const (
	ActionDeploy   = "deploy"
	ActionRedeploy = "redeploy"
	ActionUndeploy = "undeploy"
)

// HistoryRecord is one entry of a proxy's deployment history. A persistent record is never
// dropped by the retention limit.
type HistoryRecord struct {
	Action      string    `yaml:"action" json:"action"`
	Environment string    `yaml:"environment" json:"environment"`
	Description string    `yaml:"description" json:"description"`
	Persistent  bool      `yaml:"persistent,omitempty" json:"persistent"`
	Time        time.Time `yaml:"time" json:"time"`
	User        string    `yaml:"user,omitempty" json:"user,omitempty"`
}

// Clone returns a deep copy of s.
func (s *State) Clone() State {
	c := State{Environments: core.CloneSlice(s.Environments), Tokens: core.CloneSlice(s.Tokens), Projects: core.CloneSlice(s.Projects)}
	for i := range c.Tokens {
		c.Tokens[i] = c.Tokens[i].clone()
	}
	for i := range c.Projects {
		p := &c.Projects[i]
		p.Proxies = core.CloneSlice(p.Proxies)
		for j := range p.Proxies {
			p.Proxies[j].DeployedTo = core.CloneSlice(p.Proxies[j].DeployedTo)
			p.Proxies[j].History = core.CloneSlice(p.Proxies[j].History)
		}
	}
	return c
}

// clone returns a copy of t that shares nothing with it (a nil Projects stays nil).
func (t Token) clone() Token {
	t.Environments = core.CloneSlice(t.Environments)
	if t.Projects != nil {
		projects := make(map[string][]string, len(t.Projects))
		for k, v := range t.Projects {
			projects[k] = core.CloneSlice(v)
		}
		t.Projects = projects
	}
	return t
}

// Redact replaces every secret of s (the tokens) with "[REDACTED]".
func (s *State) Redact() {
	for i := range s.Tokens {
		s.Tokens[i].Token = core.Redacted
	}
}
