package confluent

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/apiconform/apiconform/mock/internal/core"
)

// Defaults applied to a state that leaves them out.
const (
	defaultOrganizationID = "00000000-0000-0000-0000-000000000000"
	defaultRateLimit      = 1000
	defaultRateWindow     = 60
	maxRateWindow         = 366 * 24 * 3600
	// maxEnvironmentQuota bounds a quota a state may set: what a load test may raise it to.
	maxEnvironmentQuota = 10_000_000
)

var perms = map[string]bool{PermDescribeEnvironment: true, PermCreateEnvironment: true, PermDeleteEnvironment: true}

// ValidEnvID reports whether id is `env-` plus one or more ASCII letters and digits, the form
// Confluent environment IDs take (checked without a regular expression: it runs per request).
func ValidEnvID(id string) bool {
	rest, ok := strings.CutPrefix(id, "env-")
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// Validate records every problem of s, in document order, at paths under root (the key of the
// Confluent part of the state). It does not change s.
func Validate(v *core.Validator, root string, c *State) {
	if c.RateLimit != (RateLimit{}) {
		rateLimit(v, &c.RateLimit, root, "rate_limit")
	}
	quota(v, c.EnvironmentQuota, root, "environment_quota")
	defaultOrg := c.OrganizationID
	if defaultOrg == "" {
		defaultOrg = defaultOrganizationID
	}
	orgs := map[string]bool{defaultOrg: true}
	listed := map[string]bool{}
	for i, o := range c.Organizations {
		p := []any{root, "organizations", i}
		if v.NonEmpty(o.ID, "id", append(p, "id")...) && strings.IndexFunc(o.ID, unicode.IsSpace) >= 0 {
			v.Add(fmt.Sprintf("id %q holds white space", o.ID), append(p, "id")...)
		}
		v.Unique(listed, o.ID, "organization id", append(p, "id")...)
		quota(v, o.EnvironmentQuota, append(p, "environment_quota")...)
		orgs[o.ID] = true
	}
	keys := map[string]bool{}
	for i, k := range c.APIKeys {
		p := []any{root, "api_keys", i}
		if v.NonEmpty(k.Key, "key", append(p, "key")...) && strings.Contains(k.Key, ":") {
			v.Add("key must not hold a colon (it is the basic-auth user name)", append(p, "key")...)
		}
		v.Unique(keys, k.Key, "key", append(p, "key")...)
		v.NonEmpty(k.Secret, "secret", append(p, "secret")...)
		grant(v, orgs, k.Permissions, k.RateLimit, k.Organization, p...)
	}
	tokens := core.NewTokens()
	for i, t := range c.STSTokens {
		p := []any{root, "sts_tokens", i}
		v.Token(tokens, t.Name, t.Token, p...)
		grant(v, orgs, t.Permissions, t.RateLimit, t.Organization, p...)
	}
	envs := map[string]bool{}
	for i, e := range c.Environments {
		p := []any{root, "environments", i}
		if !ValidEnvID(e.ID) {
			v.Add(fmt.Sprintf("id %q is not `env-` followed by letters and digits", e.ID), append(p, "id")...)
		}
		v.Unique(envs, e.ID, "environment id", append(p, "id")...)
		v.NonEmpty(e.DisplayName, "display_name", append(p, "display_name")...)
		if e.StreamGovernanceConfig != nil {
			v.NonEmpty(e.StreamGovernanceConfig.Package, "stream_governance_config.package", append(p, "stream_governance_config", "package")...)
		}
		if e.DeletedAt != nil && !e.Deleting {
			v.Add("deleted_at is set but deleting is not", append(p, "deleted_at")...)
		}
		checkOrganization(v, orgs, e.Organization, append(p, "organization")...)
	}
	clusters := map[string]bool{}
	for i, k := range c.KafkaClusters {
		p := []any{root, "kafka_clusters", i}
		v.NonEmpty(k.ID, "id", append(p, "id")...)
		v.Unique(clusters, k.ID, "kafka cluster id", append(p, "id")...)
		if !envs[k.Environment] {
			v.Add(fmt.Sprintf("environment %q is not one of confluent.environments", k.Environment), append(p, "environment")...)
		}
	}
	connectors := map[string]bool{}
	for i, k := range c.Connectors {
		p := []any{root, "connectors", i}
		v.NonEmpty(k.Name, "name", append(p, "name")...)
		if !clusters[k.KafkaCluster] {
			v.Add(fmt.Sprintf("kafka_cluster %q is not one of confluent.kafka_clusters", k.KafkaCluster), append(p, "kafka_cluster")...)
		}
		v.Unique(connectors, k.KafkaCluster+"/"+k.Name, "connector", append(p, "name")...)
	}
}

// grant checks what a credential (API key or STS token, at path) may do: its permissions, rate
// limit and organization.
func grant(v *core.Validator, orgs map[string]bool, permissions []string, limit *RateLimit, org string, path ...any) {
	v.Perms(permissions, perms, append(path, "permissions")...)
	rateLimit(v, limit, append(path, "rate_limit")...)
	checkOrganization(v, orgs, org, append(path, "organization")...)
}

func rateLimit(v *core.Validator, r *RateLimit, path ...any) {
	if r == nil {
		return
	}
	if r.Limit < 1 {
		v.Add("limit must be at least 1", append(path, "limit")...)
	}
	if r.WindowSeconds < 1 || r.WindowSeconds > maxRateWindow {
		v.Add("window_seconds must be between 1 and "+strconv.Itoa(maxRateWindow)+" (a year)", append(path, "window_seconds")...)
	}
	if r.Used < 0 || (r.Limit >= 1 && r.Used > r.Limit) {
		v.Add("used must be between 0 and limit", append(path, "used")...)
	}
}

func quota(v *core.Validator, q *int, path ...any) {
	if q != nil && (*q < 0 || *q > maxEnvironmentQuota) {
		v.Add("environment_quota must be between 0 and "+strconv.Itoa(maxEnvironmentQuota), path...)
	}
}

// checkOrganization checks that an organization field names organization_id or one of
// confluent.organizations (empty: organization_id).
func checkOrganization(v *core.Validator, orgs map[string]bool, org string, path ...any) {
	if org != "" && !orgs[org] {
		v.Add(fmt.Sprintf("organization %q is not confluent.organization_id nor one of confluent.organizations", org), path...)
	}
}
