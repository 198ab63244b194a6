package mock

import (
	"github.com/apiconform/apiconform/mock/apinizer"
	"github.com/apiconform/apiconform/mock/confluent"
)

// State is the mock's data: what exists, who may do what. It is what the starting-state YAML file
// holds (see LoadState) and what GET /_mock/state shows, secrets redacted. A Server copies the
// State it is given; changing a State after New has no effect on the server.
//
// Each API's part is defined by its package (mock/confluent, mock/apinizer); the names below are
// theirs.
type State struct {
	Confluent ConfluentState `yaml:"confluent" json:"confluent"`
	Apinizer  ApinizerState  `yaml:"apinizer" json:"apinizer"`
}

// The Confluent Cloud side of the state (package confluent).
type (
	// ConfluentState is the Confluent Cloud side of the state.
	ConfluentState = confluent.State
	// Organization is a Confluent organization: credentials and environments belong to one. A
	// credential sees only its organization's environments, and a create beyond the
	// organization's quota answers 402.
	Organization = confluent.Organization
	// RateLimit is a per-credential rate limit: Limit requests per WindowSeconds, the window
	// starting at the credential's first request. Used requests are counted against every
	// window before it starts (traffic from elsewhere): Used == Limit makes a credential that is
	// always spent. In GET /_mock/state, Used is the count of the credential's current window.
	RateLimit = confluent.RateLimit
	// APIKey is a Confluent Cloud API key, sent as HTTP basic auth (key as user name).
	APIKey = confluent.APIKey
	// STSToken is a Confluent STS access token, sent as a bearer token. Name identifies it where
	// the token itself must not be shown.
	STSToken = confluent.STSToken
	// Environment is a Confluent environment. ID matches ^env-[a-zA-Z0-9]+$.
	Environment = confluent.Environment
	// StreamGovernanceConfig is an environment's Stream Governance package (ESSENTIALS,
	// ADVANCED).
	StreamGovernanceConfig = confluent.StreamGovernanceConfig
	// KafkaCluster is a Kafka cluster inside an environment; deleting the environment deletes
	// it.
	KafkaCluster = confluent.KafkaCluster
	// Connector is a connector on a Kafka cluster; deleting the cluster's environment deletes
	// it.
	Connector = confluent.Connector
)

// DefaultEnvironmentQuota is the environments an organization may hold when the state sets no
// quota. (Confluent's published default is 25; the mock's is generous, like its demo rate limit.)
const DefaultEnvironmentQuota = confluent.DefaultEnvironmentQuota

// Confluent permissions, as the spec's x-required-permission names them.
const (
	PermDescribeEnvironment = confluent.PermDescribeEnvironment
	PermCreateEnvironment   = confluent.PermCreateEnvironment
	PermDeleteEnvironment   = confluent.PermDeleteEnvironment
)

// The Apinizer APIOps side of the state (package apinizer).
type (
	// ApinizerState is the Apinizer APIOps side of the state.
	ApinizerState = apinizer.State
	// ApinizerToken is a personal API access token, sent as a bearer token.
	ApinizerToken = apinizer.Token
	// Project is an Apinizer project.
	Project = apinizer.Project
	// Proxy is an API proxy of a project.
	Proxy = apinizer.Proxy
	// HistoryRecord is one entry of a proxy's deployment history. A persistent record is never
	// dropped by the retention limit.
	HistoryRecord = apinizer.HistoryRecord
)

// Apinizer permissions a token can hold in a project; undeploy and deploy need both.
const (
	PermAPIManagement  = apinizer.PermAPIManagement
	PermDeployUndeploy = apinizer.PermDeployUndeploy
)

// History record actions.
const (
	ActionDeploy   = apinizer.ActionDeploy
	ActionRedeploy = apinizer.ActionRedeploy
	ActionUndeploy = apinizer.ActionUndeploy
)

// Clone returns a deep copy of s.
func (s *State) Clone() *State {
	if s == nil {
		return nil
	}
	return &State{Confluent: s.Confluent.Clone(), Apinizer: s.Apinizer.Clone()}
}

// Redacted returns a deep copy of s with every secret (API key secrets and tokens) replaced by
// "[REDACTED]": what GET /_mock/state shows.
func (s *State) Redacted() *State {
	c := s.Clone()
	if c == nil {
		return nil
	}
	c.Confluent.Redact()
	c.Apinizer.Redact()
	return c
}
