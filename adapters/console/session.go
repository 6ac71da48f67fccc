package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/engagehq/engage/application/platform/signin"
	"github.com/engagehq/engage/ports"
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
			kitPages.render(w, "login", loginView{Lang: lang, Error: messages.T(lang, "login.invalid_link"), ReturnTo: returnTo})
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
		http.Redirect(w, r, s.startFlow(ports.FlowLogin, s.absolute(returnTo)), http.StatusSeeOther)
		return
	}
	kitPages.render(w, "login", loginView{Lang: lang, ReturnTo: returnTo, Local: s.d.SignIn != nil})
}

type loginView struct {
	Lang, Error, ReturnTo string
	Local                 bool
}

// logout signs the admin out: a local session ends here; a Kratos session ends at Kratos,
// which the browser is sent to with the logout URL of its session (Kratos's browser logout
// flow), and Kratos sends it on to its configured page afterwards.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(signin.SessionCookie); err == nil && s.d.SignIn != nil {
		if err := s.d.SignIn.SignOut(r.Context(), c.Value); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: signin.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.d.SecureCookies, SameSite: http.SameSiteLaxMode})
	if s.d.SelfService != nil {
		to, err := s.d.SelfService.LogoutURL(r.Context(), r.Header.Get("Cookie"), "")
		if errors.Is(err, ports.ErrNoSession) {
			Redirect(w, r, "/console/login")
			return
		}
		if err != nil {
			s.internal(w, r, err)
			return
		}
		Redirect(w, r, to)
		return
	}
	Redirect(w, r, "/console/login")
}

// switchTenant makes another of the admin's brands the current one.
func (s *Server) switchTenant(w http.ResponseWriter, r *http.Request) {
	v := ViewOf(r)
	slug := r.PostFormValue("brand")
	for _, b := range v.Brands {
		if b.Slug == slug {
			http.SetCookie(w, &http.Cookie{Name: tenantCookie, Value: slug, Path: "/console", HttpOnly: true,
				Secure: s.d.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
			Redirect(w, r, "/console/")
			return
		}
	}
	Fail(w, r, http.StatusForbidden, messages.T(v.Lang, "error.no_brand"))
}

// setLanguage switches the console's language for this admin's browser.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	if _, ok := messages[lang]; !ok {
		lang = defaultLang
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/console", Secure: s.d.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	Redirect(w, r, safeReturn(r.PostFormValue("return_to")))
}
