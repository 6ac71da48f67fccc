// Package webhookhttp posts webhook deliveries over HTTP: a timeout, no redirects followed,
// the answer read only so far, and, unless allowed, no connection to an address
// outbound.Check refuses, whatever a host name resolves to (netguard: an endpoint cannot
// reach the platform's own network, DNS rebinding included).
package webhookhttp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/engagehq/engage/adapters/netguard"
	"github.com/engagehq/engage/ports"
)

// Defaults of a Sender.
const (
	DefaultTimeout = 10 * time.Second
	// BodyLimit is how much of an answer is kept.
	BodyLimit = 4 << 10
)

// Sender implements ports.WebhookSender.
type Sender struct {
	client *http.Client
}

var _ ports.WebhookSender = (*Sender)(nil)

// Options configure a Sender.
type Options struct {
	// Timeout bounds a whole attempt; zero is DefaultTimeout.
	Timeout time.Duration
	// AllowPrivate lets deliveries reach any address, private and loopback ones included
	// (development, tests).
	AllowPrivate bool
}

// New returns a sender.
func New(o Options) *Sender {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	transport := &http.Transport{
		Proxy:                 nil, // a proxy would hide the address the dialer checks
		DialContext:           netguard.Dialer(o.Timeout, o.AllowPrivate).DialContext,
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
