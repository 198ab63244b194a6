package drift

import (
	"fmt"
	"strings"

	"github.com/oasdiff/oasdiff/checker"
)

// Level is how much a change matters to a client of the API.
type Level string

// The levels, from oasdiff's ERR, WARN and INFO.
const (
	Breaking Level = "breaking" // breaks existing clients (oasdiff ERR)
	Warning  Level = "warning"  // may break clients, depending on how they use the API (oasdiff WARN)
	Info     Level = "info"     // does not break clients (oasdiff INFO)
)

// rank orders levels: higher matters more. An unknown level ranks 0.
func (l Level) rank() int {
	switch l {
	case Breaking:
		return 3
	case Warning:
		return 2
	case Info:
		return 1
	}
	return 0
}

// AtLeast reports whether l is as severe as min or more.
func (l Level) AtLeast(min Level) bool { return l.rank() >= min.rank() && l.rank() > 0 }

// levelOf maps an oasdiff level to ours.
func levelOf(l checker.Level) Level {
	switch l {
	case checker.ERR:
		return Breaking
	case checker.WARN:
		return Warning
	default:
		return Info
	}
}

// ParseLevel reads a level as users write it: oasdiff's names (ERR, WARN, INFO) or ours
// (breaking, warning, info), in any case. "error" is taken for ERR too.
func ParseLevel(s string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "err", "error", "breaking":
		return Breaking, nil
	case "warn", "warning":
		return Warning, nil
	case "info":
		return Info, nil
	}
	return "", fmt.Errorf("unknown level %q: want ERR (or breaking), WARN (or warning) or INFO (or info)", s)
}
