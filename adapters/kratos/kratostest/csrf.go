package kratostest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"

	client "github.com/ory/kratos-client-go"
)

// tokenLength is the length of Kratos's (nosurf's) anti-CSRF token.
const tokenLength = 32

// csrfCookieName is Kratos's anti-CSRF cookie: csrf_token_ and the SHA-256 of its public URL.
func (s *Server) csrfCookieName() string {
	sum := sha256.Sum256([]byte(s.srv.URL + "/"))
	return "csrf_token_" + hex.EncodeToString(sum[:])
}

// csrfSecret is the anti-CSRF token the request's cookie carries, nil without one.
func (s *Server) csrfSecret(r *http.Request) []byte {
	c, err := r.Cookie(s.csrfCookieName())
	if err != nil {
		return nil
	}
	secret, err := base64.StdEncoding.DecodeString(c.Value)
	if err != nil || len(secret) != tokenLength {
		return nil
	}
	return secret
}

// ensureCSRF returns the request's anti-CSRF token, setting a new cookie when it has none.
func (s *Server) ensureCSRF(w http.ResponseWriter, r *http.Request) []byte {
	if secret := s.csrfSecret(r); secret != nil {
		return secret
	}
	secret := make([]byte, tokenLength)
	_, _ = rand.Read(secret)
	http.SetCookie(w, &http.Cookie{Name: s.csrfCookieName(), Value: base64.StdEncoding.EncodeToString(secret), Path: "/",
		MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return secret
}

// mask is the token a flow's form carries for secret: a one-time pad and the secret under it,
// as nosurf masks tokens so that a page never shows the same value twice.
func mask(secret []byte) string {
	pad := make([]byte, tokenLength)
	_, _ = rand.Read(pad)
	out := make([]byte, 2*tokenLength)
	copy(out, pad)
	for i := range secret {
		out[tokenLength+i] = pad[i] ^ secret[i]
	}
	return base64.StdEncoding.EncodeToString(out)
}

// verifyMasked reports whether masked is a mask of secret (nosurf's VerifyToken).
func verifyMasked(secret []byte, masked string) bool {
	raw, err := base64.StdEncoding.DecodeString(masked)
	if err != nil || len(raw) != 2*tokenLength || len(secret) != tokenLength {
		return false
	}
	plain := make([]byte, tokenLength)
	for i := range plain {
		plain[i] = raw[i] ^ raw[tokenLength+i]
	}
	return subtle.ConstantTimeCompare(plain, secret) == 1
}

// csrfError is Kratos's security_csrf_violation for r, with the reason Kratos gives.
func (s *Server) csrfError(r *http.Request) client.GenericError {
	e := genericError(http.StatusForbidden, "security_csrf_violation", "Please retry the flow and optionally clear your cookies. "+
		"The request was rejected to protect you from Cross-Site-Request-Forgery (CSRF) which could cause account takeover, "+
		"leaking personal information, and other serious security issues.")
	e.Message = "the request was rejected to protect you from Cross-Site-Request-Forgery"
	var reason string
	switch _, err := r.Cookie(s.csrfCookieName()); {
	case r.Header.Get("Cookie") == "":
		reason = "The HTTP Cookie Header is empty or not set."
	case err != nil:
		reason = "The HTTP Cookie Header was set but did not include the anti-CSRF cookie."
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") && r.FormValue("csrf_token") == "" && r.Method == http.MethodPost:
		reason = "The anti-CSRF cookie was found but the CSRF token was not included in the HTTP request body (csrf_token) nor in the HTTP Header (X-CSRF-Token)."
	default:
		reason = "The HTTP Cookie Header was set and a CSRF token was sent but they do not match. " +
			"We recommend deleting all cookies for this domain and retrying the flow."
	}
	e.Details = map[string]any{"docs": "https://www.ory.sh/kratos/docs/debug/csrf", "reject_reason": reason}
	return e
}
