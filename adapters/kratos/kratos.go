// Package kratos checks tenant admins' sessions with Ory Kratos: it asks the public API's
// /sessions/whoami who a session cookie or session token belongs to, and trusts only an active,
// unexpired session of an active identity.
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

// Provider is the ports.IdentityProvider backed by a Kratos public API.
type Provider struct {
	api *client.APIClient
}

var _ ports.IdentityProvider = (*Provider)(nil)

// New returns a Provider asking the Kratos public API at publicURL (e.g.
// "https://auth.example.com"). httpClient may be nil; whichever client is used, one check
// takes at most five seconds.
func New(publicURL string, httpClient *http.Client) (*Provider, error) {
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
	return &Provider{api: client.NewAPIClient(cfg)}, nil
}

// Session returns the identity behind the whole Cookie header cookie or the session token
// token. It returns ports.ErrNoSession, without asking Kratos when both are empty, for a
// session Kratos does not vouch for, and for an inactive or expired session or an inactive
// identity even when Kratos answers with one. Any other failure (network, timeout, 5xx, an
// answer it cannot read) is returned wrapped, never as ports.ErrNoSession.
func (p *Provider) Session(ctx context.Context, cookie, token string) (ports.Identity, error) {
	cookie, token = strings.TrimSpace(cookie), strings.TrimSpace(token)
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
