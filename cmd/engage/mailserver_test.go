package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/ports"
)

// ENGAGE_SMTP_URL names the platform's mail server: its account, password and TLS, with the
// ports of the TLS modes as defaults; a URL that says too little is refused, an empty one is none.
func TestPlatformMailServerFromItsURL(t *testing.T) {
	got, err := mailServerFrom("smtp://noreply%40example.com:s%3Acret@smtp.example.com?from=Engage%20%3Cnoreply%40example.com%3E")
	require.NoError(t, err)
	require.Equal(t, &ports.MailServer{Account: ports.SMTPAccount{Host: "smtp.example.com", Port: 587, Username: "noreply@example.com",
		From: "noreply@example.com", TLS: "starttls"}, Password: "s:cret"}, got)
	got, err = mailServerFrom("smtp://smtp.example.com?from=a@example.com&tls=tls")
	require.NoError(t, err)
	require.Equal(t, 465, got.Account.Port)
	got, err = mailServerFrom("smtp://127.0.0.1:1025?from=a@example.com&tls=none")
	require.NoError(t, err)
	require.Equal(t, ports.SMTPAccount{Host: "127.0.0.1", Port: 1025, From: "a@example.com", TLS: "none"}, got.Account)
	none, err := mailServerFrom("")
	require.NoError(t, err)
	require.Nil(t, none)
	for _, bad := range []string{"http://smtp.example.com?from=a@example.com", "smtp://smtp.example.com", "smtp://smtp.example.com?from=a@example.com&tls=ssl",
		"smtp://smtp.example.com:99999?from=a@example.com", "smtp://?from=a@example.com"} {
		_, err := mailServerFrom(bad)
		require.Error(t, err, bad)
	}
}
