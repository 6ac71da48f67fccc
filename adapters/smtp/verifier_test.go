package smtp_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/smtp"
	"github.com/engagehq/engage/adapters/smtp/mailpittest"
	"github.com/engagehq/engage/domain/outbound"
	"github.com/engagehq/engage/ports"
)

const (
	sender   = "莲花茶饮 <hello@lotus.example>"
	username = "lotus-brand"
	password = "correct horse 电池 staple"
)

// refusal returns the *ports.ProviderError in err, failing the test when there is none.
func refusal(t *testing.T, err error) *ports.ProviderError {
	t.Helper()
	require.Error(t, err)
	var pe *ports.ProviderError
	require.ErrorAs(t, err, &pe, "want a provider refusal, got %v", err)
	require.Equal(t, "smtp", pe.Provider)
	return pe
}

func TestVerifyAcceptsLoginOverSTARTTLS(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{Username: username, Password: password, TLS: mailpittest.TLSStartTLS})
	v := smtp.Verifier{TLSConfig: mp.TLSConfig(), AllowPrivate: true}

	require.NoError(t, v.Verify(context.Background(), mp.Account(sender), password))
	require.Empty(t, mp.Messages(t), "verifying sends nothing")
}

func TestVerifyAcceptsLoginOverImplicitTLS(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{Username: username, Password: password, TLS: mailpittest.TLSImplicit})
	v := smtp.Verifier{TLSConfig: mp.TLSConfig(), AllowPrivate: true}

	require.NoError(t, v.Verify(context.Background(), mp.Account(sender), password))
}

func TestVerifyAcceptsPlainConnection(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{Username: username, Password: password})
	require.NoError(t, smtp.Verifier{AllowPrivate: true}.Verify(context.Background(), mp.Account(sender), password))

	open := mailpittest.Start(t, mailpittest.Options{})
	require.NoError(t, smtp.Verifier{AllowPrivate: true}.Verify(context.Background(), open.Account(sender), ""))
}

func TestVerifyReportsWrongPasswordAs535(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{Username: username, Password: password, TLS: mailpittest.TLSStartTLS})
	v := smtp.Verifier{TLSConfig: mp.TLSConfig(), AllowPrivate: true}

	err := v.Verify(context.Background(), mp.Account(sender), "wrong password")
	pe := refusal(t, err)
	require.Equal(t, "535", pe.Code)
	require.Contains(t, pe.Message, "Authentication credentials invalid")
	require.ErrorContains(t, err, "login")
	require.NotErrorIs(t, err, smtp.ErrUnreachable)
	require.Equal(t, ports.FailureCredentials, kind(t, err), "an admin is told the login was rejected")

	account := mp.Account(sender)
	account.Username = "someone-else"
	require.Equal(t, "535", refusal(t, v.Verify(context.Background(), account, password)).Code)
}

func TestVerifyRefusesServerWithoutSTARTTLS(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{Username: username, Password: password})
	account := mp.Account(sender)
	account.TLS = smtp.TLSStartTLS

	err := smtp.Verifier{AllowPrivate: true}.Verify(context.Background(), account, password)
	pe := refusal(t, err)
	require.Equal(t, smtp.CodeStartTLSUnavailable, pe.Code)
	require.Equal(t, "starttls_unavailable", pe.Code)
	require.Contains(t, pe.Message, "does not offer STARTTLS")
}

func TestVerifyReportsServerThatRequiresTLSFirst(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{Username: username, Password: password, TLS: mailpittest.TLSStartTLS})
	account := mp.Account(sender)
	account.TLS = smtp.TLSNone

	pe := refusal(t, smtp.Verifier{AllowPrivate: true}.Verify(context.Background(), account, password))
	require.Equal(t, "530", pe.Code)
	require.Contains(t, pe.Message, "STARTTLS")
}

func TestVerifyReportsRefusedSender(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{ChaosTriggers: "Sender:550:100"})

	err := smtp.Verifier{AllowPrivate: true}.Verify(context.Background(), mp.Account(sender), "")
	require.Equal(t, "550", refusal(t, err).Code)
	require.ErrorContains(t, err, "MAIL FROM")
}

func TestVerifyDistrustsUnknownCertificate(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{Username: username, Password: password, TLS: mailpittest.TLSStartTLS})

	err := smtp.Verifier{AllowPrivate: true}.Verify(context.Background(), mp.Account(sender), password)
	require.ErrorContains(t, err, "not trusted")
	require.Equal(t, ports.FailureTLS, kind(t, err))
	var pe *ports.ProviderError
	require.False(t, errors.As(err, &pe))
}

func TestVerifyReportsPlainServerOnImplicitTLS(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{})
	account := mp.Account(sender)
	account.TLS = smtp.TLSImplicit

	err := smtp.Verifier{AllowPrivate: true}.Verify(context.Background(), account, "")
	require.ErrorContains(t, err, "does not answer with TLS")
	require.Equal(t, ports.FailureTLS, kind(t, err))
}

func TestVerifyReportsClosedPort(t *testing.T) {
	t.Parallel()
	account := ports.SMTPAccount{Host: "127.0.0.1", Port: closedPort(t), From: sender, TLS: smtp.TLSStartTLS}

	err := smtp.Verifier{AllowPrivate: true}.Verify(context.Background(), account, "")
	require.ErrorIs(t, err, smtp.ErrUnreachable)
	require.ErrorContains(t, err, "127.0.0.1:"+strconv.Itoa(account.Port)+" refused the connection")
	var pe *ports.ProviderError
	require.False(t, errors.As(err, &pe), "an unreachable server is not a provider refusal")
	require.Equal(t, ports.FailureConnectionRefused, kind(t, err))
}

