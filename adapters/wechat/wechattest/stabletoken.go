package wechattest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// stableTokenRequest is the body of POST /cgi-bin/stable_token.
type stableTokenRequest struct {
	GrantType    string `json:"grant_type"`
	AppID        string `json:"appid"`
	Secret       string `json:"secret"`
	ForceRefresh bool   `json:"force_refresh"`
}

// stableToken answers POST /cgi-bin/stable_token as WeChat does. Refusals, in the order they
// are checked: 43002 for another method, 47001 for a body that is not the JSON object it
// reads, 40002 unless grant_type is client_credential, 41002/40013 for a missing/unknown
// appid, 41004/40125 for a missing/wrong secret, 45009 while the app is Limit-ed. Otherwise,
// in normal mode it returns the app's current token and its remaining lifetime while more
// than five minutes of it are left, and a new token for 7200 s once not; with force_refresh it
// always issues a new token and the previous ones stop working at once.
func (s *Server) stableToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, ErrRequirePOST)
		return
	}
	var req stableTokenRequest
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(body, &req) != nil {
		writeError(w, ErrDataFormat)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if req.AppID != "" {
		s.calls[req.AppID]++
	}
	a, known := s.apps[req.AppID]
	switch {
	case req.GrantType != "client_credential":
		writeError(w, ErrInvalidGrantType)
	case req.AppID == "":
		writeError(w, ErrAppIDMissing)
	case !known:
		writeError(w, ErrInvalidAppID)
	case req.Secret == "":
		writeError(w, ErrAppSecretMissing)
	case subtle.ConstantTimeCompare([]byte(req.Secret), []byte(a.secret)) != 1:
		writeError(w, ErrInvalidAppSecret)
	case a.limited:
		writeError(w, ErrDailyQuota)
	default:
		now := s.now()
		tok := s.token(req.AppID, a, req.ForceRefresh, now)
		remaining := tok.expiresAt().Sub(now)
		writeJSON(w, map[string]any{"access_token": tok.token, "expires_in": int(remaining.Seconds())})
	}
}

// token is the token stable_token answers a with at now. Callers hold s.mu.
func (s *Server) token(appID string, a *app, force bool, now time.Time) *issued {
	if !force && a.current != nil && now.Before(a.current.expiresAt().Add(-renewAhead)) {
		return a.current
	}
	if force {
		for _, i := range s.tokens {
			if i.appID == appID {
				i.revoked = true
			}
		}
	}
	a.current = &issued{appID: appID, token: newToken(), issuedAt: now}
	s.tokens[a.current.token] = a.current
	return a.current
}

// newToken is a random access token in WeChat's alphabet and about its length.
func newToken() string {
	b := make([]byte, 102)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
