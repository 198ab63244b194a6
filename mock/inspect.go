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

// InfoPath is where the mock says what it is: GET answers a small JSON object (Info) whose
// server field is InfoServer. A client that finds it there knows the target is apiconform's own
// mock, whose demo credentials it may send and whose state it may reset (ResetPath).
const InfoPath = "/_mock/info"

// ResetPath restores the mock's starting state: POST answers 204.
const ResetPath = "/_mock/reset"

// InfoServer is the server field of the mock's Info.
const InfoServer = "apiconform-mock"

// Info is the JSON of GET /_mock/info.
type Info struct {
	Server string   `json:"server"`
	Faults []string `json:"faults"`
}

// mockInfo answers GET /_mock/info: cheap whatever the size of the state.
func (c *call) mockInfo() response {
	body, err := json.Marshal(Info{Server: InfoServer, Faults: append([]string{}, c.s.faultIDs...)})
	if err != nil {
		return c.internalError()
	}
	return response{status: http.StatusOK, body: append(body, '\n')}
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
