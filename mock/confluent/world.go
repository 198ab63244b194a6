package confluent

import (
	"iter"
	"time"

	"github.com/apiconform/apiconform/mock/internal/core"
)

// world is the live Confluent state: a State indexed for the handlers. Every access holds the
// store's lock.
type world struct {
	// org is the organization of the credentials and environments that name none.
	org *organization
	// orgs holds every organization by ID; listedOrgs those the state lists, for snapshots.
	orgs       map[string]*organization
	listedOrgs []*organization
	// defaultQuota is the environment quota of an organization that sets none.
	defaultQuota int
	defaultLimit RateLimit
	// keys and tokens hold every credential by what the request presents (API key ID, token),
	// in the state file's order.
	keys, tokens core.Ordered[principal]
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
	// one (created IDs never repeat by construction: see idSequence).
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
	window  core.Limiter
	org     *organization
}

// envEntry is one environment of the live state. It is immutable once published in envList.
type envEntry struct {
	env Environment
	org *organization
}

// newWorld indexes a valid state (see Validate). s is not kept: the world holds copies.
func newWorld(start *State) *world {
	s := start.Clone()
	c := &world{}
	c.defaultQuota = orDefault(s.EnvironmentQuota, DefaultEnvironmentQuota)
	defaultOrg := s.OrganizationID
	if defaultOrg == "" {
		defaultOrg = defaultOrganizationID
	}
	c.org = &organization{id: defaultOrg, quota: c.defaultQuota}
	c.orgs = map[string]*organization{defaultOrg: c.org}
	for _, o := range s.Organizations {
		org := c.orgs[o.ID]
		if org == nil {
			org = &organization{id: o.ID}
			c.orgs[o.ID] = org
		}
		org.quota = orDefault(o.EnvironmentQuota, c.defaultQuota)
		c.listedOrgs = append(c.listedOrgs, org)
	}
	c.defaultLimit = s.RateLimit
	if c.defaultLimit == (RateLimit{}) {
		c.defaultLimit = RateLimit{Limit: defaultRateLimit, WindowSeconds: defaultRateWindow}
	}
	for _, k := range s.APIKeys {
		c.keys.Add(k.Key, c.principal(k.Key, k.Secret, false, k.Permissions, k.RateLimit, k.Organization))
	}
	for _, t := range s.STSTokens {
		c.tokens.Add(t.Token, c.principal(t.Name, t.Token, true, t.Permissions, t.RateLimit, t.Organization))
	}
	c.envs = make(map[string]int, len(s.Environments))
	c.startIDs = make(map[string]bool, len(s.Environments))
	for _, e := range s.Environments {
		c.startIDs[e.ID] = true
		c.addEnv(e, c.orgOf(e.Organization))
		if e.DeletedAt != nil {
			c.pending.push(e.ID, *e.DeletedAt)
		}
	}
	c.clusters = s.KafkaClusters
	c.conns = s.Connectors
	return c
}

// principal builds the live credential of an API key or an STS token.
func (c *world) principal(id, secret string, isToken bool, perms []string, limit *RateLimit, org string) *principal {
	l := c.defaultLimit
	if limit != nil {
		l = *limit
	}
	return &principal{id: id, secret: secret, isToken: isToken, perms: core.Set(perms), limit: l, org: c.orgOf(org),
		window: core.Limiter{Limit: l.Limit, Used: l.Used, Window: time.Duration(l.WindowSeconds) * time.Second}}
}

// current returns the credential's rate limit with Used set to the count of its window at now.
func (p *principal) current(now time.Time) *RateLimit {
	r := p.limit
	r.Used = p.window.Count(now)
	return &r
}

// orgOf returns the organization named id ("" or unknown: the default one; a valid state names
// only known ones).
func (c *world) orgOf(id string) *organization {
	if o := c.orgs[id]; o != nil {
		return o
	}
	return c.org
}

// env returns the live environment with id, or nil.
func (c *world) env(id string) *envEntry {
	i, ok := c.envs[id]
	if !ok {
		return nil
	}
	return c.envList[i]
}

// addEnv adds an environment of org (its Organization field is set to match).
func (c *world) addEnv(e Environment, org *organization) {
	e.Organization = ""
	if org != c.org {
		e.Organization = org.id
	}
	c.envs[e.ID] = len(c.envList)
	c.envList = append(c.envList, &envEntry{env: e, org: org})
	org.held++
}

// replaceEnv publishes a changed copy of a live environment in its place.
func (c *world) replaceEnv(e *envEntry) {
	if i, ok := c.envs[e.env.ID]; ok {
		c.ownEnvList()
		c.envList[i] = e
	}
}

// ownEnvList copies envList when a snapshot holds it, before a slot is changed.
func (c *world) ownEnvList() {
	if c.envShared {
		c.envList = append(make([]*envEntry, 0, cap(c.envList)), c.envList...)
		c.envShared = false
	}
}

// removeEnv deletes an environment and, recursively, its Kafka clusters and their connectors.
func (c *world) removeEnv(id string) {
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
func (c *world) compact() {
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
func (c *world) settle(now time.Time) {
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

// Frozen is the Confluent part of a snapshot as taken under the lock: State holds everything but
// the environments, copied (it is small: bounded by the starting state); Environments holds them
// as the list of their immutable entries.
type Frozen struct {
	State        State
	Environments Environments
}

// Environments are the environments of a snapshot, read without the lock.
type Environments struct{ list []*envEntry }

// All yields the environments in creation order. They are shared with the live state: read
// only.
func (e Environments) All() iter.Seq[*Environment] {
	return func(yield func(*Environment) bool) {
		for _, entry := range e.list {
			if entry != nil && !yield(&entry.env) {
				return
			}
		}
	}
}

// List returns the environments in creation order. With deep, no pointer is shared with the live
// state (for a caller who may change what it gets); without, the optional fields are shared,
// read-only.
func (e Environments) List(deep bool) []Environment {
	envs := make([]Environment, 0, len(e.list))
	for env := range e.All() {
		if deep {
			envs = append(envs, env.clone())
		} else {
			envs = append(envs, *env)
		}
	}
	return envs
}

// freeze copies the world for a snapshot; the caller holds the lock. Rate-limit `used` values
// are those of each credential's current window at now. Secrets are included unless redact.
func (c *world) freeze(now time.Time, redact bool) Frozen {
	var cs State
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
	cs.APIKeys = make([]APIKey, 0, len(c.keys.Order))
	for _, p := range c.keys.Order {
		cs.APIKeys = append(cs.APIKeys, APIKey{Key: p.id, Secret: core.Secret(p.secret, redact), Permissions: core.SortedKeys(p.perms), RateLimit: p.current(now), Organization: orgName(p.org)})
	}
	cs.STSTokens = make([]STSToken, 0, len(c.tokens.Order))
	for _, p := range c.tokens.Order {
		cs.STSTokens = append(cs.STSTokens, STSToken{Name: p.id, Token: core.Secret(p.secret, redact), Permissions: core.SortedKeys(p.perms), RateLimit: p.current(now), Organization: orgName(p.org)})
	}
	cs.KafkaClusters = append([]KafkaCluster{}, c.clusters...)
	cs.Connectors = append([]Connector{}, c.conns...)
	// The one part that grows with the state is not copied: the snapshot shares envList (see
	// ownEnvList), up to its current length.
	c.envShared = true
	return Frozen{State: cs, Environments: Environments{c.envList[:len(c.envList):len(c.envList)]}}
}

func orDefault[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
