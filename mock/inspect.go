package mock

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"runtime"

	"github.com/apiconform/apiconform/mock/confluent"
	"github.com/apiconform/apiconform/mock/internal/core"
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

// registerInspection adds the mock's own endpoints to the core: GET /_mock/info, GET
// /_mock/state and POST /_mock/reset. Their errors (an unknown path under /_mock/, a wrong
// method) are in Confluent's Failure shape, which no fault ever breaks.
func (s *Server) registerInspection() {
	own := &core.API{Errors: confluent.Errors}
	rt := s.core.Router
	rt.Claim(own, "/_mock/")
	rt.Handle(own, "GET "+InfoPath, s.mockInfo)
	rt.Handle(own, "GET /_mock/state", s.mockState)
	rt.Handle(own, "POST "+ResetPath, s.mockReset)
}

// mockInfo answers GET /_mock/info: cheap whatever the size of the state.
func (s *Server) mockInfo(c *core.Call) core.Response {
	body, err := json.Marshal(Info{Server: InfoServer, Faults: append([]string{}, s.faultIDs...)})
	if err != nil {
		return c.InternalError()
	}
	return core.JSON(http.StatusOK, append(body, '\n'))
}

// mockState answers GET /_mock/state. Only the copy is made under the lock (Server.freeze); the
// JSON is written after it is released, streamed (see writeStateJSON).
func (s *Server) mockState(*core.Call) core.Response {
	f := s.freeze(true)
	if s.dumpHook != nil {
		s.dumpHook()
	}
	view := stateView{
		State: f.s,
		Mock: mockSettings{
			Faults:               append([]string{}, s.faultIDs...),
			HistoryLimit:         s.historyLimit,
			DeletionDelaySeconds: s.delay.Seconds(),
		},
	}
	return core.Response{Status: http.StatusOK, Payload: core.Payload{Stream: func(w io.Writer) error { return writeStateJSON(w, view, f.envs) }}}
}

// dumpYieldEvery is how many environments writeStateJSON writes between two yields of the
// processor.
const dumpYieldEvery = 256

// writeStateJSON writes the state view, whose environments are envs (a frozen snapshot's), as
// json.MarshalIndent(view, "", "  ") would, plus a newline, but without building it whole:
// everything but the environments is encoded at once (it is small), and the environments, the
// part that grows with the state, one at a time from their immutable entries into a buffer that
// is flushed as it fills. Every dumpYieldEvery environments
// it yields the processor, so that a dump of a large state shares the CPU with the requests
// served meanwhile.
func writeStateJSON(w io.Writer, view stateView, envs confluent.Environments) error {
	rest := *view.State
	empty := true
	for range envs.All() {
		empty = false
		break
	}
	if empty {
		rest.Confluent.Environments = []Environment{}
		return writeJSONIndent(w, stateView{State: &rest, Mock: view.Mock})
	}
	// The rest of the state, with one placeholder environment whose JSON is found and replaced.
	rest.Confluent.Environments = []Environment{{ID: envPlaceholder}}
	head, err := json.MarshalIndent(stateView{State: &rest, Mock: view.Mock}, "", "  ")
	if err != nil {
		return err
	}
	mark := []byte(`"id": "` + envPlaceholder + `"`)
	at := bytes.Index(head, mark)
	if at < 0 {
		return errors.New("mock: the state JSON has no environment placeholder")
	}
	// The placeholder object spans from the '{' before the mark to its matching '}'.
	open := bytes.LastIndexByte(head[:at], '{')
	end := at + bytes.IndexByte(head[at:], '}') + 1
	lineStart := bytes.LastIndexByte(head[:open], '\n') + 1
	prefix := string(head[lineStart:open]) // the indentation of an environment
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.Write(head[:open]); err != nil {
		return err
	}
	// One encoder for every environment: its buffers are reused (Encode ends each value with a
	// newline, which is left out).
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent(prefix, "  ")
	sep := []byte(",\n" + prefix)
	written := 0
	for env := range envs.All() {
		if written > 0 {
			if _, err := bw.Write(sep); err != nil {
				return err
			}
			if written%dumpYieldEvery == 0 {
				runtime.Gosched()
			}
		}
		written++
		out.Reset()
		if err := enc.Encode(env); err != nil {
			return err
		}
		if _, err := bw.Write(bytes.TrimSuffix(out.Bytes(), []byte{'\n'})); err != nil {
			return err
		}
	}
	if _, err := bw.Write(head[end:]); err != nil {
		return err
	}
	if err := bw.WriteByte('\n'); err != nil {
		return err
	}
	return bw.Flush()
}

// envPlaceholder stands for the environments in the JSON of the rest of the state. No ID before
// the environments can equal it: organization IDs hold no white space.
const envPlaceholder = "the environments of apiconform's mock go here"

func writeJSONIndent(w io.Writer, v any) error {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(body, '\n'))
	return err
}

// mockReset answers POST /_mock/reset: the starting state is restored; 204.
func (s *Server) mockReset(*core.Call) core.Response {
	s.Reset()
	return core.Response{Status: http.StatusNoContent}
}
