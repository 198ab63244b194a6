package mock

// record appends a deployment-history record and applies the retention limit: while the history
// holds more than limit records, the oldest non-persistent record is dropped. Persistent records
// are never dropped, so a history of persistent records may exceed the limit; when every older
// record is persistent, the new record itself is the oldest non-persistent one and is dropped.
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
			return
		}
		p.history = append(p.history[:oldest], p.history[oldest+1:]...)
	}
}
