package scenario

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apiconform/apiconform/runner"
)

// Credentials are a file's credential profiles resolved for one target (see ResolveProfiles).
type Credentials struct {
	// Profiles holds every profile that could be resolved, by name.
	Profiles map[string]*runner.Credential
	// Unresolved says, for each profile that could not be, why and what to set.
	Unresolved map[string]string
	// Secrets are every resolved value, for redaction.
	Secrets []string
}

// ResolveProfiles resolves the file's credential profiles. Each value comes from its environment
// variable when getenv gives one; an {invalid: VALUE} value is used as it is, everywhere; a demo
// value is used only when demo is true (the target is apiconform's own mock). A profile with a
// value that cannot be resolved is listed in Unresolved with the reason, naming the variables to
// set. A profile whose environment variables are only partly set (a key without its secret) is
// an error: sending half a credential fails for a reason that is not the server's.
func ResolveProfiles(f *File, getenv func(string) string, demo bool) (*Credentials, error) {
	out := &Credentials{Profiles: map[string]*runner.Credential{}, Unresolved: map[string]string{}}
	var halfSet []string
	for _, name := range profileNamesSorted(f) {
		p := f.Credentials[name]
		if p == nil {
			continue
		}
		var set, unset, demoOnly []string
		pick := func(v Value) string {
			switch {
			case v.Invalid != "":
				return v.Invalid
			case v.Env != "":
				if s := getenv(v.Env); s != "" {
					set = append(set, v.Env)
					return s
				}
				unset = append(unset, v.Env)
			case v.Demo != "":
				demoOnly = append(demoOnly, v.Demo)
			}
			if demo {
				return v.Demo
			}
			return ""
		}
		c := &runner.Credential{Scheme: p.Scheme, Username: pick(p.Username), Password: pick(p.Password), Token: pick(p.Token)}
		switch {
		case len(set) > 0 && len(unset) > 0:
			halfSet = append(halfSet, fmt.Sprintf("credentials profile %q: %s set but %s not: set both, or neither",
				name, joinAnd(set), joinAnd(unset)))
			continue
		case !demo && len(unset) > 0:
			out.Unresolved[name] = fmt.Sprintf("needs credentials: set %s (profile %s)", joinAnd(unset), name)
			continue
		case !demo && len(demoOnly) > 0:
			out.Unresolved[name] = fmt.Sprintf("uses the demo credentials of apiconform's mock (profile %s), sent to no other target", name)
			continue
		}
		out.Profiles[name] = c
		out.Secrets = append(out.Secrets, c.Secrets()...)
	}
	if len(halfSet) > 0 {
		return nil, fmt.Errorf("%s: %s", f.Path, strings.Join(halfSet, "; "))
	}
	return out, nil
}

// UnresolvedFor returns why the scenario cannot run with these credentials (the first step whose
// profile is unresolved), or "".
func (c *Credentials) UnresolvedFor(sc *Scenario) string {
	for _, st := range sc.Steps {
		if why, ok := c.Unresolved[st.Credentials]; ok {
			return why
		}
	}
	return ""
}

func joinAnd(names []string) string {
	names = dedupe(names)
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func dedupe(names []string) []string {
	seen := map[string]bool{}
	out := names[:0:0]
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func profileNamesSorted(f *File) []string {
	out := make([]string, 0, len(f.Credentials))
	for n := range f.Credentials {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// EnvVariables returns the environment variables the file's profiles read, sorted.
func EnvVariables(f *File) []string {
	seen := map[string]bool{}
	for _, p := range f.Credentials {
		if p == nil {
			continue
		}
		for _, v := range []Value{p.Username, p.Password, p.Token} {
			if v.Env != "" {
				seen[v.Env] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortStrings(s []string) { sort.Strings(s) }
