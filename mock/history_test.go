package mock

import (
	"fmt"
	"strings"
	"testing"
)

// TestHistoryRetentionOverHTTP: with a history limit of 3, deploy/undeploy cycles keep at most
// three records, drop the oldest non-persistent ones first and never a persistent one.
func TestHistoryRetentionOverHTTP(t *testing.T) {
	s, base := start(t, nil, Options{HistoryLimit: 3})
	if s.HistoryLimit() != 3 {
		t.Fatalf("HistoryLimit() = %d", s.HistoryLimit())
	}
	undeploy := func(desc string, persistent bool) {
		t.Helper()
		body := fmt.Sprintf(`{"description":%q,"persistent":%t}`, desc, persistent)
		if g := send(t, base, req{method: "DELETE", path: proxyPath("orders-api", "test"), auth: demoToken, body: body}); g.status != 200 {
			t.Fatalf("undeploy %s: %d %s", desc, g.status, g.body)
		}
	}
	deploy := func() {
		t.Helper()
		if g := send(t, base, req{method: "POST", path: proxyPath("orders-api", "test"), auth: demoToken}); g.status != 200 {
			t.Fatalf("deploy: %d %s", g.status, g.body)
		}
	}
	deploy()
	undeploy("keep-1", true)
	deploy()
	undeploy("drop-me", false)
	deploy()
	undeploy("keep-2", true)
	var got []string
	for _, h := range proxyState(t, base, "orders-api")["history"].([]any) {
		got = append(got, at(h, "action").(string)+":"+at(h, "description").(string))
	}
	// Six records written with a limit of 3: the three oldest non-persistent ones went (deploy,
	// deploy, drop-me), in that order; both persistent ones stay.
	want := "undeploy:keep-1 deploy:Deployed by APIOPS Api undeploy:keep-2"
	if strings.Join(got, " ") != want {
		t.Errorf("history\n got %v\nwant %s", got, want)
	}
	if lim := at(snapshot(t, base), "mock", "history_limit"); lim != float64(3) {
		t.Errorf("mock.history_limit %v", lim)
	}
}
