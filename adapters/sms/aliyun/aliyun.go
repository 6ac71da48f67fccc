// Package aliyun talks to Alibaba Cloud's SMS service (Dysmsapi, API version 2017-05-25) with a
// brand's own AccessKey: RPC-style GET requests signed with HMAC-SHA1 as Aliyun's "signature
// mechanism" document specifies. It checks an account (ports.SMSVerifier) and sends messages.
package aliyun

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	// Provider is the provider name in ports.SMSAccount and ports.ProviderError.
	Provider = "aliyun"
	// DefaultBaseURL is Dysmsapi's public endpoint.
	DefaultBaseURL = "https://dysmsapi.aliyuncs.com"
	// DefaultRegion is the RegionId sent when an account names none.
	DefaultRegion = "cn-hangzhou"
	// CodeSignNotApproved is Engage's own error code, not Aliyun's: Verify returns it in a
	// ports.ProviderError when Aliyun knows the account's sign name but has not approved it
	// (SignStatus 0 in review, 2 rejected, 10 cancelled); the message names the status.
	CodeSignNotApproved = "SignNotApproved"

	apiVersion = "2017-05-25"
	timeout    = 10 * time.Second
	maxAnswer  = 1 << 20
)

// Client calls Dysmsapi. It holds no credentials: each call takes the account and its secret.
// It is safe for concurrent use.
type Client struct {
	base  string
	http  *http.Client
	now   func() time.Time
	nonce func() string
}

// Option changes how a Client is built.
type Option func(*Client)

// WithHTTPClient makes the Client send its requests with hc instead of a client with a ten
// second timeout.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithClock makes the Client take the request Timestamp from now instead of time.Now.
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// WithNonce makes the Client take each SignatureNonce from nonce instead of a random UUID.
func WithNonce(nonce func() string) Option { return func(c *Client) { c.nonce = nonce } }

// New returns a Client calling the Dysmsapi endpoint at baseURL ("" for DefaultBaseURL).
func New(baseURL string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(baseURL) == "" {
		baseURL = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return nil, fmt.Errorf("aliyun: base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("aliyun: base URL %q is not an absolute http(s) URL", baseURL)
	}
	c := &Client{
		base:  strings.TrimRight(u.String(), "/"),
		http:  &http.Client{Timeout: timeout},
		now:   time.Now,
		nonce: randomUUID,
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// randomUUID returns a random (version 4) UUID, the nonce Aliyun recommends.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
