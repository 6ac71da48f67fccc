package netguard_test

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/netguard"
	"github.com/engagehq/engage/domain/outbound"
)

func TestDialerRefusesInternalAddressesAfterResolvingUnlessAllowed(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	_, port, err := net.SplitHostPort(l.Addr().String())
	require.NoError(t, err)

	// localhost resolves to loopback: a host name does not get around the check.
	for _, host := range []string{"127.0.0.1", "localhost"} {
		_, err := netguard.Dialer(0, false).DialContext(context.Background(), "tcp", net.JoinHostPort(host, port))
		require.ErrorIsf(t, err, outbound.ErrNotAllowed, "%s", host)
		require.ErrorContainsf(t, err, "loopback", "%s", host)
	}
	// Addresses that lead to an internal one are refused before anything is sent.
	for _, addr := range []string{"[64:ff9b::7f00:1]:9", "[::127.0.0.1]:9", "[::ffff:127.0.0.1]:" + port, "169.254.169.254:80"} {
		_, err := netguard.Dialer(0, false).DialContext(context.Background(), "tcp", addr)
		require.ErrorIsf(t, err, outbound.ErrNotAllowed, "%s", addr)
	}

	conn, err := netguard.Dialer(0, true).DialContext(context.Background(), "tcp", net.JoinHostPort("localhost", port))
	require.NoError(t, err, "development allows local receivers")
	require.NoError(t, conn.Close())
}
