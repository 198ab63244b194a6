package mock

import (
	"sort"
	"time"
)

// world is the live state of a Server: a State indexed for the handlers. Every access holds
// Server.mu.
type world struct {
	confluent confluentWorld
	apinizer  apinizerWorld
}

type confluentWorld struct {
	org          string
	defaultLimit RateLimit
	// keys and tokens hold every credential by what the request presents (API key ID, token).
	keys   map[string]*principal
	tokens map[string]*principal
	// keyOrder and tokenOrder keep the state file's order for snapshots.
	keyOrder, tokenOrder []*principal
	envs                 map[string]*envEntry
	// usedIDs remembers every environment ID ever held: a new one never reuses a deleted one.
	usedIDs  map[string]bool
	nextSeq  int
	clusters []KafkaCluster
	conns    []Connector
	// pending counts environments whose timed deletion has not completed.
	pending int
}

// principal is one Confluent credential and its rate-limit window.
type principal struct {
	id      string // the API key ID or the token's name: what the state shows
	secret  string // the API key secret or the token
	isToken bool
	perms   map[string]bool
	limit   RateLimit
	// window is the start of the current window; zero before the first request.
	window time.Time
	used   int
}

type envEntry struct {
	seq int
	env Environment
}

type apinizerWorld struct {
	envs     map[string]bool
	envOrder []string
	tokens   map[string]*apinizerToken
	order    []*apinizerToken
	projects map[string]*project
	projOrd  []*project
}

type apinizerToken struct {
	t ApinizerToken
	// perms maps each visible project to the permissions held there.
	perms map[string]map[string]bool
	// envs limits the usable environments; nil means all.
	envs map[string]bool
}

type project struct {
	name    string
	proxies map[string]*proxy
	order   []*proxy
}

type proxy struct {
	name             string
	deployed         map[string]bool
	redeployRequired bool
	history          []HistoryRecord
}

// newWorld indexes a valid state (see validate). s is not kept: the world holds copies.
func newWorld(s *State) *world {
	s = s.Clone()
	w := &world{}
	c := &w.confluent
	c.org = s.Confluent.OrganizationID
	if c.org == "" {
		c.org = defaultOrganizationID
	}
	c.defaultLimit = s.Confluent.RateLimit
	if c.defaultLimit == (RateLimit{}) {
		c.defaultLimit = RateLimit{Limit: defaultRateLimit, WindowSeconds: defaultRateWindow}
	}
	c.keys, c.tokens = map[string]*principal{}, map[string]*principal{}
	for _, k := range s.Confluent.APIKeys {
		p := &principal{id: k.Key, secret: k.Secret, perms: set(k.Permissions), limit: orDefault(k.RateLimit, c.defaultLimit)}
		c.keys[k.Key] = p
		c.keyOrder = append(c.keyOrder, p)
	}
	for _, t := range s.Confluent.STSTokens {
		p := &principal{id: t.Name, secret: t.Token, isToken: true, perms: set(t.Permissions), limit: orDefault(t.RateLimit, c.defaultLimit)}
		c.tokens[t.Token] = p
		c.tokenOrder = append(c.tokenOrder, p)
	}
	c.envs, c.usedIDs = map[string]*envEntry{}, map[string]bool{}
	for _, e := range s.Confluent.Environments {
		c.addEnv(e)
		if e.DeletedAt != nil {
			c.pending++
		}
	}
	c.clusters = s.Confluent.KafkaClusters
	c.conns = s.Confluent.Connectors

	a := &w.apinizer
	a.envs = set(s.Apinizer.Environments)
	a.envOrder = s.Apinizer.Environments
	a.tokens = map[string]*apinizerToken{}
	for _, t := range s.Apinizer.Tokens {
		at := &apinizerToken{t: t, perms: map[string]map[string]bool{}}
		for p, perms := range t.Projects {
			at.perms[p] = set(perms)
		}
		if len(t.Environments) > 0 {
			at.envs = set(t.Environments)
		}
		a.tokens[t.Token] = at
		a.order = append(a.order, at)
	}
	a.projects = map[string]*project{}
	for _, p := range s.Apinizer.Projects {
		pr := &project{name: p.Name, proxies: map[string]*proxy{}}
		for _, px := range p.Proxies {
			x := &proxy{name: px.Name, deployed: set(px.DeployedTo), redeployRequired: px.RedeployRequired, history: px.History}
			pr.proxies[px.Name] = x
			pr.order = append(pr.order, x)
		}
		a.projects[p.Name] = pr
		a.projOrd = append(a.projOrd, pr)
	}
	return w
}

func (c *confluentWorld) addEnv(e Environment) {
	c.nextSeq++
	c.envs[e.ID] = &envEntry{seq: c.nextSeq, env: e}
	c.usedIDs[e.ID] = true
}

// removeEnv deletes an environment and, recursively, its Kafka clusters and their connectors.
func (c *confluentWorld) removeEnv(id string) {
	delete(c.envs, id)
	gone := map[string]bool{}
	clusters := c.clusters[:0]
	for _, k := range c.clusters {
		if k.Environment == id {
			gone[k.ID] = true
			continue
		}
		clusters = append(clusters, k)
	}
	c.clusters = clusters
	conns := c.conns[:0]
	for _, k := range c.conns {
		if !gone[k.KafkaCluster] {
			conns = append(conns, k)
		}
	}
	c.conns = conns
}

// settle completes every timed deletion due by now.
func (c *confluentWorld) settle(now time.Time) {
	if c.pending == 0 {
		return
	}
	for id, e := range c.envs {
		if e.env.DeletedAt != nil && !now.Before(*e.env.DeletedAt) {
			c.removeEnv(id)
			c.pending--
		}
	}
}

// snapshot renders the world as a State (secrets included; see State.Redacted). Rate-limit
// `used` values are those of each credential's current window at now.
func (w *world) snapshot(now time.Time) *State {
	s := &State{}
	c, cs := &w.confluent, &s.Confluent
	cs.OrganizationID = c.org
	cs.RateLimit = c.defaultLimit
	cs.APIKeys = []APIKey{}
	for _, p := range c.keyOrder {
		cs.APIKeys = append(cs.APIKeys, APIKey{Key: p.id, Secret: p.secret, Permissions: sortedKeys(p.perms), RateLimit: p.current(now)})
	}
	cs.STSTokens = []STSToken{}
	for _, p := range c.tokenOrder {
		cs.STSTokens = append(cs.STSTokens, STSToken{Name: p.id, Token: p.secret, Permissions: sortedKeys(p.perms), RateLimit: p.current(now)})
	}
	entries := make([]*envEntry, 0, len(c.envs))
	for _, e := range c.envs {
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].seq < entries[j].seq })
	cs.Environments = make([]Environment, 0, len(entries))
	for _, e := range entries {
		cs.Environments = append(cs.Environments, e.env)
	}
	cs.KafkaClusters = append([]KafkaCluster{}, c.clusters...)
	cs.Connectors = append([]Connector{}, c.conns...)

	a, as := &w.apinizer, &s.Apinizer
	as.Environments = append([]string{}, a.envOrder...)
	as.Tokens = []ApinizerToken{}
	for _, t := range a.order {
		as.Tokens = append(as.Tokens, t.t)
	}
	as.Projects = []Project{}
	for _, p := range a.projOrd {
		pr := Project{Name: p.name, Proxies: []Proxy{}}
		for _, x := range p.order {
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
	return s.Clone()
}

func set(items []string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, it := range items {
		m[it] = true
	}
	return m
}

func orDefault(r *RateLimit, def RateLimit) RateLimit {
	if r == nil {
		return def
	}
	return *r
}
