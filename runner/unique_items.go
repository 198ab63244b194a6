package runner

import (
	"bytes"
	"encoding/json"
	"math"
	"sync"
	"unicode/utf8"
)

// kin-openapi checks `uniqueItems` with one package-global function, for every schema it
// validates: response bodies (body-schema), request bodies and parameters (the request checks)
// and header values (header-schema). This file holds the one apiconform installs.

// registerUniqueItemsChecker installs uniqueJSONItems as kin-openapi's uniqueItems checker, once
// per process (NewAPI does it; the checker is package-global in kin-openapi).
var registerUniqueItemsChecker sync.Once

// uniqueJSONItems reports whether the items of a decoded JSON array are unique. It answers as
// kin-openapi's default checker does, which marshals every item to JSON and compares the texts,
// without marshalling: an array of one item (the usual error list) costs nothing, and small arrays
// are compared pair by pair. Large arrays, and values that are not plain decoded JSON, are
// compared by their JSON text as the default does.
func uniqueJSONItems(items []any) bool {
	if len(items) < 2 {
		return true
	}
	if len(items) > maxPairwiseUnique {
		return uniqueByJSONText(items)
	}
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			if sameJSON(items[i], items[j]) {
				return false
			}
		}
	}
	return true
}

// maxPairwiseUnique is the longest array uniqueJSONItems compares pair by pair.
const maxPairwiseUnique = 16

func uniqueByJSONText(items []any) bool {
	seen := make(map[string]struct{}, len(items))
	for _, x := range items {
		key, _ := json.Marshal(&x)
		seen[string(key)] = struct{}{}
	}
	return len(seen) == len(items)
}

// sameJSON reports whether a and b marshal to the same JSON text. Values of the types
// encoding/json decodes into are compared directly; anything whose text could coincide in ways a
// direct comparison misses (invalid UTF-8, which marshals as U+FFFD; NaN and infinities, which do
// not marshal; nil maps and slices, which marshal as null; other types) is compared by its text.
func sameJSON(a, b any) bool {
	ka, kb := jsonKindOf(a), jsonKindOf(b)
	if ka == kindOther || kb == kindOther {
		return sameJSONText(a, b)
	}
	if ka != kb {
		return false // null, true/false, "...", a number, {...} and [...] never share a text
	}
	switch x := a.(type) {
	case nil:
		return true
	case bool:
		return x == b.(bool)
	case string:
		return x == b.(string)
	case json.Number:
		if y, ok := b.(json.Number); ok && x == y {
			return true
		}
	case float64:
		if y, ok := b.(float64); ok {
			return x == y && math.Signbit(x) == math.Signbit(y) // 0 and -0 marshal differently
		}
	case map[string]any:
		y := b.(map[string]any)
		if len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, found := y[k]
			if !found || !sameJSON(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y := b.([]any)
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return sameJSONText(a, b)
}

type jsonValueKind int

const (
	kindOther jsonValueKind = iota
	kindNull
	kindBool
	kindString
	kindNumber
	kindObject
	kindArray
)

// jsonKindOf classifies a value whose JSON text sameJSON can reason about, or kindOther.
func jsonKindOf(v any) jsonValueKind {
	switch x := v.(type) {
	case nil:
		return kindNull
	case bool:
		return kindBool
	case string:
		if utf8.ValidString(x) {
			return kindString
		}
	case json.Number:
		if x != "" {
			return kindNumber
		}
	case float64:
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return kindNumber
		}
	case map[string]any:
		if x == nil {
			return kindOther
		}
		for k := range x {
			if !utf8.ValidString(k) {
				return kindOther
			}
		}
		return kindObject
	case []any:
		if x != nil {
			return kindArray
		}
	}
	return kindOther
}

func sameJSONText(a, b any) bool {
	x, _ := json.Marshal(&a)
	y, _ := json.Marshal(&b)
	return bytes.Equal(x, y)
}
