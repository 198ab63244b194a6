package run

import (
	"sort"
	"strings"

	"github.com/apiconform/apiconform/runner"
)

// coverageAcc accumulates, per operation, the documented statuses and headers responses
// exercised and the undocumented statuses seen; build turns it into a Coverage.
type coverageAcc struct {
	counts       map[covKey]int
	headers      map[covKey]map[string]bool
	undocumented map[string]map[int]bool
}

type covKey struct{ op, status string }

func newCoverageAcc() *coverageAcc {
	return &coverageAcc{counts: map[covKey]int{}, headers: map[covKey]map[string]bool{}, undocumented: map[string]map[int]bool{}}
}

// add counts one exchange of op (nothing when no response arrived).
func (c *coverageAcc) add(op *runner.Operation, ex *runner.Exchange) {
	if op == nil || ex.Response == nil {
		return
	}
	doc := documentedKey(op, ex.Response.Status)
	if doc == "" {
		if c.undocumented[op.ID] == nil {
			c.undocumented[op.ID] = map[int]bool{}
		}
		c.undocumented[op.ID][ex.Response.Status] = true
		return
	}
	k := covKey{op.ID, doc}
	c.counts[k]++
	if c.headers[k] == nil {
		c.headers[k] = map[string]bool{}
	}
	for h := range ex.Response.Header {
		c.headers[k][strings.ToLower(h)] = true
	}
}

// merge adds what o counted.
func (c *coverageAcc) merge(o *coverageAcc) {
	for k, n := range o.counts {
		c.counts[k] += n
	}
	for k, hs := range o.headers {
		if c.headers[k] == nil {
			c.headers[k] = map[string]bool{}
		}
		for h := range hs {
			c.headers[k][h] = true
		}
	}
	for op, sts := range o.undocumented {
		if c.undocumented[op] == nil {
			c.undocumented[op] = map[int]bool{}
		}
		for st := range sts {
			c.undocumented[op][st] = true
		}
	}
}

// build returns the coverage of every operation of api.
func (c *coverageAcc) build(api *runner.API) Coverage {
	var out Coverage
	for _, op := range api.Operations() {
		oc := OperationCoverage{Operation: op.ID, Method: op.Method, Path: op.Path}
		for _, st := range op.DocumentedStatuses() {
			k := covKey{op.ID, st}
			sc := StatusCoverage{Status: st, Exercised: c.counts[k]}
			for _, h := range op.DocumentedHeaders(st) {
				if c.headers[k][strings.ToLower(h)] {
					sc.HeadersSeen = append(sc.HeadersSeen, h)
				} else {
					sc.HeadersMissing = append(sc.HeadersMissing, h)
				}
			}
			oc.Statuses = append(oc.Statuses, sc)
		}
		for st := range c.undocumented[op.ID] {
			oc.Undocumented = append(oc.Undocumented, st)
		}
		sort.Ints(oc.Undocumented)
		out.Operations = append(out.Operations, oc)
	}
	return out
}
