package drift

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/checker/localizations"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// Options tunes Compare. The zero value reports every change.
type Options struct {
	// Covered, when not nil, keeps only the changes to these operations (see CoveredOperations).
	// Changes that concern no single operation (a component, the document-wide security, the
	// info version) are dropped then too: a change that matters to a covered operation is also
	// reported on that operation.
	Covered Operations
}

// Report is what Compare returns: every change from Base to Revision, most severe first.
type Report struct {
	Base        string `json:"base"`
	Revision    string `json:"revision"`
	OnlyCovered bool   `json:"onlyCovered"`
	// Notes says where the comparison was less precise than usual: a document whose `allOf`s
	// could not be merged is compared branch by branch.
	Notes   []string `json:"notes,omitempty"`
	Changes []Change `json:"changes"`
}

// Change is one difference between the two documents, as one oasdiff rule reports it.
type Change struct {
	// ID is the oasdiff rule ID, stable and kebab-case: "response-non-success-status-added".
	ID    string `json:"id"`
	Level Level  `json:"level"`
	// Operation is the method and path template, "DELETE /org/v2/environments/{id}"; empty for a
	// change to no single operation (Section says where it is then).
	Operation   string `json:"operation,omitempty"`
	OperationID string `json:"operationId,omitempty"`
	// Section is the part of the document: "paths", "components", "security" or "info".
	Section string `json:"section"`
	// Message is oasdiff's English text, uncoloured; Comment its further explanation, if any.
	Message          string   `json:"message"`
	Comment          string   `json:"comment,omitempty"`
	BaseLocation     Location `json:"baseLocation"`
	RevisionLocation Location `json:"revisionLocation"`
}

// Location is where a change is in one of the two files. Scope says what Line points at.
type Location struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	Scope  Scope  `json:"scope"`
}

// Scope says how precise a Location is.
type Scope string

// The scopes of a Location.
const (
	// ScopeChange: oasdiff located the changed element itself in this file.
	ScopeChange Scope = "change"
	// ScopeOperation: Line is that of the operation in this file: oasdiff located the change only
	// in the other file (the element exists on one side only), or no closer than the operation
	// (a change inside a merged `allOf` schema, which has no line of its own).
	ScopeOperation Scope = "operation"
	// ScopeFile: only the file is known (the operation is absent from this file, or the change
	// concerns no single operation and oasdiff located it only in the other file). Line is 0.
	ScopeFile Scope = "file"
)

func (l Location) String() string {
	if l.Line <= 0 {
		return l.File
	}
	if l.Column <= 0 {
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
	return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
}

// Count returns the number of changes at the level.
func (r *Report) Count(level Level) int {
	n := 0
	for _, c := range r.Changes {
		if c.Level == level {
			n++
		}
	}
	return n
}

// HasAtLeast reports whether a change at level min or more severe is in the report.
func (r *Report) HasAtLeast(min Level) bool {
	for _, c := range r.Changes {
		if c.Level.AtLeast(min) {
			return true
		}
	}
	return false
}

var localizer = sync.OnceValue(func() checker.Localizer { return checker.NewLocalizer(localizations.LangEn) })

// Compare lists the changes from base to revision with every oasdiff rule, at every level.
// It returns an error only if oasdiff fails on the pair (it never panics); documents that do not
// load are refused earlier, by LoadFile, LoadBytes and LoadPinned.
func Compare(base, revision *Document, opts Options) (report *Report, err error) {
	if base == nil || revision == nil || base.spec == nil || revision.spec == nil {
		return nil, errors.New("drift: Compare needs two loaded documents")
	}
	defer func() {
		if r := recover(); r != nil {
			report, err = nil, fmt.Errorf("oasdiff failed comparing %s with %s: %v", base.File, revision.File, r)
		}
	}()
	s1 := &load.SpecInfo{Url: base.File, Spec: base.spec}
	s2 := &load.SpecInfo{Url: revision.File, Spec: revision.spec}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), s1, s2)
	if err != nil {
		return nil, fmt.Errorf("oasdiff cannot compare %s with %s: %w", base.File, revision.File, err)
	}
	found := checker.CheckBackwardCompatibilityUntilLevel(checkerConfig(), d, sources, checker.INFO)

	report = &Report{Base: base.File, Revision: revision.File, OnlyCovered: opts.Covered != nil, Changes: []Change{}}
	for _, d := range []*Document{base, revision} {
		if d.unmerged != "" {
			report.Notes = append(report.Notes, fmt.Sprintf("%s: allOf kept as written (%s); changes under allOf are compared branch by branch", d.File, d.unmerged))
		}
	}
	l := localizer()
	for _, c := range found {
		method, path := strings.ToUpper(c.GetOperation()), c.GetPath()
		if opts.Covered != nil && (method == "" || !opts.Covered.Has(method, path)) {
			continue
		}
		ch := Change{
			ID:               c.GetId(),
			Level:            levelOf(c.GetLevel()),
			OperationID:      c.GetOperationId(),
			Section:          c.GetSection(),
			Message:          c.GetUncolorizedText(l),
			Comment:          c.GetComment(l),
			BaseLocation:     locate(c.GetBaseSource(), base, method, path),
			RevisionLocation: locate(c.GetRevisionSource(), revision, method, path),
		}
		if method != "" {
			ch.Operation = method + " " + path
		}
		report.Changes = append(report.Changes, ch)
	}
	sortChanges(report.Changes)
	return report, nil
}

// locate builds a Location in doc: oasdiff's own where it has a line, else the operation's line
// in doc, else doc's file alone. oasdiff's line counts as the operation's when it is that line.
func locate(src *checker.Source, doc *Document, method, path string) Location {
	var opLoc *Location
	if op := doc.operation(method, path); op != nil && op.Origin != nil && op.Origin.Key != nil && op.Origin.Key.Line > 0 {
		opLoc = &Location{File: doc.File, Line: op.Origin.Key.Line, Column: op.Origin.Key.Column, Scope: ScopeOperation}
	}
	if src != nil && src.Line > 0 {
		file := src.File
		if file == "" {
			file = doc.File
		}
		if opLoc != nil && file == opLoc.File && src.Line == opLoc.Line {
			return *opLoc
		}
		return Location{File: file, Line: src.Line, Column: src.Column, Scope: ScopeChange}
	}
	if opLoc != nil {
		return *opLoc
	}
	return Location{File: doc.File, Scope: ScopeFile}
}

// sortChanges orders changes most severe first, then by operation (document-wide changes after
// the operations), rule ID, message and lines, so that a report is the same on every run.
func sortChanges(changes []Change) {
	sort.SliceStable(changes, func(i, j int) bool {
		a, b := changes[i], changes[j]
		if a.Level.rank() != b.Level.rank() {
			return a.Level.rank() > b.Level.rank()
		}
		if (a.Operation == "") != (b.Operation == "") {
			return a.Operation != ""
		}
		if a.Operation != b.Operation {
			return a.Operation < b.Operation
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.Message != b.Message {
			return a.Message < b.Message
		}
		if a.BaseLocation.Line != b.BaseLocation.Line {
			return a.BaseLocation.Line < b.BaseLocation.Line
		}
		return a.RevisionLocation.Line < b.RevisionLocation.Line
	})
}

// checkerConfig is oasdiff's configuration with every check, built once: building it was about a
// quarter of a Compare. The checks only read it.
var checkerConfig = sync.OnceValue(func() *checker.Config { return checker.NewConfig(checker.GetAllChecks()) })
