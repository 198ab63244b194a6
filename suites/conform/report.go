package conform

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/apiconform/apiconform/runner"
)

// report runs once after the suite (on process 1 when parallel): it prints what was skipped
// and why, the API coverage, and the live drift summary, and writes the coverage and drift
// reports into the report folder.
func (s *suite) report(rep ginkgo.Report) {
	if !s.ready {
		return
	}
	records, skipped := collect(rep)
	out := os.Stdout
	if len(skipped) > 0 {
		fmt.Fprintf(out, "\napiconform %s: skipped %d destructive scenario(s):\n", s.api, len(skipped))
		for _, line := range skipped {
			fmt.Fprintf(out, "  - %s\n", line)
		}
	}
	if s.cfg.DryRun {
		return
	}
	cov := Coverage(s.apiDoc, records)
	fmt.Fprint(out, "\n"+cov.Text())
	drift := Summarize(s.api, records)
	fmt.Fprint(out, "\n"+drift.Text())
	if err := writeReports(s.cfg.ReportDir, s.api, cov, drift); err != nil {
		fmt.Fprintf(os.Stderr, "apiconform: cannot write reports: %v\n", err)
	}
}

// collect gathers the records of every spec, and the skip reasons of the destructive ones.
func collect(rep ginkgo.Report) ([]Record, []string) {
	var records []Record
	var skipped []string
	for _, sr := range rep.SpecReports {
		if sr.State == types.SpecStateSkipped && strings.Contains(sr.Failure.Message, skipPrefix) {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", sr.LeafNodeText, strings.TrimPrefix(sr.Failure.Message, skipPrefix+": ")))
		}
		for _, e := range sr.ReportEntries {
			if e.Name != recordEntry {
				continue
			}
			var r Record
			raw, err := json.Marshal(e.Value.GetRawValue())
			if err == nil && json.Unmarshal(raw, &r) == nil {
				records = append(records, r)
			}
		}
	}
	return records, skipped
}

// CoverageReport says, per operation, which documented statuses and headers were exercised.
type CoverageReport struct {
	API        string              `json:"api"`
	Operations []OperationCoverage `json:"operations"`
}

// OperationCoverage is the coverage of one operation.
type OperationCoverage struct {
	Operation string           `json:"operation"`
	Method    string           `json:"method"`
	Path      string           `json:"path"`
	Statuses  []StatusCoverage `json:"statuses"`
	// Undocumented lists statuses seen that the spec does not document.
	Undocumented []int `json:"undocumented,omitempty"`
}

// StatusCoverage is the coverage of one documented response.
type StatusCoverage struct {
	Status         string   `json:"status"`
	Exercised      int      `json:"exercised"`
	HeadersSeen    []string `json:"headers_seen,omitempty"`
	HeadersMissing []string `json:"headers_not_seen,omitempty"`
}

// Coverage computes API coverage from the records.
func Coverage(api *runner.API, records []Record) CoverageReport {
	type key struct{ op, status string }
	counts := map[key]int{}
	headers := map[key]map[string]bool{}
	undocumented := map[string]map[int]bool{}
	for _, r := range records {
		for _, ex := range r.Exchanges {
			op := api.Operation(ex.Operation)
			if op == nil || ex.Status == 0 {
				continue
			}
			doc := documentedKey(op, ex.Status)
			if doc == "" {
				if undocumented[op.ID] == nil {
					undocumented[op.ID] = map[int]bool{}
				}
				undocumented[op.ID][ex.Status] = true
				continue
			}
			k := key{op.ID, doc}
			counts[k]++
			if headers[k] == nil {
				headers[k] = map[string]bool{}
			}
			for _, h := range ex.Headers {
				headers[k][strings.ToLower(h)] = true
			}
		}
	}
	rep := CoverageReport{API: api.Name}
	for _, op := range api.Operations() {
		oc := OperationCoverage{Operation: op.ID, Method: op.Method, Path: op.Path}
		for _, st := range op.DocumentedStatuses() {
			k := key{op.ID, st}
			sc := StatusCoverage{Status: st, Exercised: counts[k]}
			for _, h := range op.DocumentedHeaders(st) {
				if headers[k][strings.ToLower(h)] {
					sc.HeadersSeen = append(sc.HeadersSeen, h)
				} else {
					sc.HeadersMissing = append(sc.HeadersMissing, h)
				}
			}
			oc.Statuses = append(oc.Statuses, sc)
		}
		for st := range undocumented[op.ID] {
			oc.Undocumented = append(oc.Undocumented, st)
		}
		sort.Ints(oc.Undocumented)
		rep.Operations = append(rep.Operations, oc)
	}
	return rep
}

// documentedKey returns the response key documenting status for op ("404", "4XX", "default").
func documentedKey(op *runner.Operation, status int) string {
	st := strconv.Itoa(status)
	keys := op.DocumentedStatuses()
	for _, want := range []string{st, st[:1] + "XX", "default"} {
		for _, k := range keys {
			if k == want {
				return k
			}
		}
	}
	return ""
}

// Text renders the coverage for the console.
func (c CoverageReport) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "API coverage (%s): documented statuses and headers exercised\n", c.API)
	for _, op := range c.Operations {
		done := 0
		for _, st := range op.Statuses {
			if st.Exercised > 0 {
				done++
			}
		}
		fmt.Fprintf(&b, "  %s %s %s: %d/%d statuses\n", op.Operation, op.Method, op.Path, done, len(op.Statuses))
		for _, st := range op.Statuses {
			mark := "ok  "
			if st.Exercised == 0 {
				mark = "NOT "
			}
			fmt.Fprintf(&b, "    %s %-7s x%-3d", mark, st.Status, st.Exercised)
			if len(st.HeadersSeen) > 0 {
				fmt.Fprintf(&b, " headers seen: %s", strings.Join(st.HeadersSeen, ", "))
			}
			if len(st.HeadersMissing) > 0 {
				fmt.Fprintf(&b, "; not seen: %s", strings.Join(st.HeadersMissing, ", "))
			}
			b.WriteString("\n")
		}
		if len(op.Undocumented) > 0 {
			fmt.Fprintf(&b, "    also answered undocumented: %v\n", op.Undocumented)
		}
	}
	return b.String()
}

