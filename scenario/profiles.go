package scenario

import (
	"sort"

	"github.com/apiconform/apiconform/runner"
)

// ResolveProfiles turns the file's credential profiles into credentials: each value is taken
// from its environment variable when getenv gives one, else its demo value. It also returns
// every resolved secret value, for redaction.
func ResolveProfiles(f *File, getenv func(string) string) (map[string]*runner.Credential, []string) {
	out := map[string]*runner.Credential{}
	var secrets []string
	pick := func(v Value) string {
		if v.Env != "" {
			if s := getenv(v.Env); s != "" {
				return s
			}
		}
		return v.Demo
	}
	for name, p := range f.Credentials {
		c := &runner.Credential{Scheme: p.Scheme, Username: pick(p.Username), Password: pick(p.Password), Token: pick(p.Token)}
		out[name] = c
		secrets = append(secrets, c.Secrets()...)
	}
	return out, secrets
}

// EnvVariables returns the environment variables the file's profiles read, sorted.
func EnvVariables(f *File) []string {
	seen := map[string]bool{}
	for _, p := range f.Credentials {
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
