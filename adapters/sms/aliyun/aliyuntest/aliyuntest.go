// Package aliyuntest is a stand-in for Alibaba Cloud's SMS API (Dysmsapi 2017-05-25) in tests.
// It checks what Aliyun checks: the common parameters, the AccessKey ID, the HMAC-SHA1
// signature (recomputed from the request as Aliyun's signature document describes), the
// timestamp's freshness and the nonce's uniqueness; it answers QuerySmsSign and SendSms with
// Aliyun's JSON shapes and error codes, and records what was sent.
//
// Sign names and templates are registered once for the whole stand-in, not per AccessKey.
package aliyuntest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// SignStatus values, as QuerySmsSign reports them.
const (
	SignInReview  = 0
	SignApproved  = 1
	SignRejected  = 2
	SignCancelled = 10
)

// MaxSkew is how far a request's Timestamp may be from the stand-in's clock, as at Aliyun.
const MaxSkew = 15 * time.Minute

// Message is one accepted SendSms request.
type Message struct {
	AccessKeyID  string
	RegionID     string
	PhoneNumbers string
	SignName     string
	TemplateCode string
	// TemplateParam is the decoded TemplateParam JSON (nil when none was sent).
	TemplateParam map[string]string
	BizID         string
}

// Server is a stand-in Dysmsapi endpoint.
type Server struct {
	srv *httptest.Server

	mu        sync.Mutex
	now       func() time.Time
	accounts  map[string]string   // AccessKey secret by AccessKey ID
	signs     map[string]int      // SignStatus by sign name
	templates map[string][]string // variable names by template code
	nonces    map[string]bool     // AccessKey ID + nonce already seen
	sent      []Message
	bizSeq    int
}

// New starts a stand-in Dysmsapi, closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		now:       time.Now,
		accounts:  map[string]string{},
		signs:     map[string]int{},
		templates: map[string][]string{},
		nonces:    map[string]bool{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the endpoint's base URL, to pass to aliyun.New.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server; later calls fail to connect.
func (s *Server) Close() { s.srv.Close() }

// SetClock makes the stand-in judge Timestamps against now instead of time.Now.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// AddAccount registers an AccessKey: its ID and secret.
func (s *Server) AddAccount(id, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[id] = secret
}

// AddSign registers a sign name with its SignStatus (SignApproved, SignInReview, ...).
func (s *Server) AddSign(name string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signs[name] = status
}

// AddTemplate registers an approved template and the names of its variables, each of which
// SendSms's TemplateParam must then give.
func (s *Server) AddTemplate(code string, variables ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.templates[code] = append([]string{}, variables...)
}

// Sent is every message accepted so far, oldest first.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message{}, s.sent...)
}
