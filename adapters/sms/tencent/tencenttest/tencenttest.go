// Package tencenttest is a stand-in for Tencent Cloud's SMS API (API 3.0, version 2021-01-11)
// in tests. It checks what Tencent checks: the X-TC-* headers, the Authorization header, the
// TC3-HMAC-SHA256 signature (recomputed from the request as the Signature v3 document
// describes), the SecretId and the timestamp's freshness; it answers SendStatusStatistics
// and SendSms with Tencent's JSON shapes and error codes, and records what was sent.
//
// Apps, sign names and templates are registered once for the whole stand-in, not per SecretId.
package tencenttest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Sign StatusCode values, as DescribeSmsSignList reports them for domestic signs.
const (
	SignApproved = 0
	SignInReview = 1
	SignRejected = -1
)

// MaxSkew is how far X-TC-Timestamp may be from the stand-in's clock, as at Tencent.
const MaxSkew = 5 * time.Minute

// Message is one number's accepted send.
type Message struct {
	SecretID       string
	Region         string
	SDKAppID       string
	PhoneNumber    string
	SignName       string
	TemplateID     string
	TemplateParams []string
	SerialNo       string
}

// Server is a stand-in Tencent Cloud SMS endpoint.
type Server struct {
	srv *httptest.Server

	mu        sync.Mutex
	now       func() time.Time
	accounts  map[string]string // SecretKey by SecretId
	apps      map[string]bool   // SmsSdkAppIds
	signs     map[string]int    // StatusCode by sign name
	templates map[string]int    // number of variables by template ID
	sent      []Message
	serialSeq int
}

// New starts a stand-in SMS API, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		now:       time.Now,
		accounts:  map[string]string{},
		apps:      map[string]bool{},
		signs:     map[string]int{},
		templates: map[string]int{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the endpoint's base URL, to pass to tencent.New.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server; later calls fail to connect.
func (s *Server) Close() { s.srv.Close() }

// SetClock makes the stand-in judge X-TC-Timestamp against now instead of time.Now.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// AddAccount registers an API key: its SecretId and SecretKey.
func (s *Server) AddAccount(secretID, secretKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[secretID] = secretKey
}

// AddApp registers an SMS application's SmsSdkAppId.
func (s *Server) AddApp(sdkAppID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[sdkAppID] = true
}

// AddSign registers a sign name with its StatusCode (SignApproved, SignInReview, SignRejected).
func (s *Server) AddSign(name string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signs[name] = status
}

// AddTemplate registers an approved template with its number of variables, which SendSms's
// TemplateParamSet must then match.
func (s *Server) AddTemplate(id string, variables int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.templates[id] = variables
}

// Sent is every message accepted so far, oldest first.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.sent))
	for i, m := range s.sent {
		m.TemplateParams = append([]string(nil), m.TemplateParams...)
		out[i] = m
	}
	return out
}
