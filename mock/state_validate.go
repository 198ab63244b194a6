package mock

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
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

// problem is one thing wrong with a state, at a path of YAML keys (string) and sequence indices
// (int) from the document root.
type problem struct {
	path []any
	msg  string
}

// pathString renders a problem path as confluent.api_keys[0].secret.
func pathString(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch v := p.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(v) + "]")
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

// validator collects the problems of one state.
type validator struct {
	problems []problem
}

func (v *validator) add(msg string, path ...any) {
	v.problems = append(v.problems, problem{path: append([]any(nil), path...), msg: msg})
}

func (v *validator) nonEmpty(s, what string, path ...any) bool {
	if strings.TrimSpace(s) == "" {
		v.add(what+" must not be empty", path...)
		return false
	}
	return true
}

// name checks an Apinizer name: not empty, no white space (names hold no spaces).
func (v *validator) name(s, what string, path ...any) bool {
	if !v.nonEmpty(s, what, path...) {
		return false
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		v.add(fmt.Sprintf("%s %q holds white space; Apinizer names hold none", what, s), path...)
		return false
	}
	return true
}

func (v *validator) unique(seen map[string]bool, s, what string, path ...any) {
	if s == "" {
		return
	}
	if seen[s] {
		v.add(fmt.Sprintf("%s %q is used twice", what, s), path...)
	}
	seen[s] = true
}

func (v *validator) rateLimit(r *RateLimit, path ...any) {
	if r == nil {
		return
	}
	if r.Limit < 1 {
		v.add("limit must be at least 1", append(path, "limit")...)
	}
	if r.WindowSeconds < 1 || r.WindowSeconds > maxRateWindow {
		v.add("window_seconds must be between 1 and "+strconv.Itoa(maxRateWindow)+" (a year)", append(path, "window_seconds")...)
	}
	if r.Used < 0 || (r.Limit >= 1 && r.Used > r.Limit) {
		v.add("used must be between 0 and limit", append(path, "used")...)
	}
}

var confluentPerms = map[string]bool{PermDescribeEnvironment: true, PermCreateEnvironment: true, PermDeleteEnvironment: true}

var apinizerPerms = map[string]bool{PermAPIManagement: true, PermDeployUndeploy: true}

func (v *validator) perms(perms []string, known map[string]bool, path ...any) {
	for i, p := range perms {
		if !known[p] {
			v.add(fmt.Sprintf("unknown permission %q (known: %s)", p, strings.Join(sortedKeys(known), ", ")), append(path, i)...)
		}
	}
}

