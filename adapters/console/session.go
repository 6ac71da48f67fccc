package console

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/engagehq/engage/application/signin"
)

// safeReturn keeps a post-sign-in destination inside the console.
func safeReturn(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(u.Path, "/console") || strings.HasPrefix(raw, "//") {
		return "/console/"
	}
	return u.RequestURI()
}

// login signs an admin in: a one-time link's token opens a local session; with Kratos the
// browser goes to Kratos's login flow and comes back; otherwise the page explains how to get a link.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	lang := language(r)
	back := r.URL.Query().Get("return_to")
	if c, err := r.Cookie(returnCookie); err == nil && back == "" {
		back = c.Value
	}
	returnTo := safeReturn(back)
	if token := r.URL.Query().Get("token"); token != "" && s.d.SignIn != nil {
		session, err := s.d.SignIn.Redeem(r.Context(), token)
		if errors.Is(err, signin.ErrInvalidLink) {
			w.WriteHeader(http.StatusUnauthorized)
			s.pages.render(w, "login", loginView{Lang: lang, Error: tr(lang, "login.invalid_link"), ReturnTo: returnTo})
			return
		}
		if err != nil {
			s.internal(w, r, err)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: signin.SessionCookie, Value: session, Path: "/", HttpOnly: true,
			Secure: s.d.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(signin.SessionTTL.Seconds())})
		http.SetCookie(w, &http.Cookie{Name: returnCookie, Value: "", Path: "/console", MaxAge: -1})
		http.Redirect(w, r, returnTo, http.StatusSeeOther)
		return
	}
	if s.d.KratosBrowserURL != "" {
		http.Redirect(w, r, strings.TrimRight(s.d.KratosBrowserURL, "/")+"/self-service/login/browser?return_to="+
			url.QueryEscape(returnTo), http.StatusSeeOther)
		return
	}
	s.pages.render(w, "login", loginView{Lang: lang, ReturnTo: returnTo, Local: s.d.SignIn != nil})
}

type loginView struct {
	Lang, Error, ReturnTo string
	Local                 bool
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(signin.SessionCookie); err == nil && s.d.SignIn != nil {
		if err := s.d.SignIn.SignOut(r.Context(), c.Value); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: signin.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.d.SecureCookies, SameSite: http.SameSiteLaxMode})
	if s.d.KratosBrowserURL != "" {
		http.Redirect(w, r, strings.TrimRight(s.d.KratosBrowserURL, "/")+"/self-service/logout/browser", http.StatusSeeOther)
		return
	}
	redirect(w, r, "/console/login")
}

// switchTenant makes another of the admin's brands the current one.
func (s *Server) switchTenant(w http.ResponseWriter, r *http.Request) {
	v := viewFrom(r.Context())
	slug := r.PostFormValue("brand")
	for _, b := range v.Brands {
		if b.Slug == slug {
			http.SetCookie(w, &http.Cookie{Name: tenantCookie, Value: slug, Path: "/console", HttpOnly: true,
				Secure: s.d.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
			redirect(w, r, "/console/")
			return
		}
	}
	s.fail(w, r, http.StatusForbidden, tr(v.Lang, "error.no_brand"))
}

// setLanguage switches the console's language for this admin's browser.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	if _, ok := messages[lang]; !ok {
		lang = defaultLang
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/console", Secure: s.d.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	redirect(w, r, safeReturn(r.PostFormValue("return_to")))
}

// redirect sends the browser on, as htmx expects for its requests and as browsers expect otherwise.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// fresh reports whether a form's nonce is seen for the first time, so a double submit does one thing.
func (s *Server) fresh(nonce string) bool {
	if nonce == "" {
		return true
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for n, at := range s.nonces {
		if now.Sub(at) > 10*time.Minute {
			delete(s.nonces, n)
		}
	}
	if _, seen := s.nonces[nonce]; seen {
		return false
	}
	s.nonces[nonce] = now
	return true
}

func newNonce() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, message string) {
	lang := language(r)
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Retarget", "#toast")
		w.Header().Set("HX-Reswap", "innerHTML")
	}
	w.WriteHeader(status)
	s.pages.render(w, "error", errorView{Lang: lang, Status: status, Message: message, Partial: r.Header.Get("HX-Request") == "true"})
}

type errorView struct {
	Lang    string
	Status  int
	Message string
	Partial bool
}

func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.d.Logger.ErrorContext(r.Context(), "console", "path", r.URL.Path, "request_id", r.Header.Get("X-Request-ID"), "error", err)
	s.fail(w, r, http.StatusInternalServerError, tr(language(r), "error.internal")+" "+r.Header.Get("X-Request-ID"))
}
