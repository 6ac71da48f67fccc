// Package tencent talks to Tencent Cloud's SMS service (API 3.0, service sms, version
// 2021-01-11) with a brand's own SecretId and SecretKey: POST requests with a JSON body,
// signed with TC3-HMAC-SHA256 as Tencent Cloud's "Signature v3" document specifies. It checks
// an account (ports.SMSVerifier) and sends messages.
package tencent

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	// Provider is the provider name in ports.SMSAccount and ports.ProviderError.
	Provider = "tencent"
	// DefaultBaseURL is the SMS API's public endpoint.
	DefaultBaseURL = "https://sms.tencentcloudapi.com"
	// DefaultRegion is the X-TC-Region sent when an account names none.
	DefaultRegion = "ap-guangzhou"

	service     = "sms"
	apiVersion  = "2021-01-11"
	contentType = "application/json; charset=utf-8"
	timeout     = 10 * time.Second
	maxAnswer   = 1 << 20
)

// Client calls the Tencent Cloud SMS API. It holds no credentials: each call takes the account
// and its SecretKey. It is safe for concurrent use.
type Client struct {
	base string
	host string
	http *http.Client
	now  func() time.Time
}

// Option changes how a Client is built.
type Option func(*Client)

// WithHTTPClient makes the Client send its requests with hc instead of a client with a ten
// second timeout.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithClock makes the Client take X-TC-Timestamp from now instead of time.Now.
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// New returns a Client calling the SMS API at baseURL ("" for DefaultBaseURL). The signed
// host header is baseURL's host.
func New(baseURL string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(baseURL) == "" {
		baseURL = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return nil, fmt.Errorf("tencent: base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tencent: base URL %q is not an absolute http(s) URL", baseURL)
	}
	c := &Client{
		base: strings.TrimRight(u.String(), "/"),
		host: u.Host,
		http: &http.Client{Timeout: timeout},
		now:  time.Now,
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}