// validEnvID reports whether id is `env-` plus one or more ASCII letters and digits, the form
// Confluent environment IDs take (checked without a regular expression: it runs per request).
func validEnvID(id string) bool {
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

// validate returns every problem of s, in document order. It does not change s.
func validate(s *State) []problem {
	v := &validator{}
	v.confluent(&s.Confluent)
	v.apinizer(&s.Apinizer)
	return v.problems
}

func (v *validator) quota(q *int, path ...any) {
	if q != nil && (*q < 0 || *q > maxEnvironmentQuota) {
		v.add("environment_quota must be between 0 and "+strconv.Itoa(maxEnvironmentQuota), path...)
	}
}

// organization checks that an organization field names organization_id or one of
// confluent.organizations (empty: organization_id).
func (v *validator) organization(orgs map[string]bool, org string, path ...any) {
	if org != "" && !orgs[org] {
		v.add(fmt.Sprintf("organization %q is not confluent.organization_id nor one of confluent.organizations", org), path...)
	}
}

func (v *validator) confluent(c *ConfluentState) {
	root := "confluent"
	if c.RateLimit != (RateLimit{}) {
		v.rateLimit(&c.RateLimit, root, "rate_limit")
	}
	v.quota(c.EnvironmentQuota, root, "environment_quota")
	defaultOrg := c.OrganizationID
	if defaultOrg == "" {
		defaultOrg = defaultOrganizationID
	}
	orgs := map[string]bool{defaultOrg: true}
	listed := map[string]bool{}
	for i, o := range c.Organizations {
		p := []any{root, "organizations", i}
		if v.nonEmpty(o.ID, "id", append(p, "id")...) && strings.IndexFunc(o.ID, unicode.IsSpace) >= 0 {
			v.add(fmt.Sprintf("id %q holds white space", o.ID), append(p, "id")...)
		}
		v.unique(listed, o.ID, "organization id", append(p, "id")...)
		v.quota(o.EnvironmentQuota, append(p, "environment_quota")...)
		orgs[o.ID] = true
	}
	keys := map[string]bool{}
	for i, k := range c.APIKeys {
		p := []any{root, "api_keys", i}
		if v.nonEmpty(k.Key, "key", append(p, "key")...) && strings.Contains(k.Key, ":") {
			v.add("key must not hold a colon (it is the basic-auth user name)", append(p, "key")...)
		}
		v.unique(keys, k.Key, "key", append(p, "key")...)
		v.nonEmpty(k.Secret, "secret", append(p, "secret")...)
		v.perms(k.Permissions, confluentPerms, append(p, "permissions")...)
		v.rateLimit(k.RateLimit, append(p, "rate_limit")...)
		v.organization(orgs, k.Organization, append(p, "organization")...)
	}
	names, tokens := map[string]bool{}, map[string]bool{}
	for i, t := range c.STSTokens {
		p := []any{root, "sts_tokens", i}
		v.nonEmpty(t.Name, "name", append(p, "name")...)
		v.unique(names, t.Name, "name", append(p, "name")...)
		v.nonEmpty(t.Token, "token", append(p, "token")...)
		v.unique(tokens, t.Token, "token", append(p, "token")...)
		v.perms(t.Permissions, confluentPerms, append(p, "permissions")...)
		v.rateLimit(t.RateLimit, append(p, "rate_limit")...)
		v.organization(orgs, t.Organization, append(p, "organization")...)
	}
	envs := map[string]bool{}
	for i, e := range c.Environments {
		p := []any{root, "environments", i}
		if !validEnvID(e.ID) {
			v.add(fmt.Sprintf("id %q is not `env-` followed by letters and digits", e.ID), append(p, "id")...)
		}
		v.unique(envs, e.ID, "environment id", append(p, "id")...)
		v.nonEmpty(e.DisplayName, "display_name", append(p, "display_name")...)
		if e.StreamGovernanceConfig != nil {
			v.nonEmpty(e.StreamGovernanceConfig.Package, "stream_governance_config.package", append(p, "stream_governance_config", "package")...)
		}
		if e.DeletedAt != nil && !e.Deleting {
			v.add("deleted_at is set but deleting is not", append(p, "deleted_at")...)
		}
		v.organization(orgs, e.Organization, append(p, "organization")...)
	}
	clusters := map[string]bool{}
	for i, k := range c.KafkaClusters {
		p := []any{root, "kafka_clusters", i}
		v.nonEmpty(k.ID, "id", append(p, "id")...)
		v.unique(clusters, k.ID, "kafka cluster id", append(p, "id")...)
		if !envs[k.Environment] {
			v.add(fmt.Sprintf("environment %q is not one of confluent.environments", k.Environment), append(p, "environment")...)
		}
	}
	connectors := map[string]bool{}
	for i, k := range c.Connectors {
		p := []any{root, "connectors", i}
		v.nonEmpty(k.Name, "name", append(p, "name")...)
		if !clusters[k.KafkaCluster] {
			v.add(fmt.Sprintf("kafka_cluster %q is not one of confluent.kafka_clusters", k.KafkaCluster), append(p, "kafka_cluster")...)
		}
		v.unique(connectors, k.KafkaCluster+"/"+k.Name, "connector", append(p, "name")...)
	}
}

func (v *validator) apinizer(a *ApinizerState) {
	root := "apinizer"
	envs := map[string]bool{}
	for i, e := range a.Environments {
		p := []any{root, "environments", i}
		v.name(e, "environment name", p...)
		v.unique(envs, e, "environment", p...)
	}
	projects := map[string]bool{}
	for i, pr := range a.Projects {
		p := []any{root, "projects", i}
		v.name(pr.Name, "project name", append(p, "name")...)
		v.unique(projects, pr.Name, "project", append(p, "name")...)
		proxies := map[string]bool{}
		for j, px := range pr.Proxies {
			q := append(append([]any(nil), p...), "proxies", j)
			v.name(px.Name, "proxy name", append(q, "name")...)
			v.unique(proxies, px.Name, "proxy", append(q, "name")...)
			deployed := map[string]bool{}
			for k, e := range px.DeployedTo {
				if !envs[e] {
					v.add(fmt.Sprintf("environment %q is not one of apinizer.environments", e), append(q, "deployed_to", k)...)
				}
				v.unique(deployed, e, "environment", append(q, "deployed_to", k)...)
			}
			for k, h := range px.History {
				switch h.Action {
				case ActionDeploy, ActionRedeploy, ActionUndeploy:
				default:
					v.add(fmt.Sprintf("action %q is not deploy, redeploy or undeploy", h.Action), append(q, "history", k, "action")...)
				}
				v.nonEmpty(h.Environment, "environment", append(q, "history", k, "environment")...)
			}
		}
	}
	names, tokens := map[string]bool{}, map[string]bool{}
	for i, t := range a.Tokens {
		p := []any{root, "tokens", i}
		v.nonEmpty(t.Name, "name", append(p, "name")...)
		v.unique(names, t.Name, "name", append(p, "name")...)
		v.nonEmpty(t.Token, "token", append(p, "token")...)
		v.unique(tokens, t.Token, "token", append(p, "token")...)
		v.nonEmpty(t.User, "user", append(p, "user")...)
		for _, project := range sortedKeys(t.Projects) {
			q := append(append([]any(nil), p...), "projects", project)
			if !projects[project] {
				v.add(fmt.Sprintf("project %q is not one of apinizer.projects", project), q...)
			}
			v.perms(t.Projects[project], apinizerPerms, q...)
		}
		for k, e := range t.Environments {
			if !envs[e] {
				v.add(fmt.Sprintf("environment %q is not one of apinizer.environments", e), append(p, "environments", k)...)
			}
		}
	}
}

// orDefaultQuota returns *q, or def when q is nil.
func orDefaultQuota(q *int, def int) int {
	if q == nil {
		return def
	}
	return *q
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
