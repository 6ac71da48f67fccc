package smtp

import (
	netsmtp "net/smtp"
	"net/textproto"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/smtp/mailpittest"
)

func TestPickAuthPrefersPlainThenLoginThenCRAMMD5(t *testing.T) {
	t.Parallel()
	require.IsType(t, plainAuth{}, pickAuth("CRAM-MD5 LOGIN PLAIN", "u", "p"))
	require.IsType(t, &loginAuth{}, pickAuth("login cram-md5", "u", "p"))
	cram := pickAuth("CRAM-MD5", "u", "p")
	require.NotNil(t, cram)
	mech, _, err := cram.Start(&netsmtp.ServerInfo{})
	require.NoError(t, err)
	require.Equal(t, "CRAM-MD5", mech)
	require.Nil(t, pickAuth("XOAUTH2 GSSAPI", "u", "p"))
	require.Nil(t, pickAuth("", "u", "p"))
}

func TestLoginAuthAnswersPromptsInEitherOrder(t *testing.T) {
	t.Parallel()
	a := &loginAuth{username: "brand", password: "secret"}
	mech, initial, err := a.Start(&netsmtp.ServerInfo{})
	require.NoError(t, err)
	require.Equal(t, "LOGIN", mech)
	require.Nil(t, initial)
	resp, err := a.Next([]byte("Username:"), true)
	require.NoError(t, err)
	require.Equal(t, "brand", string(resp))
	resp, err = a.Next([]byte("Password:"), true)
	require.NoError(t, err)
	require.Equal(t, "secret", string(resp))
	resp, err = a.Next(nil, false)
	require.NoError(t, err)
	require.Nil(t, resp)

	// Servers with other prompts get the username first, then the password.
	_, _, _ = a.Start(&netsmtp.ServerInfo{})
	resp, _ = a.Next([]byte("Benutzername"), true)
	require.Equal(t, "brand", string(resp))
	resp, _ = a.Next([]byte("Kennwort"), true)
	require.Equal(t, "secret", string(resp))
	_, err = a.Next([]byte("again?"), true)
	require.Error(t, err)
}

// TestLoginAuthAgainstMailpit logs in with LOGIN, which Verify and Send use when a server
// offers no PLAIN; mailpit records the username of LOGIN sessions with the message.
func TestLoginAuthAgainstMailpit(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{Username: "brand", Password: "密码 secret"})

	c, err := netsmtp.Dial(mp.SMTPAddr())
	require.NoError(t, err)
	err = c.Auth(&loginAuth{username: "brand", password: "wrong"})
	var reply *textproto.Error
	require.ErrorAs(t, err, &reply)
	require.Equal(t, 535, reply.Code)

	c, err = netsmtp.Dial(mp.SMTPAddr())
	require.NoError(t, err)
	require.NoError(t, c.Auth(&loginAuth{username: "brand", password: "密码 secret"}))
	require.NoError(t, c.Mail("hello@lotus.example"))
	require.NoError(t, c.Rcpt("ada@example.com"))
	w, err := c.Data()
	require.NoError(t, err)
	_, err = w.Write([]byte("Subject: login\r\n\r\nhi\r\n"))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, c.Quit())

	list := mp.Messages(t)
	require.Len(t, list, 1)
	require.Equal(t, "brand", list[0].Username)
}

func TestPlainAuthSendsInitialResponse(t *testing.T) {
	t.Parallel()
	mech, resp, err := plainAuth{username: "brand", password: "pw"}.Start(&netsmtp.ServerInfo{Name: "mail.example.com"})
	require.NoError(t, err, "PLAIN also works without TLS, for accounts with TLS none")
	require.Equal(t, "PLAIN", mech)
	require.Equal(t, "\x00brand\x00pw", string(resp))
	_, err = plainAuth{}.Next([]byte("challenge"), true)
	require.Error(t, err)
}
