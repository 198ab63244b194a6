// Package drift compares two OpenAPI documents and reports how the second one (the revision)
// differs from the first (the base), so that a vendor's newer spec can be checked against the
// contract apiconform tests.
//
// The comparison itself is oasdiff's (github.com/oasdiff/oasdiff): its diff and its
// backward-compatibility rules, each with a stable kebab-case ID such as
// `response-non-success-status-added` or `api-security-removed`. This package adds what apiconform
// needs around it:
//
//   - Documents are loaded and validated by package specs first (LoadFile, LoadBytes, LoadPinned),
//     so an unloadable document fails with `file:line: problem` before oasdiff sees it. Each
//     `allOf` is then merged into one schema, so that composed and written-out schemas compare by
//     what they describe.
//   - Each oasdiff change becomes a Change: the rule ID, a Level (breaking, warning, info, from
//     oasdiff's ERR, WARN and INFO), the operation, the English message and a Location in each file.
//   - Options.Covered restricts a Report to the operations apiconform's suites exercise
//     (CoveredOperations: those of the pinned embedded specs).
//   - Render writes a Report as text, JSON or a Markdown table.
//
// A Change's locations come from oasdiff where it knows them (it records the element's position
// on the side where the element exists). For the other side, Compare falls back to the line of
// the same operation in that file, and failing that to the file alone; Location.Scope says which.
package drift
