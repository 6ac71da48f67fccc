// Package wechattest is a stand-in for WeChat's server API (api.weixin.qq.com) in tests and in
// development (engage dev serves one for the demo brands' Mini Programs). It serves POST
// /cgi-bin/stable_token, GET /sns/jscode2session, POST /wxa/business/getuserphonenumber,
// POST /wxa/getuserriskrank (SetRiskRank), and
// the Official Account's fan tags (GET /cgi-bin/tags/get, POST /cgi-bin/user/tag/get) as
// WeChat does for apps a test registers: it checks what WeChat checks and refuses with
// WeChat's own error codes and messages, always with HTTP 200. It keeps the tokens it issued
// so that stand-ins of endpoints that take an access_token check it with CheckToken, and the
// login and phone codes a test has the Mini Program issue.
package wechattest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TokenLifetime is how long an access token stays valid, as WeChat's expires_in of 7200 says.
const TokenLifetime = 7200 * time.Second

// renewAhead is how long before a token expires WeChat's normal (not forced) mode already
// issues the next one ("普通模式下平台会提前5分钟更新access_token").
const renewAhead = 5 * time.Minute

// Server is a stand-in WeChat server API.
type Server struct {
	srv *httptest.Server

	mu     sync.Mutex
	offset time.Duration      // how far Advance has moved the server's clock
	apps   map[string]*app    // by appid
	calls  map[string]int     // stable_token requests by the appid they named
	tokens map[string]*issued // every token issued, by token
	codes  map[string]*code   // login and phone codes the Mini Program issued, by code

	fanTags  []*fanTag      // Official Accounts' fan tags
	fanPage  int            // OpenIDs per user/tag/get page
	refusals map[string]int // errcode by appid and path (Refuse)
	apiCalls map[string]int // requests with a valid token, by path

	users map[string]string // the appid of each Mini Program user, by openid (IssueCode, SetRiskRank)
	ranks map[string]int    // getuserriskrank's rank by openid (SetRiskRank)
	busy  bool              // getuserriskrank answers -1 (Busy)
}

// app is a registered app and the state of its access tokens.
type app struct {
	secret    string
	limited   bool    // stable_token's daily quota is spent
	throttled bool    // jscode2session and getuserphonenumber refuse with 45011
	current   *issued // the latest token, nil before the first
}

// issued is one access token.
type issued struct {
	appID    string
	token    string
	issuedAt time.Time
	revoked  bool // a forced refresh replaced it
}

// expiresAt is when the token stops being valid.
func (i *issued) expiresAt() time.Time { return i.issuedAt.Add(TokenLifetime) }

// New starts a stand-in WeChat, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := Start()
	t.Cleanup(s.srv.Close)
	return s
}

// Start starts a stand-in WeChat on a loopback port outside a test (engage dev serves one for
// the demo brands); Close stops it.
func Start() *Server {
	s := &Server{apps: map[string]*app{}, calls: map[string]int{}, tokens: map[string]*issued{}, codes: map[string]*code{},
		fanPage: 10000, refusals: map[string]int{}, apiCalls: map[string]int{}, users: map[string]string{}, ranks: map[string]int{}}
	mux := http.NewServeMux()
	// No method in the patterns: WeChat answers other methods with its own 43002 error, not 405.
	mux.HandleFunc("/cgi-bin/stable_token", s.stableToken)
	mux.HandleFunc("/sns/jscode2session", s.jscode2session)
	mux.HandleFunc("/wxa/business/getuserphonenumber", s.phoneNumber)
	mux.HandleFunc("/cgi-bin/tags/get", s.fanTagsGet)
	mux.HandleFunc("/cgi-bin/user/tag/get", s.tagFans)
	mux.HandleFunc("/wxa/getuserriskrank", s.riskRank)
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the base URL of the API, to pass to wechat.New in place of https://api.weixin.qq.com.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server, as if WeChat were unreachable; later calls fail to connect.
func (s *Server) Close() { s.srv.Close() }

// AddApp registers an app (Official Account or Mini Program) with its AppSecret. Adding an
// app again changes its secret, as resetting the AppSecret in WeChat's console does; tokens
// already issued stay valid until they expire.
func (s *Server) AddApp(appID, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[appID]; ok {
		a.secret = secret
		return
	}
	s.apps[appID] = &app{secret: secret}
}

// Limit makes stable_token refuse appID with 45009 "reach max api daily quota limit", as
// WeChat does once the app's daily quota is spent. Unlimit lifts it.
func (s *Server) Limit(appID string) { s.setLimited(appID, true) }

// Unlimit lifts Limit, as the next day or a clear_quota call does.
func (s *Server) Unlimit(appID string) { s.setLimited(appID, false) }

func (s *Server) setLimited(appID string, limited bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[appID]; ok {
		a.limited = limited
	}
}

// Advance moves the server's clock forward by d, so that tokens age (and expire) without the
// test waiting.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// Calls is how many stable_token requests named appID, answered with a token or refused.
func (s *Server) Calls(appID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[appID]
}

// ValidToken reports whether token is an access token of appID that has neither expired nor
// been replaced by a forced refresh.
func (s *Server) ValidToken(appID, token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.tokens[token]
	return ok && i.appID == appID && !i.revoked && s.now().Before(i.expiresAt())
}

// now is the server's clock: the wall clock moved on by Advance. Callers hold s.mu.
func (s *Server) now() time.Time { return time.Now().Add(s.offset) }
