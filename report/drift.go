package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/apiconform/apiconform/run"
)

// APIDrift is one API's entry of drift.json.
type APIDrift struct {
	// GeneratedAt is when the run started, in UTC, RFC 3339.
	GeneratedAt string `json:"generated_at"`
	// Responses counts the responses that arrived; drift speaks of them only.
	Responses int `json:"responses"`
	// Observations lists each live-drift observation once; never null.
	Observations []run.DriftObservation `json:"observations"`
}

// Drift returns the live drift of every API of r, keyed by API name. It never returns nil.
func Drift(r *run.Result) map[string]APIDrift {
	out := map[string]APIDrift{}
	if r == nil {
		return out
	}
	at := r.Started.UTC().Format(time.RFC3339)
	for _, a := range r.APIs {
		obs := a.Drift.Observations
		if obs == nil {
			obs = []run.DriftObservation{}
		}
		out[a.API] = APIDrift{GeneratedAt: at, Responses: a.Responses, Observations: obs}
	}
	return out
}

// WriteDriftJSON writes drift.json: a JSON object keyed by API name (sorted), each value an
// APIDrift; "{}" when the run has no API.
func WriteDriftJSON(w io.Writer, r *run.Result) error {
	return encodeReportJSON(w, Drift(r))
}

// WriteDriftMarkdown writes drift.md: the live drift of every API of r (in the run's order) as
// Markdown for an issue or a pull-request comment. An API that got no response says so: no
// response is not the same as no drift.
func WriteDriftMarkdown(w io.Writer, r *run.Result) error {
	var b strings.Builder
	b.WriteString("# Live drift: what the server did that the pinned spec does not describe\n")
	if r != nil && !r.Started.IsZero() {
		fmt.Fprintf(&b, "\nRun started %s.\n", r.Started.UTC().Format(time.RFC3339))
	}
	if r == nil || len(r.APIs) == 0 {
		b.WriteString("\nNo API was run.\n")
	}
	if r != nil {
		for _, a := range r.APIs {
			fmt.Fprintf(&b, "\n## %s\n\n", mdHeadingText(a.API))
			obs := a.Drift.Observations
			switch {
			case len(obs) == 0 && a.Responses == 0:
				b.WriteString("No responses: nothing to compare.\n")
				continue
			case len(obs) == 0:
				fmt.Fprintf(&b, "No drift observed in %s.\n", pluralize(a.Responses, "response", "responses"))
				continue
			}
			fmt.Fprintf(&b, "%s in %s the pinned spec does not describe (warnings; `--strict` fails on them).\n\n",
				pluralize(len(obs), "observation", "observations"), pluralize(a.Responses, "response", "responses"))
			b.WriteString("| check | operation | status | where | observed | count | example request |\n")
			b.WriteString("| --- | --- | --- | --- | --- | --- | --- |\n")
			for _, o := range obs {
				fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %d | %s |\n", mdTableCell(o.Check), mdTableCell(o.Operation),
					o.Status, mdTableCell(o.Where), mdTableCell(o.Message), o.Count, mdTableCell(o.ExampleRequestID))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdTableCell renders s as a code span in a Markdown table cell ("" as a blank cell): a pipe is
// escaped, a backtick becomes a quote, and mdOneLine makes it one line of visible text.
func mdTableCell(s string) string {
	if s == "" {
		return " "
	}
	return "`" + mdCellEscaper.Replace(mdOneLine(s)) + "`"
}

// mdCellEscaper escapes what would end a table cell or its code span.
var mdCellEscaper = strings.NewReplacer("|", "\\|", "`", "'")

// mdHeadingText keeps s on the heading's line.
func mdHeadingText(s string) string {
	if s == "" {
		return "(unnamed API)"
	}
	return mdOneLine(s)
}

// mdOneLine returns s on one line: a line break or a tab becomes a space, another control
// character an escape a reader can see (`\x1b`), bytes that are not UTF-8 U+FFFD.
func mdOneLine(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "\uFFFD")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
