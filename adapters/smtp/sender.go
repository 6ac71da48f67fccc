package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"strconv"
	"time"

	"github.com/engagehq/engage/ports"
)

// Sender delivers messages through a brand's mail server. The zero value is ready to use.
type Sender struct {
	// TLSConfig is the base TLS configuration for "tls" and "starttls" accounts, such as RootCAs
	// trusting a test certificate. It is cloned; an empty ServerName becomes the account's host.
	// Nil means the system roots.
	TLSConfig *tls.Config
	// Timeout bounds one whole send, connecting included; zero means DefaultTimeout.
	Timeout time.Duration
	// LocalName is the name sent with EHLO; empty means "localhost".
	LocalName string
	// AllowPrivate lets it connect to any address. Otherwise (production) a server whose
	// address is private, loopback, link-local or reserved (outbound.Check), whatever its host
	// name resolves to, is refused before connecting, with an error wrapping
	// outbound.ErrNotAllowed: a brand's mail server cannot be the platform's own network.
	AllowPrivate bool
}

// Send delivers msg to its recipients through the account's server, logging in with password
// when the account has a username. The envelope sender is account.From. An unusable message
// is an error wrapping ErrInvalidMessage, returned before connecting; a refusal by the server
// (of the login, the sender, a recipient or the message) is a *ports.ProviderError; a server
// that cannot be reached is an error wrapping ErrUnreachable. Retryable tells which to retry.
func (s Sender) Send(ctx context.Context, account ports.SMTPAccount, password string, msg Message) error {
	sender, err := envelopeSender(account.From)
	if err != nil {
		return err
	}
	env, err := msg.check(account.From)
	if err != nil {
		return err
	}
	body, err := msg.render(env, time.Now())
	if err != nil {
		return err
	}
	sess, err := dialer{tlsConfig: s.TLSConfig, timeout: s.Timeout, localName: s.LocalName, allowPrivate: s.AllowPrivate}.open(ctx, account, password)
	if err != nil {
		return err
	}
	if err := sess.client.Mail(sender); err != nil {
		return sess.abort("MAIL FROM", err)
	}
	for _, to := range env.to {
		if err := sess.client.Rcpt(to.Address); err != nil {
			return sess.abort("RCPT TO <"+to.Address+">", err)
		}
	}
	w, err := sess.client.Data()
	if err != nil {
		return sess.abort("DATA", err)
	}
	if _, err := w.Write(body); err != nil {
		return sess.abort("the message", err)
	}
	if err := w.Close(); err != nil {
		return sess.abort("the message", err)
	}
	sess.quit()
	return nil
}

// Retryable reports whether a failed Send may succeed later unchanged: the server could not be
// reached, or refused with a transient (4xx) reply. Refusals with a 5xx reply, the adapter's own
// codes and invalid messages are permanent.
func Retryable(err error) bool {
	if errors.Is(err, ErrUnreachable) {
		return true
	}
	var refusal *ports.ProviderError
	if errors.As(err, &refusal) {
		code, convErr := strconv.Atoi(refusal.Code)
		return convErr == nil && code >= 400 && code < 500
	}
	return false
}
