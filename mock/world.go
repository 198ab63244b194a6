package mock

import (
	"time"
)

// world is the live state of a Server: a State indexed for the handlers. Every access holds
// Server.mu.
type world struct {
	confluent confluentWorld
	apinizer  apinizerWorld
}

type confluentWorld struct {
	// org is the organization of the credentials and environments that name none.
	org *organization
	// orgs holds every organization by ID; listedOrgs those the state lists, for snapshots.
	orgs       map[string]*organization
	listedOrgs []*organization
	// defaultQuota is the environment quota of an organization that sets none.
	defaultQuota int
	defaultLimit RateLimit
	// keys and tokens hold every credential by what the request presents (API key ID, token).
	keys   map[string]*principal
	tokens map[string]*principal
	// keyOrder and tokenOrder keep the state file's order for snapshots.
	keyOrder, tokenOrder []*principal
	// envs indexes the live environments by ID: their position in envList.
	envs map[string]int
	// envList holds the environments in creation order, nil where one was removed (holes counts
	// those; compact removes them). An entry is never changed once it is in envList (a change
	// replaces it), and a snapshot takes envList itself under the lock (envShared then says so):
	// the next change of a slot copies the list first, so the snapshot reads its entries after
	// the lock is released, as they were. Appending writes past the snapshot's end: no copy.
	envList   []*envEntry
	envShared bool
	holes     int
	// startIDs are the environment IDs of the starting state: a created environment never takes
	// one (created IDs never repeat by construction: see envIDSequence).
	startIDs map[string]bool
	clusters []KafkaCluster
	conns    []Connector
	// pending holds the environments whose timed deletion has not completed, soonest first.
	pending deletionQueue
}

// organization is a Confluent organization and the environments it holds.
type organization struct {
	id    string
	quota int
	// held counts its environments, those being deleted included (changed under the lock; a
	// snapshot reads only id).
	held int
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
	org    *organization
}

