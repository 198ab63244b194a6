package runner

import "testing"

func TestCheckRequestIDUnique(t *testing.T) {
	api := testAPI(t, "confluent")
	op := api.Operation("deleteOrgV2Environment")
	chk, _ := Lookup("request-id-unique")
	checker := NewChecker([]Check{chk}, CheckOptions{}, nil)
	steps := []struct {
		id   string
		want int
	}{
		{"req-a", 0}, {"req-b", 0}, {"", 0}, {"", 0}, {"req-a", 1},
	}
	for i, s := range steps {
		ex := exchange(t, op, canned{status: 204, header: confluentHeaders("X-Request-Id", s.id)})
		got := checker.Check(op, ex, nil)
		if len(got) != s.want {
			t.Errorf("step %d (id %q): %d violations, want %d: %v", i, s.id, len(got), s.want, got)
		}
		if s.want > 0 {
			compareGolden(t, "testdata/golden/request-id-unique.golden", render(got))
		}
	}
	// A new run starts with no memory.
	fresh := NewChecker([]Check{chk}, CheckOptions{}, nil)
	if got := fresh.Check(op, exchange(t, op, canned{status: 204, header: confluentHeaders("X-Request-Id", "req-a")}), nil); len(got) != 0 {
		t.Errorf("a new checker remembered an earlier run: %v", got)
	}
}
