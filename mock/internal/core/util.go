package core

import (
	"encoding/json"
	"sort"
)

// Redacted replaces secrets in what the mock shows.
const Redacted = "[REDACTED]"

// Secret returns s, or Redacted when redact.
func Secret(s string, redact bool) string {
	if redact {
		return Redacted
	}
	return s
}

// Set returns the set of items.
func Set(items []string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, it := range items {
		m[it] = true
	}
	return m
}

// SortedKeys returns the keys of m, sorted.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CloneSlice returns a copy of s (nil for nil).
func CloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// ClonePtr returns a pointer to a copy of *p (nil for nil).
func ClonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Ordered is a map that keeps the order its values were added in (a state's order, for
// snapshots).
type Ordered[T any] struct {
	byKey map[string]*T
	Order []*T
}

// Add adds v under key.
func (o *Ordered[T]) Add(key string, v *T) {
	if o.byKey == nil {
		o.byKey = map[string]*T{}
	}
	o.byKey[key] = v
	o.Order = append(o.Order, v)
}

// Get returns the value under key, or nil.
func (o *Ordered[T]) Get(key string) *T { return o.byKey[key] }

// MustJSON encodes v, which is always encodable (plain structs of strings, numbers, booleans).
func MustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(`{}`)
	}
	return b
}

// SortedKeys returns the keys, sorted.
func (o *Ordered[T]) SortedKeys() []string { return SortedKeys(o.byKey) }
