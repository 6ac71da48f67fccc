package channels_test

import (
	"bufio"
	"context"
	"net"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

func setup(t *testing.T, production bool) *wire.App {
	t.Helper()
	pg := pgtest.New(t)
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("test sign-in key"), Workers: 1, NoPeriodicJobs: true, Production: production}, pg.OpenApp(t))
	require.NoError(t, err)
	return a
}

// internalService is a service on the platform's own network that greets like a mail server
// and then refuses everything with words that must never reach a page: a token and an internal address.
// It counts the connections it gets.
func internalService(t *testing.T) (port int, connections *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	connections = &atomic.Int32{}
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			connections.Add(1)
			go func() {
				defer conn.Close()
				_, _ = conn.Write([]byte("220 pg-primary.internal ready token=s3cr3t\r\n"))
				lines := bufio.NewReader(conn)
				for {
					if _, err := lines.ReadString('\n'); err != nil {
						return
					}
					_, _ = conn.Write([]byte("554 5.7.1 pg-primary.internal (10.1.2.3) token=s3cr3t says no\r\n"))
				}
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, connections
}

// storedTestError is the channel's test result as the database keeps it.
func storedTestError(t *testing.T, a *wire.App, tn tenants.Tenant) string {
	t.Helper()
	var s *string
	require.NoError(t, a.DB.ReadInTenant(t.Context(), tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		return q.QueryRow(ctx, `SELECT test_error FROM channel_settings WHERE channel = 'smtp'`).Scan(&s)
	}))
	require.NotNil(t, s)
	return *s
}

func TestInProductionAMailServerOnAnInternalAddressIsNeverConnectedTo(t *testing.T) {
	t.Parallel()
	a := setup(t, true)
	port, connections := internalService(t)
	tn := pgtest.NewTenant(t, a.Tenants)
	for _, host := range []string{"localhost", "127.0.0.1", "169.254.169.254", "10.0.0.5"} {
		require.NoError(t, a.Channels.Save(t.Context(), tn.ID, ports.ChannelSMTP,
			ports.SMTPAccount{Host: host, Port: port, From: "members@lotus.example", TLS: "none"}, "smtp-pass-0001"))
		res, err := a.Channels.Test(t.Context(), tn.ID, ports.ChannelSMTP)
		require.NoError(t, err)
		require.Equalf(t, channels.ProblemAddressNotAllowed, res.Problem, "%s: %v", host, res.Detail)
		require.Equal(t, channels.ProblemAddressNotAllowed, storedTestError(t, a, tn), "the stored result names the problem only")
		st, err := a.Channels.Get(t.Context(), tn.ID)
		require.NoError(t, err)
		require.Equal(t, channels.ProblemAddressNotAllowed, st.Tests[ports.ChannelSMTP].Problem)
	}
	require.Zero(t, connections.Load(), "nothing on the platform's network was connected to")
}

func TestATestResultKeepsNeitherTheServersWordsNorAddresses(t *testing.T) {
	t.Parallel()
	a := setup(t, false) // development: local servers may be tested
	port, connections := internalService(t)
	tn := pgtest.NewTenant(t, a.Tenants)
	require.NoError(t, a.Channels.Save(t.Context(), tn.ID, ports.ChannelSMTP,
		ports.SMTPAccount{Host: "127.0.0.1", Port: port, From: "members@lotus.example", TLS: "none"}, "smtp-pass-0001"))

	res, err := a.Channels.Test(t.Context(), tn.ID, ports.ChannelSMTP)
	require.NoError(t, err)
	require.Equal(t, int32(1), connections.Load())
	require.Equal(t, channels.TestResult{Problem: channels.ProblemRefused, Provider: "smtp", Code: "554"},
		channels.TestResult{Problem: res.Problem, Provider: res.Provider, Code: res.Code})
	require.ErrorContains(t, res.Detail, "s3cr3t", "the detail, for the log, keeps what the server said")
	stored := storedTestError(t, a, tn)
	require.Equal(t, "refused:smtp:554", stored)

	// A closed port: the result says so, without the addresses of either end.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	require.NoError(t, a.Channels.Save(t.Context(), tn.ID, ports.ChannelSMTP,
		ports.SMTPAccount{Host: "127.0.0.1", Port: closed, From: "members@lotus.example", TLS: "none"}, ""))
	res, err = a.Channels.Test(t.Context(), tn.ID, ports.ChannelSMTP)
	require.NoError(t, err)
	require.Equal(t, string(ports.FailureConnectionRefused), res.Problem)
	require.Equal(t, string(ports.FailureConnectionRefused), storedTestError(t, a, tn))
}
