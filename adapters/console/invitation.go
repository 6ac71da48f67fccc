package console

import (
	"crypto/hmac"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	accessapp "github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/application/platform/signin"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// invitationView is the page an invitation's link opens: who is invited to which brand, as
// what and until when, and the button that accepts; or why the link no longer works.
type invitationView struct {
	Lang, Brand, Email, Expires, CSRF, Error, Token string
	Roles                                           []string
	// Closed is set when the invitation can no longer be accepted; SignIn offers signing in.
	Closed, SignIn bool
}

// invitationPage shows the invitation a link names.
func (s *Server) invitationPage(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	inv, t, ok := s.openInvitation(w, r, token)
	if !ok {
		return
	}
	s.invitationForm(w, http.StatusOK, s.invitationView(r, token, inv, t))
}

// acceptInvitation accepts the invitation a link names. Without an identity provider (in
// development) the link is the proof of the email: the invitee becomes an admin with a local
// session. With Kratos, the invitee signs in (or signs up) with the invitation's email first.
func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	lang, token := language(r), chi.URLParam(r, "token")
	if !hmac.Equal([]byte(r.PostFormValue("_csrf")), []byte(s.invitationCSRF(token))) {
		Fail(w, r, http.StatusForbidden, messages.T(lang, "error.csrf"))
		return
	}
	inv, t, ok := s.openInvitation(w, r, token)
	if !ok {
		return
	}
	ctx := ports.WithActor(r.Context(), actorBase(r))
	var user ports.AdminUser
	if s.d.SignIn != nil {
		u, err := s.d.Access.AdminByEmail(ctx, inv.Email)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		user = u
	} else {
		id, err := s.d.Identity.Session(ctx, r.Header.Get("Cookie"), "")
		if err != nil {
			// Sign in (or sign up) first, then come back to this page to accept.
			back := accessapp.LinkPath + token
			http.SetCookie(w, &http.Cookie{Name: returnCookie, Value: back, Path: "/console", HttpOnly: true,
				Secure: s.d.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 3600})
			http.Redirect(w, r, "/console/login", http.StatusSeeOther)
			return
		}
		if user, err = s.d.Access.SignIn(ctx, id); err != nil {
			Fail(w, r, http.StatusForbidden, messages.T(lang, "error.email_unverified"))
			return
		}
	}
	_, err := s.d.Access.AcceptLink(ctx, token, user)
	switch {
	case errors.Is(err, accessapp.ErrInvitationEmail):
		v := s.invitationView(r, token, inv, t)
		v.Error = messages.T(lang, "invite.other_email") + " " + user.Email
		s.invitationForm(w, http.StatusForbidden, v)
		return
	case errors.Is(err, accessapp.ErrInvitationState):
		// Accepted already by this very sign-in (a first one accepts every invitation to the
		// email), or closed a moment ago.
		if ms, lerr := s.d.Access.Tenants(ctx, user); lerr != nil || !memberOf(ms, t) {
			s.closedInvitation(w, r, "revoked")
			return
		}
	case err != nil:
		s.internal(w, r, err)
		return
	}
	if s.d.SignIn != nil {
		session, err := s.d.SignIn.OpenSession(ctx, user.ID)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: signin.SessionCookie, Value: session, Path: "/", HttpOnly: true,
			Secure: s.d.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(signin.SessionTTL.Seconds())})
	}
	http.SetCookie(w, &http.Cookie{Name: tenantCookie, Value: t.Slug, Path: "/console", HttpOnly: true,
		Secure: s.d.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	http.Redirect(w, r, "/console/", http.StatusSeeOther)
}

func memberOf(ms []ports.Membership, t tenants.Tenant) bool {
	for _, m := range ms {
		if m.TenantID == t.ID.UUID() {
			return true
		}
	}
	return false
}

// openInvitation reads the invitation of token, answering the page that says why it cannot be
// accepted when it is not open.
func (s *Server) openInvitation(w http.ResponseWriter, r *http.Request, token string) (ports.Invitation, tenants.Tenant, bool) {
	inv, t, err := s.d.Access.InvitationByLink(r.Context(), token)
	if errors.Is(err, accessapp.ErrInvitationLink) {
		s.closedInvitation(w, r, "invalid")
		return inv, t, false
	}
	if err != nil {
		s.internal(w, r, err)
		return inv, t, false
	}
	if status := accessapp.InvitationStatus(inv, time.Now()); status != "open" {
		s.closedInvitation(w, r, status)
		return inv, t, false
	}
	return inv, t, true
}

// closedInvitation says, in the reader's language, why a link no longer works: invalid,
// accepted, replaced, revoked or expired.
func (s *Server) closedInvitation(w http.ResponseWriter, r *http.Request, status string) {
	lang := language(r)
	code := http.StatusGone
	if status == "invalid" {
		code = http.StatusNotFound
	}
	s.invitationForm(w, code, invitationView{Lang: lang, Closed: true, SignIn: status == "accepted",
		Error: messages.T(lang, "invite.closed_"+status)})
}

func (s *Server) invitationView(r *http.Request, token string, inv ports.Invitation, t tenants.Tenant) invitationView {
	lang := language(r)
	roles := make([]string, len(inv.Roles))
	for i, role := range inv.Roles {
		roles[i] = s.roleName(lang, role)
	}
	return invitationView{Lang: lang, Brand: t.Name, Email: inv.Email, Roles: roles, Token: token,
		Expires: inv.ExpiresAt.In(zoneNamed(t.Timezone)).Format(TimeLayout) + " " + ZoneName(lang, t.Timezone), CSRF: s.invitationCSRF(token)}
}

func (s *Server) invitationForm(w http.ResponseWriter, status int, v invitationView) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	kitPages.render(w, "invitation", v)
}

// invitationCSRF is the token of the accept form: the link's secret is what a forged form
// would lack.
func (s *Server) invitationCSRF(token string) string { return s.csrfToken("invitation:" + token) }

// roleName is a role as admins read it in lang: a built-in role by its term (the one name
// every page uses, View.RoleName), a brand's own role by its name.
func (s *Server) roleName(lang string, r access.Role) string {
	if name, ok := s.terms[lang][TermKey(TermRole, r.String())]; ok {
		return name
	}
	return r.String()
}
