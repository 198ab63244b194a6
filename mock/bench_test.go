package mock

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkDelete measures the handler alone on the hot path of a load test: an authenticated
// DELETE of an environment that does not exist (404), with a limit that is never reached.
func BenchmarkDelete(b *testing.B) {
	state, err := DefaultState()
	if err != nil {
		b.Fatal(err)
	}
	state.Confluent.APIKeys[0].RateLimit = &RateLimit{Limit: 1 << 30, WindowSeconds: 3600}
	s, err := New(state, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := httptest.NewRequest(http.MethodDelete, "/org/v2/environments/env-nope", nil)
		r.SetBasicAuth("demo-key", "demo-secret")
		for pb.Next() {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != http.StatusNotFound {
				b.Fatalf("status %d", w.Code)
			}
		}
	})
}
