package conform

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/scenario"
)

// recordEntry names the report entry each spec carries for the end-of-run reports. Ginkgo
// carries it between parallel processes as JSON, so it is plain data.
const recordEntry = "apiconform.record"

// Record is what one scenario observed: every exchange (operation, status, headers present) and
// every violation, warnings included.
type Record struct {
	API        string             `json:"api"`
	Scenario   string             `json:"scenario"`
	Exchanges  []ExchangeRecord   `json:"exchanges"`
	Violations []runner.Violation `json:"violations"`
}

// ExchangeRecord is one exchange as coverage sees it.
type ExchangeRecord struct {
	Operation string   `json:"operation"`
	Status    int      `json:"status"`
	Headers   []string `json:"headers"`
	RequestID string   `json:"request_id,omitempty"`
}

func newRecord(api string, o *scenario.Outcome) Record {
	r := Record{API: api, Scenario: o.Scenario.Name, Violations: o.Violations()}
	for _, st := range o.Steps {
		for _, ex := range st.Exchanges {
			er := ExchangeRecord{Operation: ex.OperationID, Status: ex.Status(), RequestID: ex.RequestID()}
			if ex.Response != nil {
				for h := range ex.Response.Header {
					er.Headers = append(er.Headers, h)
				}
				sort.Strings(er.Headers)
			}
			r.Exchanges = append(r.Exchanges, er)
		}
	}
	return r
}

// maxTranscriptBody bounds how much of each body a transcript shows.
const maxTranscriptBody = 2048

// transcript renders the exchanges of a scenario for reports. Recorded requests are redacted by
// the client; responses are redacted here (a server may echo a credential back).
func transcript(o *scenario.Outcome, r *runner.Redactor) string {
	var b strings.Builder
	for i, st := range o.Steps {
		for _, ex := range st.Exchanges {
			fmt.Fprintf(&b, "step %d: %s %s\n", i+1, ex.Request.Method, ex.Request.URL)
			writeHeaders(&b, "  > ", ex.Request.Header)
			writeBody(&b, "  > ", ex.Request.Body)
			switch {
			case ex.Err != nil:
				fmt.Fprintf(&b, "  < no response (%s) after %v\n", r.String(ex.Err.Message), ex.Duration.Round(1000))
			case ex.Response != nil:
				fmt.Fprintf(&b, "  < %s %d in %v\n", ex.Response.Proto, ex.Response.Status, ex.Duration.Round(1000))
				writeHeaders(&b, "  < ", r.Header(ex.Response.Header))
				writeBody(&b, "  < ", r.Bytes(ex.Response.Body))
			}
		}
	}
	return b.String()
}

func writeHeaders(b *strings.Builder, prefix string, h map[string][]string) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s%s: %s\n", prefix, k, v)
		}
	}
}

func writeBody(b *strings.Builder, prefix string, body []byte) {
	if len(body) == 0 {
		return
	}
	text := body
	cut := len(text) > maxTranscriptBody
	if cut {
		text = text[:maxTranscriptBody]
	}
	if !utf8.Valid(text) {
		fmt.Fprintf(b, "%s(%d bytes of binary body)\n", prefix, len(body))
		return
	}
	fmt.Fprintf(b, "%s%s", prefix, text)
	if cut {
		fmt.Fprintf(b, "... (%d bytes in all)", len(body))
	}
	b.WriteString("\n")
}
