// Package report renders a run.Result: one file per format. text.go writes the console output
// (banner, one line per scenario, the summary and the verdict), json.go the whole Result as JSON,
// and the report files of a report directory (Write: violations.json, junit.xml, coverage.json,
// drift.json, drift.md) each have their own file. Every driver renders through it, so a run's
// reports are the same whichever driver ran. Nothing here decides anything: the Result holds
// every verdict; the renderers only say it.
package report
