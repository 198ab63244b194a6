package apinizer

import (
	"strconv"
	"strings"
	"testing"
)

// These tests moved here from package mock (history_test.go, quota_test.go) with the code they
// test.

func TestHistoryRetention(t *testing.T) {
	// Records are written as "<description><p if persistent>"; want is the history after all.
	tests := []struct {
		name  string
		limit int
		add   []string
		want  string
	}{
		{"under the limit", 3, []string{"a", "b"}, "a b"},
		{"oldest dropped first", 3, []string{"a", "b", "c", "d", "e"}, "c d e"},
		{"persistent kept", 3, []string{"ap", "b", "c", "d"}, "ap c d"},
		{"oldest non-persistent dropped", 3, []string{"a", "bp", "c", "dp", "e"}, "bp dp e"},
		{"all persistent exceed the limit", 2, []string{"ap", "bp", "cp"}, "ap bp cp"},
		{"new record dropped when all older are persistent", 2, []string{"ap", "bp", "c"}, "ap bp"},
		{"limit one", 1, []string{"a", "b", "c"}, "c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &proxy{}
			for _, d := range tt.add {
				p.record(HistoryRecord{Description: d, Persistent: strings.HasSuffix(d, "p")}, tt.limit)
			}
			var got []string
			for _, h := range p.history {
				got = append(got, h.Description)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("history %v, want %s", got, tt.want)
			}
		})
	}
}

// TestHistoryBound: persistent history stops at MaxHistoryRecords (from package mock's
// TestBounds).
func TestHistoryBound(t *testing.T) {
	p := &proxy{}
	for i := range MaxHistoryRecords + 500 {
		p.record(HistoryRecord{Description: strconv.Itoa(i), Persistent: true}, 10)
	}
	if len(p.history) != MaxHistoryRecords || p.history[0].Description != "500" {
		t.Errorf("persistent history: %d records from %q, want %d from \"500\"", len(p.history), p.history[0].Description, MaxHistoryRecords)
	}
	p = &proxy{}
	for i := range 3000 {
		p.record(HistoryRecord{Description: strconv.Itoa(i), Persistent: i%2 == 0}, 2000)
	}
	if len(p.history) != 2000 {
		t.Errorf("a history limit above MaxHistoryRecords keeps %d records, want 2000", len(p.history))
	}
}
