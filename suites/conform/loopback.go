package conform

import (
	"net"
	"net/url"
	"strings"
)

// IsLoopback reports whether a target is on this machine, by how it is spelled: an IPv4
// address in 127.0.0.0/8, the IPv6 address ::1 (also written in full or IPv4-mapped), or the
// name "localhost" (any case, optional trailing dot). Any other host name is not loopback, even
// one that resolves to 127.0.0.1: a name's resolution can change between this check and the
// request, so a destructive scenario is only ever let through on what the URL says.
func IsLoopback(u *url.URL) bool {
	if u == nil {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" {
		return true
	}
	// A zone (fe80::1%eth0) is never loopback; net.ParseIP rejects it.
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
