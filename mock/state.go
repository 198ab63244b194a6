package mock

import (
	"time"
)

// State is the mock's data: what exists, who may do what. It is what the starting-state YAML file
// holds (see LoadState) and what GET /_mock/state shows, secrets redacted. A Server copies the
// State it is given; changing a State after New has no effect on the server.
type State struct {
	Confluent ConfluentState `yaml:"confluent" json:"confluent"`
	Apinizer  ApinizerState  `yaml:"apinizer" json:"apinizer"`
}

// ConfluentState is the Confluent Cloud side of the state.
type ConfluentState struct {
	// OrganizationID is the organization of every credential and environment that names none;
	// it shows in each environment's metadata.resource_name.
	OrganizationID string `yaml:"organization_id" json:"organization_id"`
	// EnvironmentQuota is how many environments an organization may hold (Confluent's
	// environments_per_org quota) when it sets none; nil means DefaultEnvironmentQuota. A create
	// beyond it answers 402.
	EnvironmentQuota *int `yaml:"environment_quota,omitempty" json:"environment_quota"`
	// Organizations are organizations besides OrganizationID (it may be listed too, to give it
	// its own quota).
	Organizations []Organization `yaml:"organizations,omitempty" json:"organizations,omitempty"`
	// RateLimit applies to every credential that sets none.
	RateLimit     RateLimit      `yaml:"rate_limit" json:"rate_limit"`
	APIKeys       []APIKey       `yaml:"api_keys" json:"api_keys"`
	STSTokens     []STSToken     `yaml:"sts_tokens" json:"sts_tokens"`
	Environments  []Environment  `yaml:"environments" json:"environments"`
	KafkaClusters []KafkaCluster `yaml:"kafka_clusters" json:"kafka_clusters"`
	Connectors    []Connector    `yaml:"connectors" json:"connectors"`
}

// DefaultEnvironmentQuota is the environments an organization may hold when the state sets no
// quota. (Confluent's published default is 25; the mock's is generous, like its demo rate limit.)
const DefaultEnvironmentQuota = 1000

// Organization is a Confluent organization: credentials and environments belong to one. A
// credential sees only its organization's environments, and a create beyond the organization's
// quota answers 402.
type Organization struct {
	ID string `yaml:"id" json:"id"`
	// EnvironmentQuota overrides ConfluentState.EnvironmentQuota when set.
	EnvironmentQuota *int `yaml:"environment_quota,omitempty" json:"environment_quota,omitempty"`
}

// RateLimit is a per-credential rate limit: Limit requests per WindowSeconds, the window starting
// at the credential's first request. Used requests are counted against every window before it
// starts (traffic from elsewhere): Used == Limit makes a credential that is always spent. In
// GET /_mock/state, Used is the count of the credential's current window.
type RateLimit struct {
	Limit         int `yaml:"limit" json:"limit"`
	WindowSeconds int `yaml:"window_seconds" json:"window_seconds"`
	Used          int `yaml:"used,omitempty" json:"used"`
}

// Confluent permissions, as the spec's x-required-permission names them.
const (
	PermDescribeEnvironment = "Describe:Environment"
	PermCreateEnvironment   = "CreateEnvironment:Organization"
	PermDeleteEnvironment   = "Delete:Environment"
)

// APIKey is a Confluent Cloud API key, sent as HTTP basic auth (key as user name).
type APIKey struct {
	Key    string `yaml:"key" json:"key"`
	Secret string `yaml:"secret" json:"secret"`
	// Permissions are Perm* values.
	Permissions []string `yaml:"permissions" json:"permissions"`
	// RateLimit overrides ConfluentState.RateLimit when set.
	RateLimit *RateLimit `yaml:"rate_limit,omitempty" json:"rate_limit,omitempty"`
	// Organization is the key's organization; empty means ConfluentState.OrganizationID.
	Organization string `yaml:"organization,omitempty" json:"organization,omitempty"`
}

// STSToken is a Confluent STS access token, sent as a bearer token. Name identifies it where the
// token itself must not be shown.
type STSToken struct {
	Name        string     `yaml:"name" json:"name"`
	Token       string     `yaml:"token" json:"token"`
	Permissions []string   `yaml:"permissions" json:"permissions"`
	RateLimit   *RateLimit `yaml:"rate_limit,omitempty" json:"rate_limit,omitempty"`
	// Organization is the token's organization; empty means ConfluentState.OrganizationID.
	Organization string `yaml:"organization,omitempty" json:"organization,omitempty"`
}

// Environment is a Confluent environment. ID matches ^env-[a-zA-Z0-9]+$.
type Environment struct {
	ID          string    `yaml:"id" json:"id"`
	DisplayName string    `yaml:"display_name" json:"display_name"`
	CreatedAt   time.Time `yaml:"created_at" json:"created_at"`
	// StreamGovernanceConfig is optional.
	StreamGovernanceConfig *StreamGovernanceConfig `yaml:"stream_governance_config,omitempty" json:"stream_governance_config,omitempty"`
	// Deleting says a deletion is in progress: a DELETE answers 409. Set in a state file, the
	// deletion never completes (until reset); set by a DELETE when Options.DeletionDelay is not
	// zero, it completes at DeletedAt.
	Deleting  bool       `yaml:"deleting,omitempty" json:"deleting,omitempty"`
	DeletedAt *time.Time `yaml:"deleted_at,omitempty" json:"deleted_at,omitempty"`
	// Organization is the environment's organization; empty means ConfluentState.OrganizationID.
	// It counts against that organization's quota until its deletion completes.
	Organization string `yaml:"organization,omitempty" json:"organization,omitempty"`
}

