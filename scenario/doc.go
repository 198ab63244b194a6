// Package scenario reads scenario files (fixtures/<api>.yaml; format in fixtures/README.md),
// validates them against a spec before anything is sent, and executes them: each scenario is a
// list of steps, each step one request whose response is checked by the runner against the spec
// and the step's expectations, and whose values can be saved into variables for later steps.
//
// A file that cannot be parsed, or that is inconsistent (an unknown operation ID, label or
// credentials profile, a variable no earlier step sets, a bad assertion), is rejected as a whole
// by Load, with every problem named by file and line.
package scenario