func TestVerifyReportsStoppedServer(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{})
	mp.Stop()

	require.ErrorIs(t, smtp.Verifier{AllowPrivate: true}.Verify(context.Background(), mp.Account(sender), ""), smtp.ErrUnreachable)
}

func TestVerifyTimesOutOnSilentServer(t *testing.T) {
	t.Parallel()
	addr := silentServer(t)
	port, err := strconv.Atoi(addr.Port)
	require.NoError(t, err)
	account := ports.SMTPAccount{Host: addr.Host, Port: port, From: sender, TLS: smtp.TLSStartTLS}

	started := time.Now()
	err = smtp.Verifier{Timeout: 300 * time.Millisecond, AllowPrivate: true}.Verify(context.Background(), account, "")
	require.Less(t, time.Since(started), 5*time.Second)
	require.ErrorIs(t, err, smtp.ErrUnreachable)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "did not answer (greeting)")
	require.ErrorContains(t, err, "implicit TLS")
	require.Equal(t, ports.FailureNoAnswer, kind(t, err))
}

func TestVerifyRefusesInternalAddressesUnlessAllowed(t *testing.T) {
	t.Parallel()
	connected := make(chan struct{}, 10)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			connected <- struct{}{}
			_, _ = conn.Write([]byte("220 internal-service ready token=s3cr3t\r\n"))
			_ = conn.Close()
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port

	// A host name that resolves to loopback is refused like the address itself; so are the
	// metadata service, private networks and IPv6 forms of them.
	for _, host := range []string{"127.0.0.1", "localhost", "169.254.169.254", "10.0.0.1", "::ffff:127.0.0.1", "64:ff9b::7f00:1"} {
		account := ports.SMTPAccount{Host: host, Port: port, From: sender, TLS: smtp.TLSNone}
		err := smtp.Verifier{}.Verify(context.Background(), account, "")
		require.ErrorIsf(t, err, outbound.ErrNotAllowed, "%s", host)
		require.NotErrorIsf(t, err, smtp.ErrUnreachable, "%s: retrying will not help", host)
		require.Falsef(t, smtp.Retryable(err), "%s", host)
		require.NotContainsf(t, err.Error(), "s3cr3t", "%s", host)
		err = smtp.Sender{}.Send(context.Background(), account, "", smtp.Message{To: []string{"ada@example.com"}, Subject: "x", Text: "x"})
		require.ErrorIsf(t, err, outbound.ErrNotAllowed, "%s: sending is refused too", host)
	}
	require.Empty(t, connected, "nothing was connected to")

	// Development allows the local server.
	err = smtp.Verifier{AllowPrivate: true}.Verify(context.Background(), ports.SMTPAccount{Host: "localhost", Port: port, From: sender, TLS: smtp.TLSNone}, "")
	require.NotErrorIs(t, err, outbound.ErrNotAllowed)
	require.Len(t, connected, 1)
}

// kind returns the ports.FailureKind err wraps, failing the test when there is none.
func kind(t *testing.T, err error) ports.FailureKind {
	t.Helper()
	var k ports.FailureKind
	require.ErrorAs(t, err, &k, "want a failure kind in %v", err)
	return k
}

func TestVerifyStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	addr := silentServer(t)
	port, err := strconv.Atoi(addr.Port)
	require.NoError(t, err)
	account := ports.SMTPAccount{Host: addr.Host, Port: port, From: sender, TLS: smtp.TLSNone}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)

	started := time.Now()
	err = smtp.Verifier{AllowPrivate: true}.Verify(ctx, account, "")
	require.Less(t, time.Since(started), 5*time.Second, "cancelling interrupts the wait for the greeting")
	require.ErrorIs(t, err, context.Canceled)
}

func TestVerifyRejectsIncompleteAccount(t *testing.T) {
	t.Parallel()
	good := ports.SMTPAccount{Host: "127.0.0.1", Port: 25, From: sender, TLS: smtp.TLSStartTLS}
	for name, tc := range map[string]struct {
		edit func(*ports.SMTPAccount)
		want string
	}{
		"unknown TLS mode": {func(a *ports.SMTPAccount) { a.TLS = "ssl" }, `unknown TLS mode "ssl"`},
		"empty TLS mode":   {func(a *ports.SMTPAccount) { a.TLS = "" }, `unknown TLS mode ""`},
		"no host":          {func(a *ports.SMTPAccount) { a.Host = "" }, "no host"},
		"bad port":         {func(a *ports.SMTPAccount) { a.Port = 70000 }, "not a TCP port"},
		"bad From":         {func(a *ports.SMTPAccount) { a.From = "not an address" }, "not an email address"},
		"no From":          {func(a *ports.SMTPAccount) { a.From = "" }, "From address is empty"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			account := good
			tc.edit(&account)
			err := smtp.Verifier{AllowPrivate: true}.Verify(context.Background(), account, "")
			require.ErrorContains(t, err, tc.want)
			require.NotErrorIs(t, err, smtp.ErrUnreachable)
		})
	}
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	return port
}

type hostPort struct{ Host, Port string }

// silentServer accepts connections and never says a word, like an implicit-TLS port waiting
// for a client hello.
func silentServer(t *testing.T) hostPort {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	host, port, err := net.SplitHostPort(l.Addr().String())
	require.NoError(t, err)
	return hostPort{host, port}
}
