package console

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// csrfToken is the CSRF token of the session named session: the admin's session as the
// identity provider named it (see ports.Identity.SessionID), or the platform key's.
func (s *Server) csrfToken(session string) string {
	m := hmac.New(sha256.New, s.d.CSRFKey)
	m.Write([]byte("csrf:" + session))
	return hex.EncodeToString(m.Sum(nil))
}

// requireAdmin signs the admin in from their session (or sends them to sign in and back),
// picks the brand, checks CSRF on every change, and prepares the view.
func (s *Server) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := language(r)
		id, err := s.d.Identity.Session(r.Context(), r.Header.Get("Cookie"), "")
		if err != nil {
			if r.Method == http.MethodGet {
				// Remember the page, so signing in (even with a link made elsewhere) comes back to it.
				back := "/console" + r.URL.RequestURI()
				http.SetCookie(w, &http.Cookie{Name: returnCookie, Value: back, Path: "/console", HttpOnly: true,
					Secure: s.d.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 3600})
				http.Redirect(w, r, "/console/login?return_to="+url.QueryEscape(back), http.StatusSeeOther)
				return
			}
			Fail(w, r, http.StatusUnauthorized, messages.T(lang, "error.signed_out"))
			return
		}
		ctx := ports.WithActor(r.Context(), actorBase(r))
		user, err := s.d.Access.SignIn(ctx, id)
		if err != nil {
			Fail(w, r, http.StatusForbidden, messages.T(lang, "error.email_unverified"))
			return
		}
		if id.SessionID == "" {
			// A token bound to no session would be every admin's token.
			s.internal(w, r, errors.New("console: the identity provider named no session"))
			return
		}
		v := &View{Lang: lang, User: user, CSRF: s.csrfToken("session:" + id.SessionID), Nonce: newNonce(), Path: "/console" + r.URL.Path, srv: s}
		if r.Method != http.MethodGet {
			sent := r.Header.Get("X-CSRF-Token")
			if sent == "" {
				sent = r.PostFormValue("_csrf")
			}
			if !hmac.Equal([]byte(sent), []byte(v.CSRF)) {
				Fail(w, r, http.StatusForbidden, messages.T(lang, "error.csrf"))
				return
			}
		}
		if !s.chooseBrand(w, r, v) {
			return
		}
		v.Menu = s.menuFor(v)
		actor := actorBase(r)
		actor.Kind, actor.ID, actor.Label = ports.ActorUser, user.ID.String(), user.Email
		ctx = context.WithValue(ports.WithActor(r.Context(), actor), viewKey{}, v)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// chooseBrand sets the current brand from the cookie, or the first of the admin's brands.
func (s *Server) chooseBrand(w http.ResponseWriter, r *http.Request, v *View) bool {
	ms, err := s.d.Access.Tenants(r.Context(), v.User)
	if err != nil {
		s.internal(w, r, err)
		return false
	}
	want := ""
	if c, err := r.Cookie(tenantCookie); err == nil {
		want = c.Value
	}
	var current *ports.Membership
	for i, m := range ms {
		t, err := s.d.Tenants.Resolve(r.Context(), m.TenantID)
		if err != nil {
			s.internal(w, r, err)
			return false
		}
		v.Brands = append(v.Brands, Brand{Slug: t.Slug, Name: t.Name})
		if current == nil || t.Slug == want {
			current, v.Tenant = &ms[i], t
		}
	}
	if current == nil {
		Fail(w, r, http.StatusForbidden, messages.T(v.Lang, "error.no_brand"))
		return false
	}
	for i := range v.Brands {
		v.Brands[i].Current = v.Brands[i].Slug == v.Tenant.Slug
	}
	if !v.Tenant.Active() {
		Fail(w, r, http.StatusForbidden, messages.T(v.Lang, "error.suspended"))
		return false
	}
	v.Roles = current.Roles
	perms, err := s.d.Authorizer.Permissions(r.Context(), v.Tenant.ID, current.Roles)
	if err != nil {
		s.internal(w, r, err)
		return false
	}
	v.Permissions = map[access.Permission]bool{}
	for _, p := range perms {
		v.Permissions[p] = true
	}
	return true
}

func actorBase(r *http.Request) ports.Actor {
	ip := r.RemoteAddr
	if i := strings.LastIndexByte(ip, ':'); i > 0 {
		ip = strings.Trim(ip[:i], "[]")
	}
	return ports.Actor{RequestID: r.Header.Get("X-Request-ID"), IP: ip, UserAgent: r.UserAgent()}
}
