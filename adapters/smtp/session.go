package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netsmtp "net/smtp"
	"strconv"
	"time"

	"github.com/engagehq/engage/adapters/netguard"
	"github.com/engagehq/engage/ports"
)

// session is one conversation with a mail server: connected, greeted, encrypted as the account
// asks and logged in when it has a username.
type session struct {
	client *netsmtp.Client
	conn   net.Conn
	addr   string
	mode   string
	start  time.Time
	// ctx bounds the conversation (the caller's context and the dialer's timeout).
	ctx    context.Context
	cancel context.CancelFunc
	// stop undoes the hook that interrupts blocked I/O when ctx ends.
	stop func() bool
}

// open connects to the account's server and prepares a session ready for MAIL FROM.
func (d dialer) open(ctx context.Context, account ports.SMTPAccount, password string) (*session, error) {
	if err := checkAccount(account); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, d.limit())
	s := &session{
		addr:   net.JoinHostPort(account.Host, strconv.Itoa(account.Port)),
		mode:   account.TLS,
		start:  time.Now(),
		ctx:    ctx,
		cancel: cancel,
	}
	conn, err := netguard.Dialer(0, d.allowPrivate).DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, s.abort("connect", err)
	}
	s.conn = conn
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	// Blocking reads and writes return as soon as the context ends, not at the deadline only.
	s.stop = context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })

	if account.TLS == TLSImplicit {
		tc := tls.Client(conn, d.tlsFor(account.Host))
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, s.abort(stepTLS, err)
		}
		conn = tc
	}
	client, err := netsmtp.NewClient(conn, account.Host)
	if err != nil {
		return nil, s.abort("greeting", err)
	}
	s.client = client
	if err := client.Hello(d.ehloName()); err != nil {
		return nil, s.abort("EHLO", err)
	}
	if account.TLS == TLSStartTLS {
		if ok, _ := client.Extension("STARTTLS"); !ok {
			return nil, s.abort(stepStartTLS, &ports.ProviderError{Provider: provider, Code: CodeStartTLSUnavailable,
				Message: "the server does not offer STARTTLS, which the account requires"})
		}
		if err := client.StartTLS(d.tlsFor(account.Host)); err != nil {
			return nil, s.abort(stepStartTLS, err)
		}
	}
	if account.Username != "" {
		if err := s.login(account.Username, password); err != nil {
			return nil, s.abort("login", err)
		}
	}
	return s, nil
}

// checkAccount refuses an account that cannot name a server or a TLS mode.
func checkAccount(account ports.SMTPAccount) error {
	if account.Host == "" {
		return errors.New("smtp: the account has no host")
	}
	if account.Port < 1 || account.Port > 65535 {
		return fmt.Errorf("smtp: port %d is not a TCP port", account.Port)
	}
	switch account.TLS {
	case TLSStartTLS, TLSImplicit, TLSNone:
		return nil
	}
	return fmt.Errorf("smtp: unknown TLS mode %q (want %q, %q or %q)", account.TLS, TLSStartTLS, TLSImplicit, TLSNone)
}

// login authenticates with the best mechanism both sides speak: PLAIN, else LOGIN, else CRAM-MD5.
func (s *session) login(username, password string) error {
	ok, mechs := s.client.Extension("AUTH")
	if !ok {
		return &ports.ProviderError{Provider: provider, Code: CodeAuthUnavailable,
			Message: "the account has a username but the server offers no AUTH"}
	}
	auth := pickAuth(mechs, username, password)
	if auth == nil {
		return &ports.ProviderError{Provider: provider, Code: CodeAuthUnavailable,
			Message: "the server offers only AUTH " + mechs + "; this adapter speaks PLAIN, LOGIN and CRAM-MD5"}
	}
	return s.client.Auth(auth)
}

// abort ends the session after a failure at step and returns the error to report.
func (s *session) abort(step string, err error) error {
	err = s.explain(step, err)
	s.close()
	return err
}

// quit ends the conversation politely; the server's answer to QUIT does not matter.
func (s *session) quit() {
	if s.client != nil {
		_ = s.client.Quit()
	}
	s.close()
}

func (s *session) close() {
	if s.client != nil {
		_ = s.client.Close()
	} else if s.conn != nil {
		_ = s.conn.Close()
	}
	if s.stop != nil {
		s.stop()
	}
	s.cancel()
}
