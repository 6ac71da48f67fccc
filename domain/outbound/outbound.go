// Package outbound is which network addresses the platform's outbound connections may reach
// in production when a brand chooses where they go (webhook receivers, its mail server):
// public unicast addresses only, so that no brand can make the platform talk to its own
// network, the cloud's metadata service or anything else behind it.
package outbound

import (
	"errors"
	"fmt"
	"net/netip"
)

// ErrNotAllowed is wrapped by every refusal of Check.
var ErrNotAllowed = errors.New("the address is not allowed")

// Check returns nil when outbound connections may reach addr, a public unicast address, and
// otherwise an error wrapping ErrNotAllowed that names the range addr is in (for the log; a
// person is told only that the address is not allowed).
//
// Refused: loopback, private (RFC 1918, unique local fc00::/7), link-local (169.254.0.0/16,
// where cloud metadata services answer, and fe80::/10), carrier-grade NAT, unspecified,
// multicast, broadcast and reserved ranges, and every IPv6 form that leads to an IPv4 address
// (IPv4-mapped addresses are judged as the IPv4 address they map; IPv4-compatible, NAT64,
// 6to4 and Teredo addresses are refused outright, since what they reach depends on gateways).
func Check(addr netip.Addr) error {
	if !addr.IsValid() {
		return fmt.Errorf("no address: %w", ErrNotAllowed)
	}
	// A zone (fe80::1%eth0) would keep netip.Prefix.Contains from matching.
	addr = addr.Unmap().WithZone("")
	for _, r := range refused {
		if r.prefix.Contains(addr) {
			return fmt.Errorf("%s is %s: %w", addr, r.what, ErrNotAllowed)
		}
	}
	return nil
}

// Allowed reports whether Check accepts addr.
func Allowed(addr netip.Addr) bool { return Check(addr) == nil }

// refused are the ranges Check refuses, the narrower before the wider they are part of.
var refused = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "in this network (0.0.0.0/8)"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local (cloud metadata)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private (RFC 1918)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol assignment"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("192.88.99.0/24"), "a 6to4 relay"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private (RFC 1918)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved or broadcast"},

	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible (deprecated)"},
	{netip.MustParsePrefix("::ffff:0:0:0/96"), "IPv4-translated"},
	{netip.MustParsePrefix("64:ff9b::/96"), "NAT64"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("2001::/32"), "Teredo"},
	{netip.MustParsePrefix("2001::/23"), "an IETF protocol assignment"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("2002::/16"), "6to4"},
	{netip.MustParsePrefix("3fff::/20"), "documentation"},
	{netip.MustParsePrefix("fc00::/7"), "unique local (private)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}
