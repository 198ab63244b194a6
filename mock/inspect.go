package mock

import (
	"encoding/json"
	"net/http"
)

// stateView is the JSON of GET /_mock/state: the state with secrets redacted, and the settings
// the server runs with.
type stateView struct {
	*State
	Mock mockSettings `json:"mock"`
}

type mockSettings struct {
	Faults               []string `json:"faults"`
	HistoryLimit         int      `json:"history_limit"`
	DeletionDelaySeconds float64  `json:"deletion_delay_seconds"`
}

// mockState answers GET /_mock/state.
func (c *call) mockState() response {
	view := stateView{
		State: c.s.Snapshot().Redacted(),
		Mock: mockSettings{
			Faults:               append([]string{}, c.s.faultIDs...),
			HistoryLimit:         c.s.historyLimit,
			DeletionDelaySeconds: c.s.delay.Seconds(),
		},
	}
	body, err := json.MarshalIndent(view, "", "  ")
	if err != nil {
		return c.internalError()
	}
	return response{status: http.StatusOK, body: append(body, '\n')}
}

// mockReset answers POST /_mock/reset: the starting state is restored; 204.
func (c *call) mockReset() response {
	c.s.Reset()
	return response{status: http.StatusNoContent}
}
