package runner

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// transportCase fires at a purpose-built loopback server and expects the given checks to fire.
type transportCase struct {
	name    string
	handler http.HandlerFunc
	target  func(t *testing.T) *url.URL // overrides handler when set
	opts    ClientOptions
	want    []string // check IDs expected to fire (sorted as registered)
}

func TestTransportChecks(t *testing.T) {
	op := testAPI(t, "confluent").Operation("deleteOrgV2Environment")
	cases := []transportCase{
		{name: "conformant 204", handler: func(w http.ResponseWriter, r *http.Request) {
			for k, v := range confluentHeaders() {
				w.Header().Set(k, v)
			}
			w.WriteHeader(204)
		}},
		{name: "connection refused", target: refusedTarget, want: []string{"response-received"}},
		{name: "never answers", opts: ClientOptions{Timeout: 200 * time.Millisecond}, handler: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, want: []string{"response-received"}},
		{name: "body over the cap", opts: ClientOptions{MaxBodyBytes: 1024}, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Request-Id", "big")
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"errors":[{"detail":"` + strings.Repeat("x", 4096) + `"}]}`))
		}, want: []string{"body-within-cap"}},
		{name: "redirect to another host", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.2:9/elsewhere", http.StatusFound)
		}, want: []string{"no-redirect", "status-documented"}},
		{name: "reset mid-body", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"errors":[`))
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.Close()
		}, want: []string{"response-received"}},
	}
	all, _ := Select([]string{"response-received", "body-within-cap", "no-redirect", "status-documented"}, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var base *url.URL
			if tc.target != nil {
				base = tc.target(t)
			} else {
				srv := httptest.NewServer(tc.handler)
				defer srv.Close()
				base, _ = url.Parse(srv.URL)
			}
			client, err := NewClient(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			ex, err := client.Do(context.Background(), base, Request{Op: op, PathParams: defaultParams})
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 4*time.Second {
				t.Errorf("the request was not bounded: it took %v", d)
			}
			got := NewChecker(all, CheckOptions{}, nil).Check(op, ex, nil)
			var ids []string
			for _, v := range got {
				ids = append(ids, v.Check)
			}
			if strings.Join(ids, ",") != strings.Join(tc.want, ",") {
				t.Errorf("checks fired %v, want %v:\n%s", ids, tc.want, render(got))
			}
		})
	}
}

// refusedTarget returns a loopback URL on which nothing listens.
func refusedTarget(t *testing.T) *url.URL {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return &url.URL{Scheme: "http", Host: addr}
}

// TestBodyWithinCapStatesTheCap: the message names the client's cap even when redaction of an
// echoed secret shortened the recorded body.
func TestBodyWithinCapStatesTheCap(t *testing.T) {
	secret := "ECHOED-SECRET-0123456789"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		_, _ = w.Write([]byte(strings.Repeat(secret, 200)))
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	op := testAPI(t, "confluent").Operation("deleteOrgV2Environment")
	client, _ := NewClient(ClientOptions{MaxBodyBytes: 1000})
	ex, err := client.Do(context.Background(), base, Request{Op: op, PathParams: defaultParams,
		Credential: &Credential{Scheme: "confluent-sts-access-token", Token: secret}})
	if err != nil {
		t.Fatal(err)
	}
	chk, _ := Lookup("body-within-cap")
	got := NewChecker([]Check{chk}, CheckOptions{}, nil).Check(op, ex, nil)
	if len(got) != 1 || !strings.Contains(got[0].Message, "the 1000-byte cap") {
		t.Errorf("want the 1000-byte cap named, got %v", got)
	}
}
