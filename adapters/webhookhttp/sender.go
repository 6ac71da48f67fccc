// Package webhookhttp posts webhook deliveries over HTTP: a timeout, no redirects followed,
// the answer read only so far, and, unless allowed, no connection to a private, loopback or
// link-local address whatever a host name resolves to (so an endpoint cannot reach the
// platform's own network, DNS rebinding included).
package webhookhttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
)

// Defaults of a Sender.
const (
	DefaultTimeout = 10 * time.Second
	// BodyLimit is how much of an answer is kept.
	BodyLimit = 4 << 10
)

// ErrPrivateAddress is returned for a connection to an address deliveries may not reach.
var ErrPrivateAddress = errors.New("the endpoint resolves to a private or reserved address")

// Sender implements ports.WebhookSender.
type Sender struct {
	client *http.Client
}

var _ ports.WebhookSender = (*Sender)(nil)

// Options configure a Sender.
type Options struct {
	// Timeout bounds a whole attempt; zero is DefaultTimeout.
	Timeout time.Duration
	// AllowPrivate lets deliveries reach private and loopback addresses (development, tests).
	AllowPrivate bool
}

// New returns a sender.
func New(o Options) *Sender {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: o.Timeout}
	if !o.AllowPrivate {
		dialer.Control = refusePrivate
	}
	transport := &http.Transport{
		Proxy:                 nil, // a proxy would hide the address the dialer checks
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   o.Timeout,
		ResponseHeaderTimeout: o.Timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
	}
	return &Sender{client: &http.Client{
		Transport: transport,
		Timeout:   o.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a redirect is the receiver's answer, not followed
		},
	}}
}

// refusePrivate runs on every connection after name resolution, on the address about to be
// dialled.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !webhook.PublicAddr(addr) {
		return fmt.Errorf("%w (%s)", ErrPrivateAddress, host)
	}
	return nil
}

// Send implements ports.WebhookSender.
func (s *Sender) Send(ctx context.Context, r ports.WebhookRequest) (ports.WebhookResponse, error) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return ports.WebhookResponse{}, err
	}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("User-Agent", "Engage-Webhooks/1.0")
	resp, err := s.client.Do(req)
	if err != nil {
		return ports.WebhookResponse{Latency: time.Since(start)}, plain(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, BodyLimit))
	// Drain a little more so the connection can be reused; a huge answer is just closed.
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	return ports.WebhookResponse{Status: resp.StatusCode, Body: validUTF8(body), Latency: time.Since(start)}, nil
}

// plain strips the request URL from url.Error, which may carry a receiver's token, and keeps
// the cause.
func plain(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// validUTF8 keeps an answer storable as text: valid UTF-8 without NUL bytes.
func validUTF8(b []byte) string {
	s := strings.ReplaceAll(string(b), "\x00", "")
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
