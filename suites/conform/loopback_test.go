package conform

import (
	"net/url"
	"testing"
)

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		target string
		want   bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://127.1.2.3", true},
		{"http://[::1]:8080", true},
		{"http://[0:0:0:0:0:0:0:1]", true},
		{"http://[::ffff:127.0.0.1]", true},
		{"http://localhost:8080", true},
		{"http://LOCALHOST.", true},
		{"https://api.confluent.cloud", false},
		{"https://demo.apinizer.com/manager", false},
		{"http://10.0.0.5", false},
		{"http://0.0.0.0:8080", false},
		{"http://[::]:8080", false},
		{"http://localhost.example.com", false},
		{"http://127.0.0.1.nip.io", false}, // resolves to loopback, but is not spelled so
		{"http://my-laptop", false},        // may resolve to 127.0.1.1 via /etc/hosts: still not trusted
		{"http://[fe80::1%25eth0]", false},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.target)
		if err != nil {
			t.Fatal(err)
		}
		if got := IsLoopback(u); got != tt.want {
			t.Errorf("IsLoopback(%s) = %v, want %v", tt.target, got, tt.want)
		}
	}
	if IsLoopback(nil) {
		t.Error("nil is not loopback")
	}
}
