package drift

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Format is an output format of Render.
type Format string

// The formats Render writes.
const (
	Text     Format = "text"     // for a terminal: one block per change, file:line:column locations
	JSON     Format = "json"     // the Report as indented JSON
	Markdown Format = "markdown" // a table to paste into a pull-request comment
)

// Formats lists the formats Render writes.
func Formats() []Format { return []Format{Text, JSON, Markdown} }

// ParseFormat reads a format name, in any case ("md" is taken for markdown).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case Text, JSON, Markdown:
		return f, nil
	case "md":
		return Markdown, nil
	}
	return "", fmt.Errorf("unknown format %q: want text, json or markdown", s)
}

// Render writes the report to w in the format.
func Render(w io.Writer, r *Report, format Format) error {
	if r == nil {
		return fmt.Errorf("drift: no report to render")
	}
	switch format {
	case Text:
		return renderText(w, r)
	case JSON:
		return renderJSON(w, r)
	case Markdown:
		return renderMarkdown(w, r)
	}
	return fmt.Errorf("unknown format %q: want text, json or markdown", string(format))
}

// summary is "3 changes: 1 breaking, 0 warnings, 2 info" or "no changes".
func summary(r *Report) string {
	n := len(r.Changes)
	if n == 0 {
		return "no changes"
	}
	noun := "changes"
	if n == 1 {
		noun = "change"
	}
	warnings := "warnings"
	if r.Count(Warning) == 1 {
		warnings = "warning"
	}
	return fmt.Sprintf("%d %s: %d breaking, %d %s, %d info", n, noun, r.Count(Breaking), r.Count(Warning), warnings, r.Count(Info))
}

func scopeNote(l Location) string {
	switch l.Scope {
	case ScopeOperation:
		return " (the operation)"
	case ScopeFile:
		return " (no line)"
	}
	return ""
}

func renderText(w io.Writer, r *Report) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "base:     %s\nrevision: %s\n", r.Base, r.Revision)
	if r.OnlyCovered {
		fmt.Fprintln(b, "only the operations the suites cover")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(b, "note: %s\n", oneLine(n))
	}
	fmt.Fprintln(b, summary(r))
	for _, c := range r.Changes {
		op := c.Operation
		if op == "" {
			op = "(" + c.Section + ")"
		}
		if c.OperationID != "" {
			op += " [" + c.OperationID + "]"
		}
		fmt.Fprintf(b, "\n%-8s  %s  %s\n", c.Level, c.ID, op)
		fmt.Fprintf(b, "    %s\n", oneLine(c.Message))
		if c.Comment != "" {
			fmt.Fprintf(b, "    note: %s\n", oneLine(c.Comment))
		}
		fmt.Fprintf(b, "    base:     %s%s\n", c.BaseLocation, scopeNote(c.BaseLocation))
		fmt.Fprintf(b, "    revision: %s%s\n", c.RevisionLocation, scopeNote(c.RevisionLocation))
	}
	return b.Flush()
}

func renderJSON(w io.Writer, r *Report) error {
	out := *r
	if out.Changes == nil {
		out.Changes = []Change{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func renderMarkdown(w io.Writer, r *Report) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "#### API drift\n\n")
	fmt.Fprintf(b, "- base: %s\n- revision: %s\n", mdCode(r.Base), mdCode(r.Revision))
	if r.OnlyCovered {
		fmt.Fprintln(b, "- only the operations the suites cover")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(b, "- note: %s\n", mdCell(n))
	}
	fmt.Fprintf(b, "\n**%s**\n", summary(r))
	if len(r.Changes) > 0 {
		fmt.Fprintln(b)
		fmt.Fprintln(b, "| Level | Rule | Operation | Change | Base line | Revision line |")
		fmt.Fprintln(b, "| --- | --- | --- | --- | --- | --- |")
		for _, c := range r.Changes {
			level := string(c.Level)
			if c.Level == Breaking {
				level = "**breaking**"
			}
			op := "(" + c.Section + ")"
			if c.Operation != "" {
				op = mdCode(c.Operation)
			}
			change := c.Message
			if c.Comment != "" {
				change += " (" + c.Comment + ")"
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", level, mdCode(c.ID), op, mdCell(change), mdLine(c.BaseLocation), mdLine(c.RevisionLocation))
		}
	}
	return b.Flush()
}

// mdLine is a location's line for a table whose header names the files.
func mdLine(l Location) string {
	switch {
	case l.Line <= 0:
		return "-"
	case l.Scope == ScopeOperation:
		return fmt.Sprintf("%d (operation)", l.Line)
	}
	return fmt.Sprint(l.Line)
}

// mdCode wraps s in a code span that survives backticks inside it, with pipes escaped.
func mdCode(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + mdCell(s) + pad + fence
}

// mdCell makes s safe inside a table cell: one line, pipes escaped.
func mdCell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
