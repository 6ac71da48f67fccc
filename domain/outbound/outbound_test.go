package outbound_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/outbound"
)

func TestOnlyPublicUnicastAddressesAreAllowed(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{
		"1.1.1.1", "223.5.5.5", "114.114.114.114", "8.8.8.8", "2400:3200::1", "2001:4860:4860::8888",
		"::ffff:223.5.5.5", // an IPv4-mapped address is the IPv4 address it maps
	} {
		require.NoErrorf(t, outbound.Check(netip.MustParseAddr(addr)), "%s", addr)
	}
	for addr, why := range map[string]string{
		"127.0.0.1": "loopback", "127.8.9.10": "loopback", "::1": "loopback",
		"10.0.0.1": "private", "172.16.0.1": "private", "172.31.255.255": "private", "192.168.1.1": "private",
		"fc00::1": "unique local", "fd12:3456::1": "unique local",
		"169.254.169.254": "link-local", "169.254.0.1": "link-local", "fe80::1": "link-local", "fe80::1%eth0": "link-local",
		"100.64.0.1": "carrier-grade NAT", "100.127.255.254": "carrier-grade NAT",
		"0.0.0.0": "this network", "::": "unspecified",
		"224.0.0.1": "multicast", "239.255.255.250": "multicast", "ff02::1": "multicast",
		"255.255.255.255": "broadcast", "240.0.0.1": "reserved",
		"192.0.2.1": "documentation", "2001:db8::1": "documentation", "198.18.0.1": "benchmarking",
		// IPv6 forms of refused IPv4 addresses.
		"::ffff:127.0.0.1": "loopback", "::ffff:169.254.169.254": "link-local", "::ffff:10.0.0.1": "private",
		"::127.0.0.1": "IPv4-compatible", "::10.0.0.1": "IPv4-compatible", "::8.8.8.8": "IPv4-compatible",
		"64:ff9b::7f00:1": "NAT64", "64:ff9b::a9fe:a9fe": "NAT64", "64:ff9b::808:808": "NAT64",
		"64:ff9b:1::a00:1": "NAT64",
		"2002:7f00:1::1":   "6to4", "2002:a9fe:a9fe::1": "6to4",
		"2001:0:4136:e378:8000:63bf:3fff:fdd2": "Teredo",
		"::ffff:0:7f00:1":                      "IPv4-translated",
		"fec0::1":                              "site-local", "100::1": "discard",
	} {
		err := outbound.Check(netip.MustParseAddr(addr))
		require.ErrorIsf(t, err, outbound.ErrNotAllowed, "%s", addr)
		require.ErrorContainsf(t, err, why, "%s", addr)
		require.Falsef(t, outbound.Allowed(netip.MustParseAddr(addr)), "%s", addr)
	}
	require.ErrorIs(t, outbound.Check(netip.Addr{}), outbound.ErrNotAllowed, "no address is not a public one")
}
