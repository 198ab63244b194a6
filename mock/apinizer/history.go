package apinizer

// MaxHistoryRecords bounds an Apinizer proxy's deployment history whatever its records: past it
// (or past the history limit, if that is larger) the oldest record is dropped even when it is
// persistent. Apinizer keeps persistent records for good; the mock bounds them so that
// deploy/undeploy traffic cannot grow its memory without end. (Everything else of the Apinizer
// state, tokens, projects and proxies, never grows from the starting state.)
const MaxHistoryRecords = 1000

// record appends a deployment-history record and applies the retention limit: while the history
// holds more than limit records, the oldest non-persistent record is dropped. Persistent records
// are not dropped by the limit, so a history of persistent records may exceed it; when every
// older record is persistent, the new record itself is the oldest non-persistent one and is
// dropped. Past max(limit, MaxHistoryRecords) records, the oldest record is dropped whatever it
// is: the mock's memory bound.
func (p *proxy) record(rec HistoryRecord, limit int) {
	p.history = append(p.history, rec)
	for len(p.history) > limit {
		oldest := -1
		for i, h := range p.history {
			if !h.Persistent {
				oldest = i
				break
			}
		}
		if oldest < 0 {
			break
		}
		p.history = append(p.history[:oldest], p.history[oldest+1:]...)
	}
	if excess := len(p.history) - max(limit, MaxHistoryRecords); excess > 0 {
		p.history = append(p.history[:0], p.history[excess:]...)
	}
}