// envEntry is one environment of the live state. It is immutable once published in envList.
type envEntry struct {
	env Environment
	org *organization
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
	c.defaultQuota = orDefaultQuota(s.Confluent.EnvironmentQuota, DefaultEnvironmentQuota)
	defaultOrg := s.Confluent.OrganizationID
	if defaultOrg == "" {
		defaultOrg = defaultOrganizationID
	}
	c.org = &organization{id: defaultOrg, quota: c.defaultQuota}
	c.orgs = map[string]*organization{defaultOrg: c.org}
	for _, o := range s.Confluent.Organizations {
		org := c.orgs[o.ID]
		if org == nil {
			org = &organization{id: o.ID}
			c.orgs[o.ID] = org
		}
		org.quota = orDefaultQuota(o.EnvironmentQuota, c.defaultQuota)
		c.listedOrgs = append(c.listedOrgs, org)
	}
	c.defaultLimit = s.Confluent.RateLimit
	if c.defaultLimit == (RateLimit{}) {
		c.defaultLimit = RateLimit{Limit: defaultRateLimit, WindowSeconds: defaultRateWindow}
	}
	c.keys, c.tokens = map[string]*principal{}, map[string]*principal{}
	for _, k := range s.Confluent.APIKeys {
		p := &principal{id: k.Key, secret: k.Secret, perms: set(k.Permissions), limit: orDefault(k.RateLimit, c.defaultLimit), org: c.orgOf(k.Organization)}
		c.keys[k.Key] = p
		c.keyOrder = append(c.keyOrder, p)
	}
	for _, t := range s.Confluent.STSTokens {
		p := &principal{id: t.Name, secret: t.Token, isToken: true, perms: set(t.Permissions), limit: orDefault(t.RateLimit, c.defaultLimit), org: c.orgOf(t.Organization)}
		c.tokens[t.Token] = p
		c.tokenOrder = append(c.tokenOrder, p)
	}
	c.envs = make(map[string]int, len(s.Confluent.Environments))
	c.startIDs = make(map[string]bool, len(s.Confluent.Environments))
	for _, e := range s.Confluent.Environments {
		c.startIDs[e.ID] = true
		c.addEnv(e, c.orgOf(e.Organization))
		if e.DeletedAt != nil {
			c.pending.push(e.ID, *e.DeletedAt)
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

// orgOf returns the organization named id ("" or unknown: the default one; a valid state names
// only known ones).
func (c *confluentWorld) orgOf(id string) *organization {
	if o := c.orgs[id]; o != nil {
		return o
	}
	return c.org
}

// env returns the live environment with id, or nil.
func (c *confluentWorld) env(id string) *envEntry {
	i, ok := c.envs[id]
	if !ok {
		return nil
	}
	return c.envList[i]
}

// addEnv adds an environment of org (its Organization field is set to match).
func (c *confluentWorld) addEnv(e Environment, org *organization) {
	e.Organization = ""
	if org != c.org {
		e.Organization = org.id
	}
	c.envs[e.ID] = len(c.envList)
	c.envList = append(c.envList, &envEntry{env: e, org: org})
	org.held++
}

// replaceEnv publishes a changed copy of a live environment in its place.
func (c *confluentWorld) replaceEnv(e *envEntry) {
	if i, ok := c.envs[e.env.ID]; ok {
		c.ownEnvList()
		c.envList[i] = e
	}
}

// ownEnvList copies envList when a snapshot holds it, before a slot is changed.
func (c *confluentWorld) ownEnvList() {
	if c.envShared {
		c.envList = append(make([]*envEntry, 0, cap(c.envList)), c.envList...)
		c.envShared = false
	}
}

// removeEnv deletes an environment and, recursively, its Kafka clusters and their connectors.
func (c *confluentWorld) removeEnv(id string) {
	i, ok := c.envs[id]
	if !ok {
		return
	}
	c.envList[i].org.held--
	c.ownEnvList()
	c.envList[i] = nil
	c.holes++
	delete(c.envs, id)
	if c.holes > 64 && c.holes > len(c.envList)/2 {
		c.compact()
	}
	if len(c.clusters) == 0 {
		return
	}
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
	if len(gone) == 0 {
		return
	}
	conns := c.conns[:0]
	for _, k := range c.conns {
		if !gone[k.KafkaCluster] {
			conns = append(conns, k)
		}
	}
	c.conns = conns
}

// compact drops the holes of envList into a new slice (amortised: at most once per as many
// removals as there are environments left).
func (c *confluentWorld) compact() {
	list := make([]*envEntry, 0, len(c.envs)+len(c.envs)/4+8)
	for _, e := range c.envList {
		if e != nil {
			c.envs[e.env.ID] = len(list)
			list = append(list, e)
		}
	}
	c.envList, c.holes, c.envShared = list, 0, false
}

// settle completes every timed deletion due by now.
func (c *confluentWorld) settle(now time.Time) {
	for {
		id, at, ok := c.pending.peek()
		if !ok || now.Before(at) {
			return
		}
		c.pending.pop()
		// The environment may have gone another way since (a reset builds a new world, so only
		// a removal can have happened): removeEnv ignores an unknown ID.
		if e := c.env(id); e != nil && e.env.DeletedAt != nil && e.env.DeletedAt.Equal(at) {
			c.removeEnv(id)
		}
	}
}

// frozen is a snapshot as taken under the lock: every part of the state that is small (bounded by
// the starting state) already copied, and the environments as the list of their immutable
// entries. state builds the State from it without the lock.
type frozen struct {
	s    *State
	envs []*envEntry
}

// freeze copies the world for a snapshot; the caller holds the lock. Rate-limit `used` values
// are those of each credential's current window at now. Secrets are included unless redact.
func (w *world) freeze(now time.Time, redact bool) frozen {
	s := &State{}
	c, cs := &w.confluent, &s.Confluent
	secret := func(v string) string {
		if redact {
			return redacted
		}
		return v
	}
	orgName := func(o *organization) string {
		if o == c.org {
			return ""
		}
		return o.id
	}
	cs.OrganizationID = c.org.id
	quota := c.defaultQuota
	cs.EnvironmentQuota = &quota
	for _, o := range c.listedOrgs {
		q := o.quota
		cs.Organizations = append(cs.Organizations, Organization{ID: o.id, EnvironmentQuota: &q})
	}
	cs.RateLimit = c.defaultLimit
	cs.APIKeys = make([]APIKey, 0, len(c.keyOrder))
	for _, p := range c.keyOrder {
		cs.APIKeys = append(cs.APIKeys, APIKey{Key: p.id, Secret: secret(p.secret), Permissions: sortedKeys(p.perms), RateLimit: p.current(now), Organization: orgName(p.org)})
	}
	cs.STSTokens = make([]STSToken, 0, len(c.tokenOrder))
	for _, p := range c.tokenOrder {
		cs.STSTokens = append(cs.STSTokens, STSToken{Name: p.id, Token: secret(p.secret), Permissions: sortedKeys(p.perms), RateLimit: p.current(now), Organization: orgName(p.org)})
	}
	cs.KafkaClusters = append([]KafkaCluster{}, c.clusters...)
	cs.Connectors = append([]Connector{}, c.conns...)

	a, as := &w.apinizer, &s.Apinizer
	as.Environments = append([]string{}, a.envOrder...)
	as.Tokens = make([]ApinizerToken, 0, len(a.order))
	for _, t := range a.order {
		tok := t.t
		tok.Token = secret(tok.Token)
		tok.Environments = cloneSlice(tok.Environments)
		projects := make(map[string][]string, len(tok.Projects))
		for k, v := range tok.Projects {
			projects[k] = cloneSlice(v)
		}
		tok.Projects = projects
		as.Tokens = append(as.Tokens, tok)
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
	// The one part that grows with the state is not copied: the snapshot shares envList (see
	// ownEnvList), up to its current length.
	c.envShared = true
	return frozen{s: s, envs: c.envList[:len(c.envList):len(c.envList)]}
}

// state completes the snapshot without the lock: the environments in creation order. With deep,
// no pointer is shared with the live state (for Snapshot's caller, who may change what it gets);
// without, the environments' optional fields are shared, read-only (for serialising).
func (f frozen) state(deep bool) *State {
	envs := make([]Environment, 0, len(f.envs))
	for _, e := range f.envs {
		if e == nil {
			continue
		}
		env := e.env
		if deep {
			env.StreamGovernanceConfig = clonePtr(env.StreamGovernanceConfig)
			env.DeletedAt = clonePtr(env.DeletedAt)
		}
		envs = append(envs, env)
	}
	f.s.Confluent.Environments = envs
	return f.s
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