// DriftSummary lists each live drift observation once, with a count and an example request.
type DriftSummary struct {
	API          string             `json:"api"`
	GeneratedAt  time.Time          `json:"generated_at"`
	Observations []DriftObservation `json:"observations"`
}

// DriftObservation is one way the server did something the pinned spec does not describe.
type DriftObservation struct {
	Check            string `json:"check"`
	Operation        string `json:"operation"`
	Status           int    `json:"status"`
	Where            string `json:"where,omitempty"`
	Actual           string `json:"actual,omitempty"`
	Message          string `json:"message"`
	Count            int    `json:"count"`
	ExampleRequestID string `json:"example_request_id,omitempty"`
	ExampleScenario  string `json:"example_scenario"`
}

// Summarize folds the drift warnings (check IDs drift-*) of the records into observations.
func Summarize(api string, records []Record) DriftSummary {
	byKey := map[string]*DriftObservation{}
	for _, r := range records {
		for _, v := range r.Violations {
			if !strings.HasPrefix(v.Check, "drift-") {
				continue
			}
			where := v.Pointer
			if v.Header != "" {
				where = "header " + v.Header
			}
			k := strings.Join([]string{v.Check, v.OperationID, strconv.Itoa(v.Status), where, v.Actual}, "\x00")
			o := byKey[k]
			if o == nil {
				o = &DriftObservation{Check: v.Check, Operation: v.OperationID, Status: v.Status, Where: where, Actual: v.Actual,
					Message: v.Message, ExampleRequestID: v.RequestID, ExampleScenario: r.Scenario}
				byKey[k] = o
			}
			o.Count++
		}
	}
	s := DriftSummary{API: api, GeneratedAt: time.Now().UTC().Truncate(time.Second)}
	for _, o := range byKey {
		s.Observations = append(s.Observations, *o)
	}
	sort.Slice(s.Observations, func(i, j int) bool {
		a, b := s.Observations[i], s.Observations[j]
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		if a.Operation != b.Operation {
			return a.Operation < b.Operation
		}
		if a.Status != b.Status {
			return a.Status < b.Status
		}
		return a.Where < b.Where
	})
	return s
}

// Text renders the drift summary for the console.
func (d DriftSummary) Text() string {
	if len(d.Observations) == 0 {
		return fmt.Sprintf("Live drift (%s): none: every response stayed within the pinned spec\n", d.API)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Live drift (%s): %d observation(s) the pinned spec does not describe (warnings; --strict fails on them)\n", d.API, len(d.Observations))
	for _, o := range d.Observations {
		fmt.Fprintf(&b, "  [%s] %s -> %d: %s (x%d", o.Check, o.Operation, o.Status, o.Message, o.Count)
		if o.ExampleRequestID != "" {
			fmt.Fprintf(&b, ", e.g. request %s", o.ExampleRequestID)
		}
		b.WriteString(")\n")
	}
	return b.String()
}

// Markdown renders the drift summaries of every API as Markdown for an issue or a PR comment.
func Markdown(w io.Writer, summaries []DriftSummary) {
	fmt.Fprintln(w, "# Live drift: what the server did that the pinned spec does not describe")
	for _, d := range summaries {
		fmt.Fprintf(w, "\n## %s (run %s)\n\n", d.API, d.GeneratedAt.Format(time.RFC3339))
		if len(d.Observations) == 0 {
			fmt.Fprintln(w, "No drift observed.")
			continue
		}
		fmt.Fprintln(w, "| check | operation | status | where | observed | count | example request |")
		fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- |")
		for _, o := range d.Observations {
			fmt.Fprintf(w, "| `%s` | `%s` | %d | %s | %s | %d | %s |\n", o.Check, o.Operation, o.Status,
				mdCell(o.Where), mdCell(o.Message), o.Count, mdCell(o.ExampleRequestID))
		}
	}
}

func mdCell(s string) string {
	if s == "" {
		return " "
	}
	return "`" + strings.NewReplacer("|", "\\|", "`", "'", "\n", " ").Replace(s) + "`"
}

// writeReports updates this API's part of reports/coverage.json, reports/drift.json and
// reports/drift.md, keeping the other API's part (the suites run one after the other).
func writeReports(dir, api string, cov CoverageReport, drift DriftSummary) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := updateJSON(filepath.Join(dir, "coverage.json"), api, cov); err != nil {
		return err
	}
	all := map[string]DriftSummary{}
	path := filepath.Join(dir, "drift.json")
	if data, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(data, &all) // an unreadable old report is replaced
	}
	all[api] = drift
	if err := writeJSON(path, all); err != nil {
		return err
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	summaries := make([]DriftSummary, 0, len(names))
	for _, n := range names {
		summaries = append(summaries, all[n])
	}
	var md strings.Builder
	Markdown(&md, summaries)
	return os.WriteFile(filepath.Join(dir, "drift.md"), []byte(md.String()), 0o644)
}

func updateJSON(path, key string, value any) error {
	all := map[string]json.RawMessage{}
	if data, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(data, &all)
	}
	raw, err := json.Marshal(value)
	if err != nil {
		return err
	}
	all[key] = raw
	return writeJSON(path, all)
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
