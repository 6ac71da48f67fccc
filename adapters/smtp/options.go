package smtp

import (
	"crypto/tls"
	"time"
)

// DefaultTimeout bounds a whole conversation with the server, connecting included, when a
// Verifier's or Sender's Timeout is zero.
const DefaultTimeout = 30 * time.Second

// TLS modes of ports.SMTPAccount.
const (
	// TLSStartTLS connects in plain text and upgrades with STARTTLS, which the server must offer.
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (usually port 465).
	TLSImplicit = "tls"
	// TLSNone never encrypts; a login, if any, is sent in the clear.
	TLSNone = "none"
)

// dialer holds the connection settings Verifier and Sender share.
type dialer struct {
	tlsConfig    *tls.Config
	timeout      time.Duration
	localName    string
	allowPrivate bool
}

func (d dialer) limit() time.Duration {
	if d.timeout > 0 {
		return d.timeout
	}
	return DefaultTimeout
}

func (d dialer) ehloName() string {
	if d.localName != "" {
		return d.localName
	}
	return "localhost"
}

// tlsFor returns the TLS configuration for host: a clone of the configured one, naming host
// when it names no server, and never below TLS 1.2.
func (d dialer) tlsFor(host string) *tls.Config {
	cfg := &tls.Config{}
	if d.tlsConfig != nil {
		cfg = d.tlsConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	return cfg
}
