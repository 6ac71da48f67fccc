package smtp

import (
	"context"
	"crypto/tls"
	"time"

	"github.com/engagehq/engage/ports"
)

// Verifier checks a brand's mail server without sending anything: it connects in the account's
// TLS mode, logs in when the account has a username, offers the account's From as sender
// (MAIL FROM), then resets and quits. The zero value is ready to use.
type Verifier struct {
	// TLSConfig is the base TLS configuration for "tls" and "starttls" accounts, such as RootCAs
	// trusting a test certificate. It is cloned; an empty ServerName becomes the account's host.
	// Nil means the system roots.
	TLSConfig *tls.Config
	// Timeout bounds the whole check, connecting included; zero means DefaultTimeout.
	Timeout time.Duration
	// LocalName is the name sent with EHLO; empty means "localhost".
	LocalName string
	// AllowPrivate lets it connect to any address. Otherwise (production) a server whose
	// address is private, loopback, link-local or reserved (outbound.Check), whatever its host
	// name resolves to, is refused before connecting, with an error wrapping
	// outbound.ErrNotAllowed: a brand's mail server cannot be the platform's own network.
	AllowPrivate bool
}

var _ ports.SMTPVerifier = Verifier{}

// Verify reports whether the server at account.Host:account.Port answers, speaks the account's
// TLS mode, accepts the login and accepts account.From as sender. A refusal by the server is a
// *ports.ProviderError (see the package documentation); a server that cannot be reached is an
// error wrapping ErrUnreachable.
func (v Verifier) Verify(ctx context.Context, account ports.SMTPAccount, password string) error {
	from, err := envelopeSender(account.From)
	if err != nil {
		return err
	}
	s, err := v.dialer().open(ctx, account, password)
	if err != nil {
		return err
	}
	if err := s.client.Mail(from); err != nil {
		return s.abort("MAIL FROM", err)
	}
	if err := s.client.Reset(); err != nil {
		return s.abort("RSET", err)
	}
	s.quit()
	return nil
}

func (v Verifier) dialer() dialer {
	return dialer{tlsConfig: v.TLSConfig, timeout: v.Timeout, localName: v.LocalName, allowPrivate: v.AllowPrivate}
}
