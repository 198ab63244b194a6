package conform

import (
	"strings"
	"testing"
)

func TestLoadConfigTargetPrecedence(t *testing.T) {
	defer func(old string) { *flagTarget = old }(*flagTarget)
	tests := []struct {
		name       string
		flag       string
		env        map[string]string
		wantHost   string
		wantSource string
		wantErr    string
	}{
		{name: "nothing: embedded mock"},
		{name: "shared env", env: map[string]string{"APICONFORM_TARGET": "http://127.0.0.1:1"}, wantHost: "127.0.0.1:1", wantSource: "APICONFORM_TARGET"},
		{name: "flag beats shared env", flag: "http://127.0.0.1:2", env: map[string]string{"APICONFORM_TARGET": "http://127.0.0.1:1"}, wantHost: "127.0.0.1:2", wantSource: "--target"},
		{name: "per-API env beats the flag", flag: "http://127.0.0.1:2", env: map[string]string{"APICONFORM_CONFLUENT_TARGET": "http://127.0.0.1:3"}, wantHost: "127.0.0.1:3", wantSource: "APICONFORM_CONFLUENT_TARGET"},
		{name: "the other API's env is ignored", env: map[string]string{"APICONFORM_APINIZER_TARGET": "http://127.0.0.1:4"}},
		{name: "bad URL names its source", env: map[string]string{"APICONFORM_CONFLUENT_TARGET": "ftp://x"}, wantErr: "APICONFORM_CONFLUENT_TARGET: target \"ftp://x\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			*flagTarget = tt.flag
			cfg, err := loadConfig("confluent", func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("want error %q, got %v", tt.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			host := ""
			if cfg.Target != nil {
				host = cfg.Target.Host
			}
			if host != tt.wantHost || cfg.TargetSource != tt.wantSource {
				t.Errorf("target %q from %q, want %q from %q", host, cfg.TargetSource, tt.wantHost, tt.wantSource)
			}
		})
	}
}

func TestLoadConfigRejectsBadSettings(t *testing.T) {
	defer func(a, b, c string) { *flagChecks, *flagMockFaults, *flagTarget = a, b, c }(*flagChecks, *flagMockFaults, *flagTarget)
	*flagChecks = "body-schema,bodyschema"
	if _, err := loadConfig("confluent", func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "bodyschema") {
		t.Errorf("unknown check ID: got %v", err)
	}
	*flagChecks = ""
	*flagMockFaults = "drop-request-id"
	*flagTarget = "http://127.0.0.1:9"
	if _, err := loadConfig("confluent", func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "--mock-fault applies to the embedded mock only") {
		t.Errorf("mock fault with a target: got %v", err)
	}
}
