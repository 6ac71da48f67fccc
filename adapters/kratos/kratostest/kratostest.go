// Package kratostest is a stand-in for Ory Kratos's public API in tests. It serves
// GET /sessions/whoami as Kratos does, with bodies built from kratos-client-go's own models,
// for sessions a test registers.
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
)

// CookieName is the name of Kratos's session cookie.
const CookieName = "ory_kratos_session"

// Server is a stand-in Kratos public API.
type Server struct {
	srv *httptest.Server

	mu         sync.Mutex
	sessions   map[string]stored // by token
	identities map[string]string // identity ID by email
	failWith   int
	requests   int
}

// New starts a stand-in Kratos, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{sessions: map[string]stored{}, identities: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sessions/whoami", s.whoami)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the base URL of the public API, to pass to the adapter.
func (s *Server) URL() string { return s.srv.URL }

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
	email := strings.ToLower(strings.TrimSpace(sess.Email))
	identityID, ok := s.identities[email]
	if !ok {
		identityID = uuid.NewString()
		s.identities[email] = identityID
	}
	token = newToken()
	s.sessions[token] = stored{
		Session:    sess,
		id:         uuid.NewString(),
		identityID: identityID,
		addressID:  uuid.NewString(),
		deviceID:   uuid.NewString(),
		schemaURL:  s.srv.URL + "/schemas/ZGVmYXVsdA", // base64url of the schema ID "default"
		issuedAt:   time.Now().UTC(),
	}
	return token
}

// IdentityID is the ID of the identity with email, or "" when no session has it.
func (s *Server) IdentityID(email string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identities[strings.ToLower(strings.TrimSpace(email))]
}

// UnknownToken returns a well-formed session token the server never issued.
func (s *Server) UnknownToken() string { return newToken() }

// Cookie returns a Cookie header value carrying token in Kratos's session cookie.
func Cookie(token string) string {
	return (&http.Cookie{Name: CookieName, Value: token}).String()
}

func newToken() string { return "ory_st_" + rand.Text() }
