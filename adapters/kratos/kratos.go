// Package kratos checks tenant admins' sessions with Ory Kratos: it asks the public API's
// /sessions/whoami who a session cookie or session token belongs to, and trusts only an active,
// unexpired session of an active identity. It also reads the self-service browser flows (sign
// in, registration, recovery, verification, settings, their errors and sign-out) that the
// console renders.
package kratos

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	client "github.com/ory/kratos-client-go"

	"github.com/engagehq/engage/ports"
)

// timeout bounds one session check, however slow Kratos or the network is.
const timeout = 5 * time.Second

// DefaultSessionCookie is the name Engage's Kratos configuration (deploy/kratos/kratos.yml,
// session.cookie.name) gives the session cookie; a test of deploy/ keeps the two equal.
const DefaultSessionCookie = "engage_admin_session"

// Provider is the ports.IdentityProvider backed by a Kratos public API.
type Provider struct {
	api *client.APIClient
	// cookie is the name of Kratos's session cookie (session.cookie.name in its configuration).
	cookie string
}

var _ ports.IdentityProvider = (*Provider)(nil)

// New returns a Provider asking the Kratos public API at publicURL (e.g.
// "https://auth.example.com") about sessions carried in the cookie named cookieName (what
// Kratos's session.cookie.name says). httpClient may be nil; whichever client is used, one
// check takes at most five seconds.
func New(publicURL, cookieName string, httpClient *http.Client) (*Provider, error) {
	if cookieName = strings.TrimSpace(cookieName); cookieName == "" {
		return nil, errors.New("kratos: no session cookie name")
	}
	u, err := url.Parse(strings.TrimSpace(publicURL))
	if err != nil {
		return nil, fmt.Errorf("kratos: public URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("kratos: public URL %q is not an absolute http(s) URL", publicURL)
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: timeout}
	}
	cfg := client.NewConfiguration()
	cfg.Servers = client.ServerConfigurations{{URL: strings.TrimRight(u.String(), "/")}}
	cfg.HTTPClient = httpClient
	cfg.UserAgent = "engage"
	return &Provider{api: client.NewAPIClient(cfg), cookie: cookieName}, nil
}

// sessionCookie is the Cookie header to forward to Kratos: its session cookie alone, found in
// the browser's whole header as Kratos would find it; "" when there is none.
func (p *Provider) sessionCookie(header string) string {
	r := http.Request{Header: http.Header{"Cookie": {header}}}
	c, err := r.Cookie(p.cookie)
	if err != nil || c.Value == "" {
		return ""
	}
	return (&http.Cookie{Name: c.Name, Value: c.Value}).String()
}

// Session returns the identity behind the session cookie in the whole Cookie header cookie or
// the session token token; only the session cookie is sent to Kratos. It returns
// ports.ErrNoSession, without asking Kratos when there is neither, for a session Kratos does
// not vouch for, and for an inactive or expired session or an inactive identity even when
// Kratos answers with one. Any other failure (network, timeout, 5xx, an answer it cannot
// read) is returned wrapped, never as ports.ErrNoSession.
func (p *Provider) Session(ctx context.Context, cookie, token string) (ports.Identity, error) {
	cookie, token = p.sessionCookie(cookie), strings.TrimSpace(token)
	if cookie == "" && token == "" {
		return ports.Identity{}, ports.ErrNoSession
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	req := p.api.FrontendAPI.ToSession(ctx)
	if cookie != "" {
		req = req.Cookie(cookie)
	}
	if token != "" {
		req = req.XSessionToken(token)
	}
	s, resp, err := req.Execute()
	if resp != nil && (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) {
		// 401: no such session or no longer valid; 403: the session lacks the required AAL.
		return ports.Identity{}, ports.ErrNoSession
	}
	if err != nil {
		return ports.Identity{}, fmt.Errorf("kratos: checking session: %w", err)
	}
	if s == nil {
		return ports.Identity{}, errors.New("kratos: checking session: empty answer")
	}
	return identityOf(s, time.Now())
}
