package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"syscall"
	"time"

	"github.com/engagehq/engage/domain/outbound"
	"github.com/engagehq/engage/ports"
)

// provider is the Provider of the adapter's *ports.ProviderError.
const provider = "smtp"

// ProviderError codes that are the adapter's own rather than an SMTP reply code.
const (
	// CodeStartTLSUnavailable: the account requires STARTTLS and the server does not offer it.
	CodeStartTLSUnavailable = "starttls_unavailable"
	// CodeAuthUnavailable: the account has a username and the server offers no AUTH mechanism
	// the adapter speaks (PLAIN, LOGIN, CRAM-MD5).
	CodeAuthUnavailable = "auth_unavailable"
)

// ErrUnreachable is wrapped by the errors of a server that could not be reached or did not
// answer in time: connection refused, unknown host, timeout, connection dropped.
var ErrUnreachable = errors.New("smtp: mail server unreachable")

// unreachable is an error for a server that could not be reached: it says why in plain words
// and wraps ErrUnreachable and the causes.
type unreachable struct {
	msg    string
	causes []error
}

// Error says why in plain words, then the first cause.
func (e *unreachable) Error() string { return e.msg + ": " + e.causes[0].Error() }

// Unwrap gives ErrUnreachable and the causes.
func (e *unreachable) Unwrap() []error { return append([]error{ErrUnreachable}, e.causes...) }

// Steps of a session that set up TLS.
const (
	stepTLS      = "TLS handshake"
	stepStartTLS = "STARTTLS"
)

// explain turns the failure of step into the error the adapter returns: a *ports.ProviderError
// for a refusal by the server, else an error that says what went wrong in plain words. Each
// also wraps the ports.FailureKind a person is told (the words here, which name the server's
// address and may quote it, are for the log).
func (s *session) explain(step string, err error) error {
	var reply *textproto.Error
	var refusal *ports.ProviderError
	var dnsErr *net.DNSError
	var recordErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	ctxErr := s.ctx.Err()
	switch {
	case errors.As(err, &reply):
		refusal = &ports.ProviderError{Provider: provider, Code: strconv.Itoa(reply.Code), Message: reply.Msg}
		if step == "login" {
			return fmt.Errorf("smtp: %s refused %s: %w: %w", s.addr, step, ports.FailureCredentials, refusal)
		}
		return fmt.Errorf("smtp: %s refused %s: %w", s.addr, step, refusal)
	case errors.As(err, &refusal):
		return fmt.Errorf("smtp: %s: %s: %w", s.addr, step, refusal)
	case errors.Is(ctxErr, context.Canceled):
		return fmt.Errorf("smtp: %s: %s interrupted: %w", s.addr, step, ctxErr)
	case errors.Is(ctxErr, context.DeadlineExceeded) || isTimeout(err):
		// The connection's deadline is the context's, and may fire a moment before it.
		causes := []error{err, context.DeadlineExceeded, ports.FailureNoAnswer}
		msg := fmt.Sprintf("smtp: %s did not answer (%s) within %s", s.addr, step, time.Since(s.start).Round(time.Millisecond))
		if step == "greeting" && s.mode != TLSImplicit {
			msg += ` (a port that expects implicit TLS, such as 465, stays silent: use TLS mode "tls" for it)`
		}
		return &unreachable{msg: msg, causes: causes}
	case errors.Is(err, outbound.ErrNotAllowed):
		// Permanent, not unreachable: retrying will not make the address allowed.
		return fmt.Errorf("smtp: %s: %w", s.addr, err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return &unreachable{msg: fmt.Sprintf("smtp: %s refused the connection (check the host and port)", s.addr),
			causes: []error{err, ports.FailureConnectionRefused}}
	case errors.As(err, &dnsErr):
		return &unreachable{msg: fmt.Sprintf("smtp: cannot resolve the host of %s", s.addr), causes: []error{err, ports.FailureHostNotFound}}
	case step == "connect":
		return &unreachable{msg: fmt.Sprintf("smtp: cannot connect to %s", s.addr), causes: []error{err, ports.FailureUnreachable}}
	case errors.As(err, &recordErr):
		return fmt.Errorf(`smtp: %s does not answer with TLS on this port (for STARTTLS, usually port 587, use TLS mode "starttls"): %w: %w`,
			s.addr, ports.FailureTLS, err)
	case errors.As(err, &certErr):
		return fmt.Errorf("smtp: %s presented a certificate that is not trusted: %w: %w", s.addr, ports.FailureTLS, err)
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET):
		return &unreachable{msg: fmt.Sprintf("smtp: %s closed the connection during %s", s.addr, step), causes: []error{err, ports.FailureNoAnswer}}
	case step == stepTLS || step == stepStartTLS:
		return fmt.Errorf("smtp: %s: %s: %w: %w", s.addr, step, ports.FailureTLS, err)
	}
	return fmt.Errorf("smtp: %s: %s: %w", s.addr, step, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
