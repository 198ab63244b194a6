package runner

import (
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestRunStateIsBounded: a RunState remembers the last MaxRememberedRequestIDs request IDs and no
// more, however many a run sees, and a long path is kept cut.
func TestRunStateIsBounded(t *testing.T) {
	s := NewRunState()
	ref := requestRef{"GET", "/x"}
	for i := 0; i < MaxRememberedRequestIDs+10; i++ {
		if _, dup := s.rememberRequestID("id-"+strconv.Itoa(i), ref); dup {
			t.Fatalf("id-%d reported as a repeat", i)
		}
	}
	if len(s.ring) != MaxRememberedRequestIDs || len(s.index) != MaxRememberedRequestIDs {
		t.Fatalf("remembers %d IDs in %d slots, want %d", len(s.index), len(s.ring), MaxRememberedRequestIDs)
	}
	last := "id-" + strconv.Itoa(MaxRememberedRequestIDs+9)
	if first, dup := s.rememberRequestID(last, requestRef{"GET", "/y"}); !dup || first != ref {
		t.Errorf("a recent ID: repeat %v, first seen for %v", dup, first)
	}
	if _, dup := s.rememberRequestID("id-0", ref); dup {
		t.Error("the oldest ID is still remembered past the bound")
	}

	line := "DELETE /org/v2/environments/env-1?q=" + strings.Repeat("q", 16<<10) // one request line
	s.rememberRequestID("sliced", requestRef{line[:6], line[7:34]})
	kept, _ := s.rememberRequestID("sliced", ref)
	if unsafe.StringData(kept.method) == unsafe.StringData(line) || unsafe.StringData(kept.path) == unsafe.StringData(line[7:]) {
		t.Error("the remembered request shares the caller's string (and keeps the whole request line alive)")
	}

	long := requestRef{"GET", "/" + strings.Repeat("a", 10000)}
	s.rememberRequestID("long", long)
	first, dup := s.rememberRequestID("long", ref)
	if !dup || len(first.path) != maxRememberedPath+len("...") || !strings.HasSuffix(first.path, "...") {
		t.Errorf("a long path kept as %d bytes", len(first.path))
	}
}
