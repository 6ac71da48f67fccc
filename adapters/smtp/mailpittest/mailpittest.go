// Package mailpittest runs a real mailpit SMTP server for tests, built once from its module
// (see Binary) and started per test on free loopback ports with a private database, optionally
// with a required login, STARTTLS or implicit TLS under a self-signed certificate the test
// trusts (TLSConfig). Messages and Message read what it received through mailpit's REST API.
package mailpittest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/crypto/bcrypt"

	"github.com/engagehq/engage/ports"
)

// TLS modes of Options, the same words as ports.SMTPAccount's.
const (
	// TLSNone serves plain SMTP and offers no STARTTLS.
	TLSNone = "none"
	// TLSStartTLS offers STARTTLS; it is required before a login, and before anything else
	// with Options.RequireSTARTTLS.
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte on the SMTP port.
	TLSImplicit = "tls"
)

// Options configure one mailpit. The zero value is plain SMTP that accepts any message without
// a login.
type Options struct {
	// Username, when set, makes the server require a login (AUTH PLAIN or LOGIN) with it and
	// Password. It may not contain a colon or white space.
	Username string
	// Password is Username's password; any text.
	Password string
	// TLS is TLSNone (the default when empty), TLSStartTLS or TLSImplicit.
	TLS string
	// RequireSTARTTLS makes a TLSStartTLS server refuse every command but STARTTLS before the
	// upgrade, even without a login.
	RequireSTARTTLS bool
	// ChaosTriggers is mailpit's --chaos-triggers, such as "Sender:550:100" to refuse every
	// MAIL FROM with 550 or "Authentication:454:100" to fail every login with 454.
	ChaosTriggers string
	// AllowedRecipients is a regular expression; RCPT TO any other address gets 550.
	AllowedRecipients string
}

// Mailpit is a running mailpit, stopped when its test ends.
type Mailpit struct {
	opts     Options
	smtpAddr string
	smtpPort int
	httpURL  string
	tls      *tls.Config
	proc     *process
}

// Start runs a mailpit configured by opts for t and waits until its SMTP server and HTTP API
// answer. It fails t when mailpit cannot be built or started.
func Start(t testing.TB, opts Options) *Mailpit {
	t.Helper()
	if opts.TLS == "" {
		opts.TLS = TLSNone
	}
	dir := t.TempDir()
	args, pool, err := flags(dir, opts)
	if err != nil {
		t.Fatalf("mailpittest: %v", err)
	}
	m := &Mailpit{opts: opts}
	if pool != nil {
		m.tls = clientTLS(pool)
	}
	m.start(t, Binary(t), dir, args)
	return m
}

// flags returns mailpit's command-line flags for opts other than the listen addresses, writing
// the password file and certificate they name into dir. pool trusts the certificate, if any.
func flags(dir string, opts Options) (args []string, pool *x509.CertPool, err error) {
	args = []string{
		"--database", filepath.Join(dir, "mailpit.db"),
		"--disable-version-check",
		"--smtp-disable-rdns",
	}
	switch opts.TLS {
	case TLSNone:
		if opts.RequireSTARTTLS {
			return nil, nil, fmt.Errorf("RequireSTARTTLS needs TLS %q", TLSStartTLS)
		}
	case TLSStartTLS, TLSImplicit:
		certFile, keyFile, certPool, err := selfSigned(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("self-signed certificate: %w", err)
		}
		pool = certPool
		args = append(args, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile)
		if opts.TLS == TLSImplicit {
			args = append(args, "--smtp-require-tls")
		} else if opts.RequireSTARTTLS {
			args = append(args, "--smtp-require-starttls")
		}
	default:
		return nil, nil, fmt.Errorf("unknown TLS mode %q (want %q, %q or %q)", opts.TLS, TLSNone, TLSStartTLS, TLSImplicit)
	}
	if opts.Username != "" {
		file, err := writePasswordFile(dir, opts.Username, opts.Password)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, "--smtp-auth-file", file)
		if opts.TLS == TLSNone {
			args = append(args, "--smtp-auth-allow-insecure")
		}
	}
	if opts.ChaosTriggers != "" {
		args = append(args, "--chaos-triggers", opts.ChaosTriggers)
	}
	if opts.AllowedRecipients != "" {
		args = append(args, "--smtp-allowed-recipients", opts.AllowedRecipients)
	}
	return args, pool, nil
}

// writePasswordFile writes an htpasswd-style file (user:bcrypt-hash) that mailpit's
// --smtp-auth-file reads.
func writePasswordFile(dir, username, password string) (string, error) {
	if strings.ContainsRune(username, ':') || strings.IndexFunc(username, unicode.IsSpace) >= 0 {
		return "", fmt.Errorf("username %q may not contain a colon or white space", username)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		return "", fmt.Errorf("hash the SMTP password: %w", err)
	}
	file := filepath.Join(dir, "smtp-passwords")
	return file, os.WriteFile(file, []byte(username+":"+string(hash)+"\n"), 0o600)
}

// SMTPAddr is the SMTP server's host:port.
func (m *Mailpit) SMTPAddr() string { return m.smtpAddr }

// SMTPHost is the SMTP server's host, 127.0.0.1.
func (m *Mailpit) SMTPHost() string { return loopback }

// SMTPPort is the SMTP server's port.
func (m *Mailpit) SMTPPort() int { return m.smtpPort }

// HTTPURL is the base URL of the web UI and REST API, without a trailing slash.
func (m *Mailpit) HTTPURL() string { return m.httpURL }

// TLSConfig is a client TLS configuration that trusts the server's self-signed certificate
// (issued for 127.0.0.1, ::1 and localhost; ServerName is 127.0.0.1), for TLSStartTLS and
// TLSImplicit servers; nil for TLSNone. Each call returns a new copy.
func (m *Mailpit) TLSConfig() *tls.Config {
	if m.tls == nil {
		return nil
	}
	return m.tls.Clone()
}

// Account is the ports.SMTPAccount that reaches this server with its TLS mode and username,
// sending as from; the password is Options.Password.
func (m *Mailpit) Account(from string) ports.SMTPAccount {
	return ports.SMTPAccount{Host: loopback, Port: m.smtpPort, Username: m.opts.Username, From: from, TLS: m.opts.TLS}
}
