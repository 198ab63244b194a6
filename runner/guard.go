package runner

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// IsMutating reports whether a request with this method may change state on the server: every
// method but GET, HEAD and OPTIONS. The destructive guard keys on it, never on labels.
func IsMutating(method string) bool {
	switch strings.ToUpper(method) {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// IsLoopback reports whether a target is on this machine, by how it is spelled: an IPv4
// address in 127.0.0.0/8, the IPv6 address ::1 (also written in full or IPv4-mapped), or the
// name "localhost" (any case, optional trailing dot). Any other host name is not loopback, even
// one that resolves to 127.0.0.1: a name's resolution can change between this check and the
// request, so a mutating request is only ever let through on what the URL says.
func IsLoopback(u *url.URL) bool {
	if u == nil {
		return false
	}
	return IsLoopbackHost(u.Hostname())
}

// IsLoopbackHost is IsLoopback for a host name or address without a port.
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" {
		return true
	}
	// A zone (fe80::1%eth0) is never loopback; net.ParseIP rejects it.
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// AllowDestructiveFlag is the flag that lets mutating requests leave for a host that is not
// loopback; messages name it.
const AllowDestructiveFlag = "--allow-destructive"

// RefusedError is returned when a mutating request (see IsMutating) is about to leave for a
// host that is not loopback and destructive requests were not allowed. Nothing was sent.
type RefusedError struct {
	Method string
	Host   string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s to %s refused: the method may change state and %s is not loopback; pass %s to send it",
		e.Method, e.Host, e.Host, AllowDestructiveFlag)
}

// Guard is an http.RoundTripper that refuses every mutating request to a host that is not
// loopback unless AllowDestructive is set, and passes everything else to Next. Every request
// apiconform sends goes through one: NewClient installs it under any transport, so scenarios,
// retries and every later sender share the one rule.
type Guard struct {
	Next             http.RoundTripper
	AllowDestructive bool
}

// Check returns a *RefusedError when req may not leave, or nil.
func (g *Guard) Check(req *http.Request) error {
	if g.AllowDestructive || !IsMutating(req.Method) || req.URL == nil || IsLoopbackHost(req.URL.Hostname()) {
		return nil
	}
	return &RefusedError{Method: req.Method, Host: req.URL.Host}
}

// RoundTrip refuses req (closing its body, as a RoundTripper must) or sends it with Next.
func (g *Guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := g.Check(req); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	return g.Next.RoundTrip(req)
}
