package runner

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTLSTargets: an https target whose certificate the system does not trust is a tls
// transport error that tells the user about --ca-cert and --insecure; trusting its CA with
// CACertFile, or asking for Insecure, makes the same target work; a certificate for another
// host name, or a plain-HTTP server behind an https URL, is a tls error that says so.
func TestTLSTargets(t *testing.T) {
	op := testAPI(t, "confluent").Operation("deleteOrgV2Environment")
	conformant := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range confluentHeaders() {
			w.Header().Set(k, v)
		}
		w.WriteHeader(204)
	})
	private := httptest.NewTLSServer(conformant) // a certificate for 127.0.0.1 from an unknown CA
	t.Cleanup(private.Close)
	privateCA := writePEM(t, "private-ca.pem", private.Certificate().Raw)
	misnamed, misnamedCert := tlsServerFor(t, "apiconform.invalid", conformant) // valid, but for another name
	misnamedCA := writePEM(t, "misnamed.pem", misnamedCert.Raw)
	plain := httptest.NewServer(conformant)
	t.Cleanup(plain.Close)
	plainAsTLS := strings.Replace(plain.URL, "http://", "https://", 1)

	tests := []struct {
		name   string
		target string
		opts   ClientOptions
		// says is what the tls finding must say; "" means the exchange must succeed.
		says []string
	}{
		{name: "unknown certificate", target: private.URL,
			says: []string{"not trusted", "--ca-cert FILE", "--insecure"}},
		{name: "private CA given with --ca-cert", target: private.URL, opts: ClientOptions{CACertFile: privateCA}},
		{name: "--insecure", target: private.URL, opts: ClientOptions{Insecure: true}},
		{name: "certificate for another host name", target: misnamed, opts: ClientOptions{CACertFile: misnamedCA},
			says: []string{"not valid for the host", "--insecure"}},
		{name: "certificate for another host name, --insecure", target: misnamed, opts: ClientOptions{Insecure: true}},
		{name: "plain HTTP behind an https URL", target: plainAsTLS,
			says: []string{"TLS handshake failed", "use http://"}},
	}
	checks, _ := Select(hostileChecks, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Timeout = hostileTimeout
			client, err := NewClient(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			base, _ := url.Parse(tt.target)
			r := &Runner{API: op.API(), Client: client, Base: base, Checker: NewChecker(checks, CheckOptions{}, nil)}
			start := time.Now()
			res, err := r.Do(context.Background(), Request{Op: op, PathParams: defaultParams}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took > hostileBound {
				t.Errorf("the exchange took %v: not bounded", took)
			}
			if len(tt.says) == 0 {
				if len(res.Violations) != 0 || res.Exchange.Status() != 204 {
					t.Errorf("want a clean 204, got %d:\n%s", res.Exchange.Status(), render(res.Violations))
				}
				return
			}
			if len(res.Violations) != 1 || res.Violations[0].Check != "response-received" || res.Exchange.Err == nil || res.Exchange.Err.Kind != TransportTLS {
				t.Fatalf("want one response-received finding of kind tls, got %+v:\n%s", res.Exchange.Err, render(res.Violations))
			}
			for _, s := range tt.says {
				if !strings.Contains(res.Violations[0].Message, s) {
					t.Errorf("the finding does not say %q: %s", s, res.Violations[0].Message)
				}
			}
		})
	}
}

// TestInsecureIsOnlyWhenAsked: the zero ClientOptions verify certificates.
func TestInsecureIsOnlyWhenAsked(t *testing.T) {
	client, err := NewClient(ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := client.guard.Next.(*http.Transport)
	if !ok || tr.TLSClientConfig == nil {
		t.Fatalf("the default client has no TLS configuration: %T", client.http.Transport)
	}
	if tr.TLSClientConfig.InsecureSkipVerify {
		t.Error("the default client skips certificate verification")
	}
	if tr.TLSClientConfig.MinVersion < tls.VersionTLS12 {
		t.Errorf("the default client accepts TLS below 1.2: %x", tr.TLSClientConfig.MinVersion)
	}
	if tr.Proxy != nil {
		t.Error("the client goes through a proxy from the environment; it must talk to the target it is given")
	}
}

// writePEM writes a DER certificate as a PEM file in a temporary folder and returns its path.
func writePEM(t *testing.T, name string, der []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tlsServerFor serves h over TLS on 127.0.0.1 with a self-signed certificate naming only host
// (a DNS name, no IP address), and returns its URL by IP and the certificate.
func tlsServerFor(t *testing.T, host string, h http.Handler) (string, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: host},
		DNSNames:              []string{host},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: h}}
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL, cert
}
