package mailpittest_test

import (
	"crypto/tls"
	"net"
	"net/smtp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/smtp/mailpittest"
)

const rawMessage = "From: shop@example.com\r\nTo: ada@example.com\r\nSubject: hello\r\n\r\nbody line\r\n"

func TestStartReceivesPlainSMTP(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{})
	require.Nil(t, mp.TLSConfig())
	require.Empty(t, mp.Messages(t))

	require.NoError(t, smtp.SendMail(mp.SMTPAddr(), nil, "shop@example.com", []string{"ada@example.com"}, []byte(rawMessage)))

	list := mp.Messages(t)
	require.Len(t, list, 1)
	require.Equal(t, "hello", list[0].Subject)
	require.Equal(t, "shop@example.com", list[0].From.Address)
	require.Equal(t, []mailpittest.Address{{Address: "ada@example.com"}}, list[0].To)
	msg := mp.Message(t, list[0].ID)
	require.Equal(t, "body line", strings.TrimSpace(msg.Text))
	require.Contains(t, mp.Raw(t, list[0].ID), "Subject: hello\r\n")

	acct := mp.Account("shop@example.com")
	require.Equal(t, "127.0.0.1", acct.Host)
	require.Equal(t, mp.SMTPPort(), acct.Port)
	require.Equal(t, mailpittest.TLSNone, acct.TLS)
}

func TestStartRequiresLoginAndSTARTTLS(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{Username: "brand", Password: "s3cret pass", TLS: mailpittest.TLSStartTLS})

	// Without STARTTLS the server refuses MAIL FROM.
	c, err := smtp.Dial(mp.SMTPAddr())
	require.NoError(t, err)
	ok, _ := c.Extension("STARTTLS")
	require.True(t, ok)
	require.ErrorContains(t, c.Mail("shop@example.com"), "530")
	require.NoError(t, c.Close())

	// With STARTTLS, the test certificate trusted and the right login, it accepts the message.
	c, err = smtp.Dial(mp.SMTPAddr())
	require.NoError(t, err)
	require.NoError(t, c.StartTLS(mp.TLSConfig()))
	require.NoError(t, c.Auth(smtp.PlainAuth("", "brand", "s3cret pass", mp.SMTPHost())))
	require.NoError(t, c.Mail("shop@example.com"))
	require.NoError(t, c.Rcpt("ada@example.com"))
	w, err := c.Data()
	require.NoError(t, err)
	_, err = w.Write([]byte(rawMessage))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, c.Quit())

	require.Len(t, mp.Messages(t), 1)
}

func TestStartImplicitTLS(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{TLS: mailpittest.TLSImplicit})
	conn, err := tls.Dial("tcp", mp.SMTPAddr(), mp.TLSConfig())
	require.NoError(t, err)
	c, err := smtp.NewClient(conn, mp.SMTPHost())
	require.NoError(t, err)
	ok, _ := c.Extension("STARTTLS")
	require.False(t, ok, "STARTTLS is not offered inside TLS")
	require.NoError(t, c.Quit())
}

func TestStopRefusesConnections(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{})
	mp.Stop()
	mp.Stop()
	_, err := net.DialTimeout("tcp", mp.SMTPAddr(), time.Second)
	require.Error(t, err)
}

func TestStartRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]mailpittest.Options{
		"unknown TLS mode":             {TLS: "ssl"},
		"STARTTLS required without it": {RequireSTARTTLS: true},
		"colon in username":            {Username: "a:b", Password: "x"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ft := &fatalRecorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				mailpittest.Start(ft, opts)
			}()
			<-done
			require.True(t, ft.fatal, "Start must fail the test")
		})
	}
}

// fatalRecorder records Fatalf instead of ending the test, so a test can check that a helper
// refuses its input.
type fatalRecorder struct {
	testing.TB
	fatal bool
}

// Fatalf records the failure and ends the goroutine.
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.fatal = true
	f.Logf("Fatalf: "+format, args...)
	runtime.Goexit()
}
