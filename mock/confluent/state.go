package confluent

import (
	"time"

	"github.com/apiconform/apiconform/mock/internal/core"
)

// State is the Confluent Cloud side of the mock's state (mock.ConfluentState).
type State struct {
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
	// EnvironmentQuota overrides State.EnvironmentQuota when set.
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
	// RateLimit overrides State.RateLimit when set.
	RateLimit *RateLimit `yaml:"rate_limit,omitempty" json:"rate_limit,omitempty"`
	// Organization is the key's organization; empty means State.OrganizationID.
	Organization string `yaml:"organization,omitempty" json:"organization,omitempty"`
}

// STSToken is a Confluent STS access token, sent as a bearer token. Name identifies it where the
// token itself must not be shown.
type STSToken struct {
	Name        string     `yaml:"name" json:"name"`
	Token       string     `yaml:"token" json:"token"`
	Permissions []string   `yaml:"permissions" json:"permissions"`
	RateLimit   *RateLimit `yaml:"rate_limit,omitempty" json:"rate_limit,omitempty"`
	// Organization is the token's organization; empty means State.OrganizationID.
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
	// deletion never completes (until reset); set by a DELETE when the mock's deletion delay is
	// not zero, it completes at DeletedAt.
	Deleting  bool       `yaml:"deleting,omitempty" json:"deleting,omitempty"`
	DeletedAt *time.Time `yaml:"deleted_at,omitempty" json:"deleted_at,omitempty"`
	// Organization is the environment's organization; empty means State.OrganizationID.
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

// Clone returns a deep copy of s.
func (s *State) Clone() State {
	c := *s
	c.EnvironmentQuota = core.ClonePtr(c.EnvironmentQuota)
	c.Organizations = core.CloneSlice(s.Organizations)
	for i := range c.Organizations {
		c.Organizations[i].EnvironmentQuota = core.ClonePtr(c.Organizations[i].EnvironmentQuota)
	}
	c.APIKeys = core.CloneSlice(s.APIKeys)
	for i := range c.APIKeys {
		k := &c.APIKeys[i]
		k.Permissions, k.RateLimit = cloneGrant(k.Permissions, k.RateLimit)
	}
	c.STSTokens = core.CloneSlice(s.STSTokens)
	for i := range c.STSTokens {
		t := &c.STSTokens[i]
		t.Permissions, t.RateLimit = cloneGrant(t.Permissions, t.RateLimit)
	}
	c.Environments = core.CloneSlice(s.Environments)
	for i := range c.Environments {
		c.Environments[i] = c.Environments[i].clone()
	}
	c.KafkaClusters = core.CloneSlice(s.KafkaClusters)
	c.Connectors = core.CloneSlice(s.Connectors)
	return c
}

// cloneGrant copies what a credential (API key or STS token) may do.
func cloneGrant(perms []string, limit *RateLimit) ([]string, *RateLimit) {
	return core.CloneSlice(perms), core.ClonePtr(limit)
}

// clone returns a copy of e that shares no pointer with it.
func (e Environment) clone() Environment {
	e.StreamGovernanceConfig = core.ClonePtr(e.StreamGovernanceConfig)
	e.DeletedAt = core.ClonePtr(e.DeletedAt)
	return e
}

// Redact replaces every secret of s (API key secrets, STS tokens) with "[REDACTED]".
func (s *State) Redact() {
	for i := range s.APIKeys {
		s.APIKeys[i].Secret = core.Redacted
	}
	for i := range s.STSTokens {
		s.STSTokens[i].Token = core.Redacted
	}
}
