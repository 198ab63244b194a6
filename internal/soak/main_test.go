package main

import (
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/mock"
)

// The soak's state file is the demo state with the two limits raised, and the mock takes it.
func TestRaiseLimits(t *testing.T) {
	raw, _, err := fixtures.Read("mock-state.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := raiseLimits(raw, soakRateLimit, soakQuota)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"limit: 1000000000", "environment_quota: 100000", "ratelimited-key", "limit: 10,", "env-demo1"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the raised state lacks %q:\n%s", want, out)
		}
	}
	if _, err := mock.LoadState(out, "soak-state.yaml"); err != nil {
		t.Fatalf("the mock refuses the raised state: %v", err)
	}
	if strings.Count(string(out), "environment_quota: 100000") != 1 {
		t.Error("another organization's quota was raised too")
	}
	if _, err := raiseLimits([]byte("apinizer: {}\n"), 1, 1); err == nil {
		t.Error("a state without a confluent section was taken")
	}
}

func TestParseVM(t *testing.T) {
	v, err := parseVM([]byte("Name:\tapiconform\nVmPeak:\t 1000 kB\nVmHWM:\t   30720 kB\nVmRSS:\t   20480 kB\nThreads:\t7\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v.rssMiB() != 20 || v.hwmMiB() != 30 {
		t.Errorf("got %+v", v)
	}
	if _, err := parseVM([]byte("VmRSS:\t1 kB\n")); err == nil {
		t.Error("a status without VmHWM was taken")
	}
	if _, err := parseVM([]byte("VmRSS:\t1 MB\nVmHWM:\t1 kB\n")); err == nil {
		t.Error("a unit other than kB was taken")
	}
}

func TestLatencyQuantiles(t *testing.T) {
	var l latencies
	for i := 1; i <= 1000; i++ {
		l.add(time.Duration(i) * time.Microsecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {1, 1000 * time.Microsecond}} {
		got := l.quantile(c.q)
		if got < c.want || float64(got) > float64(c.want)*1.07 {
			t.Errorf("quantile %v = %v, want %v to 7%% above", c.q, got, c.want)
		}
	}
	if l.max != time.Millisecond {
		t.Errorf("max %v", l.max)
	}
	var empty latencies
	if empty.quantile(0.5) != 0 {
		t.Error("an empty histogram has a median")
	}
}

// Every kind of request of the mix names the statuses it may answer, and the mix adds up to a
// thousand.
func TestMix(t *testing.T) {
	total := 0
	for _, k := range kinds {
		total += k.weight
		if len(k.expect) == 0 || k.weight <= 0 {
			t.Errorf("%s: weight %d, expects %v", k.name, k.weight, k.expect)
		}
	}
	if total != 1000 {
		t.Errorf("the weights add up to %d", total)
	}
}

func TestFormatCounts(t *testing.T) {
	m := map[int]int{429: 3, 200: 12, 500: 1}
	for _, tc := range []struct {
		name   string
		expect []int
		want   string
	}{
		{"no expectation marks nothing", nil, "200: 12, 429: 3, 500: 1"},
		{"codes not expected are marked", []int{200, 429}, "200: 12, 429: 3, !500: 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := formatCounts(m, tc.expect); got != tc.want {
				t.Errorf("formatCounts = %q, want %q", got, tc.want)
			}
		})
	}
}
