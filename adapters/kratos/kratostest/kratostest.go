// Package kratostest is a stand-in for Ory Kratos's public API in tests, configured as Engage
// ships Kratos (deploy/kratos/kratos.yml: its session cookie's name, its UI URLs, its return
// URLs). It answers as Kratos does, with bodies built from kratos-client-go's own models and
// Kratos's error shapes:
//
//   - GET /sessions/whoami, for sessions a test registers (AddSession) or a sign-in opened;
//   - the browser flows: GET /self-service/{flow}/browser starts a flow (setting Kratos's
//     anti-CSRF cookie and sending the browser to the flow's UI URL), GET
//     /self-service/{flow}/flows?id= reads it (only with the anti-CSRF cookie it was made for,
//     and until it expires), POST /self-service/login?flow= signs in with a password a test
//     registered (AddPassword) and GET /self-service/errors?id= reads the errors flows were
//     sent to the error UI with; registration, recovery, verification and settings flows are
//     started and read, not submitted;
//   - sign-out: GET /self-service/logout/browser makes a logout URL for the session cookie,
//     and GET /self-service/logout?token= ends the session and clears the cookie.
package kratostest

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	client "github.com/ory/kratos-client-go"
)

// Server is a stand-in Kratos public API.
type Server struct {
	srv *httptest.Server

	mu         sync.Mutex
	cfg        Config
	sessions   map[string]*stored // by token
	identities map[string]string  // identity ID by email
	passwords  map[string]string  // password by email
	flows      map[string]*flow   // by ID
	errors     map[string]client.FlowError
	failWith   int
	requests   int
}

// New starts a stand-in Kratos configured as Engage ships it (see Shipped), closed when the
// test ends.
func New(t testing.TB) *Server {
	t.Helper()
	return NewWith(t, Shipped(t))
}

// NewWith starts a stand-in Kratos with cfg, closed when the test ends.
func NewWith(t testing.TB, cfg Config) *Server {
	t.Helper()
	s := &Server{cfg: cfg, sessions: map[string]*stored{}, identities: map[string]string{}, passwords: map[string]string{},
		flows: map[string]*flow{}, errors: map[string]client.FlowError{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sessions/whoami", s.whoami)
	mux.HandleFunc("GET /self-service/{kind}/browser", s.startFlow)
	mux.HandleFunc("GET /self-service/{kind}/flows", s.getFlow)
	mux.HandleFunc("POST /self-service/login", s.submitLogin)
	mux.HandleFunc("GET /self-service/errors", s.getError)
	mux.HandleFunc("GET /self-service/logout/browser", s.logoutURL)
	mux.HandleFunc("GET /self-service/logout", s.logout)
	s.srv = httptest.NewServer(s.count(mux))
	t.Cleanup(s.srv.Close)
	return s
}

// count counts requests and answers every one with the failure FailWith set, if any.
func (s *Server) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		failWith := s.failWith
		s.mu.Unlock()
		if failWith != 0 {
			writeError(w, failWith, genericError(failWith, "", ""))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// URL is the base URL of the public API, to pass to the adapter and to send browsers to.
func (s *Server) URL() string { return s.srv.URL }

// CookieName is the name of the session cookie, as the configuration says.
func (s *Server) CookieName() string { return s.cfg.CookieName }

// ServeConsoleAt moves the UI and return URLs of the configuration to base's scheme and host
// (see Config.At), for a console a test serves there.
func (s *Server) ServeConsoleAt(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg = s.cfg.At(base)
}

// Close stops the server, as if Kratos were down; later calls fail to connect.
func (s *Server) Close() { s.srv.Close() }

// FailWith makes every later request fail with status (e.g. 500) and Kratos's error body for
// it; 0 restores normal answers.
func (s *Server) FailWith(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failWith = status
}

// Requests is how many requests the server has received.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// AddSession registers sess and returns its session token, which also works as the value of
// the session cookie (see Cookie). Sessions with the same Email share one identity.
func (s *Server) AddSession(sess Session) (token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addSession(sess)
}

func (s *Server) addSession(sess Session) string {
	email := strings.ToLower(strings.TrimSpace(sess.Email))
	identityID, ok := s.identities[email]
	if !ok {
		identityID = uuid.NewString()
		s.identities[email] = identityID
	}
	token := newToken()
	s.sessions[token] = &stored{
		Session:     sess,
		id:          uuid.NewString(),
		identityID:  identityID,
		addressID:   uuid.NewString(),
		deviceID:    uuid.NewString(),
		schemaURL:   s.srv.URL + "/schemas/ZGVmYXVsdA", // base64url of the schema ID "default"
		issuedAt:    time.Now().UTC(),
		logoutToken: "ory_lo_" + rand.Text(),
	}
	return token
}

// AddPassword lets email sign in with password through the login flow; the session it opens
// is Valid(email).
func (s *Server) AddPassword(email, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.passwords[strings.ToLower(strings.TrimSpace(email))] = password
}

// IdentityID is the ID of the identity with email, or "" when no session has it.
func (s *Server) IdentityID(email string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identities[strings.ToLower(strings.TrimSpace(email))]
}

// SessionID is the ID Kratos gave the session of token, "" for a token it never issued.
func (s *Server) SessionID(token string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.sessions[token]; ok {
		return st.id
	}
	return ""
}

// Active reports whether the session of token is still valid: it exists, has not been ended
// by a sign-out, and has not expired.
func (s *Server) Active(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.sessions[token]
	return ok && st.valid(time.Now())
}

// UnknownToken returns a well-formed session token the server never issued.
func (s *Server) UnknownToken() string { return newToken() }

// Cookie returns a Cookie header value carrying token in the session cookie.
func (s *Server) Cookie(token string) string {
	return (&http.Cookie{Name: s.cfg.CookieName, Value: token}).String()
}

func newToken() string { return "ory_st_" + rand.Text() }
