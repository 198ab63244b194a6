package core

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a state, at a path of YAML keys (string) and sequence indices
// (int) from the document root.
type Problem struct {
	Path []any
	Msg  string
}

// PathString renders a problem path as confluent.api_keys[0].secret.
func PathString(path []any) string {
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

// Validator collects the problems of one state, in the order found.
type Validator struct {
	Problems []Problem
}

// Add records a problem at path.
func (v *Validator) Add(msg string, path ...any) {
	v.Problems = append(v.Problems, Problem{Path: append([]any(nil), path...), Msg: msg})
}

// NonEmpty checks that s holds more than white space.
func (v *Validator) NonEmpty(s, what string, path ...any) bool {
	if strings.TrimSpace(s) == "" {
		v.Add(what+" must not be empty", path...)
		return false
	}
	return true
}

// Unique checks that s was not seen before (an empty s is not checked).
func (v *Validator) Unique(seen map[string]bool, s, what string, path ...any) {
	if s == "" {
		return
	}
	if seen[s] {
		v.Add(fmt.Sprintf("%s %q is used twice", what, s), path...)
	}
	seen[s] = true
}

// Perms checks that every permission is known.
func (v *Validator) Perms(perms []string, known map[string]bool, path ...any) {
	for i, p := range perms {
		if !known[p] {
			v.Add(fmt.Sprintf("unknown permission %q (known: %s)", p, strings.Join(SortedKeys(known), ", ")), append(path, i)...)
		}
	}
}

// Tokens are the names and secrets of the bearer tokens of one list seen so far.
type Tokens struct{ names, tokens map[string]bool }

// NewTokens returns an empty Tokens.
func NewTokens() *Tokens { return &Tokens{names: map[string]bool{}, tokens: map[string]bool{}} }

// Token checks a bearer token of a list (an STS token, an Apinizer access token): its name,
// which shows where the token must not, and the token itself are set and unique in the list.
// path is the token's; the problems are at its name and token fields.
func (v *Validator) Token(seen *Tokens, name, token string, path ...any) {
	v.NonEmpty(name, "name", append(path, "name")...)
	v.Unique(seen.names, name, "name", append(path, "name")...)
	v.NonEmpty(token, "token", append(path, "token")...)
	v.Unique(seen.tokens, token, "token", append(path, "token")...)
}