// StreamGovernanceConfig is an environment's Stream Governance package (ESSENTIALS, ADVANCED).
type StreamGovernanceConfig struct {
	Package string `yaml:"package" json:"package"`
}

// KafkaCluster is a Kafka cluster inside an environment; deleting the environment deletes it.
type KafkaCluster struct {
	ID          string `yaml:"id" json:"id"`
	DisplayName string `yaml:"display_name" json:"display_name"`
	Environment string `yaml:"environment" json:"environment"`
}

// Connector is a connector on a Kafka cluster; deleting the cluster's environment deletes it.
type Connector struct {
	Name         string `yaml:"name" json:"name"`
	KafkaCluster string `yaml:"kafka_cluster" json:"kafka_cluster"`
}

// ApinizerState is the Apinizer APIOps side of the state.
type ApinizerState struct {
	// Environments are the names of the Manager's environments.
	Environments []string        `yaml:"environments" json:"environments"`
	Tokens       []ApinizerToken `yaml:"tokens" json:"tokens"`
	Projects     []Project       `yaml:"projects" json:"projects"`
}

// Apinizer permissions a token can hold in a project; undeploy and deploy need both.
const (
	PermAPIManagement  = "API_MANAGEMENT"
	PermDeployUndeploy = "DEPLOY_UNDEPLOY"
)

// ApinizerToken is a personal API access token, sent as a bearer token.
type ApinizerToken struct {
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
func (s *State) Clone() *State {
	if s == nil {
		return nil
	}
	c := &State{}
	cs, ca := &c.Confluent, &c.Apinizer
	*cs = s.Confluent
	cs.EnvironmentQuota = clonePtr(cs.EnvironmentQuota)
	cs.Organizations = cloneSlice(s.Confluent.Organizations)
	for i := range cs.Organizations {
		cs.Organizations[i].EnvironmentQuota = clonePtr(cs.Organizations[i].EnvironmentQuota)
	}
	cs.APIKeys = cloneSlice(s.Confluent.APIKeys)
	for i := range cs.APIKeys {
		cs.APIKeys[i].Permissions = cloneSlice(cs.APIKeys[i].Permissions)
		cs.APIKeys[i].RateLimit = clonePtr(cs.APIKeys[i].RateLimit)
	}
	cs.STSTokens = cloneSlice(s.Confluent.STSTokens)
	for i := range cs.STSTokens {
		cs.STSTokens[i].Permissions = cloneSlice(cs.STSTokens[i].Permissions)
		cs.STSTokens[i].RateLimit = clonePtr(cs.STSTokens[i].RateLimit)
	}
	cs.Environments = cloneSlice(s.Confluent.Environments)
	for i := range cs.Environments {
		cs.Environments[i].StreamGovernanceConfig = clonePtr(cs.Environments[i].StreamGovernanceConfig)
		cs.Environments[i].DeletedAt = clonePtr(cs.Environments[i].DeletedAt)
	}
	cs.KafkaClusters = cloneSlice(s.Confluent.KafkaClusters)
	cs.Connectors = cloneSlice(s.Confluent.Connectors)

	ca.Environments = cloneSlice(s.Apinizer.Environments)
	ca.Tokens = cloneSlice(s.Apinizer.Tokens)
	for i := range ca.Tokens {
		t := &ca.Tokens[i]
		t.Environments = cloneSlice(t.Environments)
		if t.Projects != nil {
			projects := make(map[string][]string, len(t.Projects))
			for k, v := range t.Projects {
				projects[k] = cloneSlice(v)
			}
			t.Projects = projects
		}
	}
	ca.Projects = cloneSlice(s.Apinizer.Projects)
	for i := range ca.Projects {
		p := &ca.Projects[i]
		p.Proxies = cloneSlice(p.Proxies)
		for j := range p.Proxies {
			p.Proxies[j].DeployedTo = cloneSlice(p.Proxies[j].DeployedTo)
			p.Proxies[j].History = cloneSlice(p.Proxies[j].History)
		}
	}
	return c
}

// Redacted returns a deep copy of s with every secret (API key secrets and tokens) replaced by
// "[REDACTED]": what GET /_mock/state shows.
func (s *State) Redacted() *State {
	c := s.Clone()
	if c == nil {
		return nil
	}
	for i := range c.Confluent.APIKeys {
		c.Confluent.APIKeys[i].Secret = redacted
	}
	for i := range c.Confluent.STSTokens {
		c.Confluent.STSTokens[i].Token = redacted
	}
	for i := range c.Apinizer.Tokens {
		c.Apinizer.Tokens[i].Token = redacted
	}
	return c
}

// redacted replaces secrets in what the mock shows.
const redacted = "[REDACTED]"

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
