package kratostest

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	client "github.com/ory/kratos-client-go"
)

// kinds are the flows a browser can start, as the paths /self-service/{kind}/... name them.
var kinds = []string{"login", "registration", "recovery", "verification", "settings"}

// flow is a self-service browser flow the server started.
type flow struct {
	id, kind string
	// csrf is the anti-CSRF token of the browser that started it, masked as Kratos keeps it.
	csrf                 string
	issuedAt, expiresAt  time.Time
	requestURL, returnTo string
	// messages are what the flow's UI says, e.g. why the last attempt failed; identifier is
	// what it was made with.
	messages   []client.UiText
	identifier string
	// session is the token of the session a settings flow changes.
	session string
}

// startFlow answers GET /self-service/{kind}/browser: a new flow for the browser, which is
// sent to the flow's UI; a signed-in browser starting a sign-in or registration is sent back
// to where it came from instead, and one without a session starting settings to sign in.
func (s *Server) startFlow(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if !slices.Contains(kinds, kind) {
		writeError(w, http.StatusNotFound, genericError(http.StatusNotFound, "", ""))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	returnTo := r.URL.Query().Get("return_to")
	if returnTo != "" && !s.allowedReturn(returnTo) {
		s.forward(w, r, returnToForbidden(returnTo))
		return
	}
	st, signedIn := s.sessionOf(r)
	signedIn = signedIn && st.valid(time.Now())
	switch {
	case (kind == "login" && r.URL.Query().Get("refresh") != "true" || kind == "registration") && signedIn:
		http.Redirect(w, r, cmp.Or(returnTo, s.cfg.ReturnURL), http.StatusSeeOther)
		return
	case kind == "settings" && !signedIn:
		http.Redirect(w, r, s.srv.URL+"/self-service/login/browser?return_to="+url.QueryEscape(s.srv.URL+r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	now := time.Now().UTC()
	f := &flow{id: uuid.NewString(), kind: kind, csrf: mask(s.ensureCSRF(w, r)), issuedAt: now, expiresAt: now.Add(s.cfg.FlowLifespan),
		requestURL: s.srv.URL + r.URL.RequestURI(), returnTo: returnTo}
	if kind == "settings" {
		f.session = s.tokenFrom(r)
	}
	s.flows[f.id] = f
	if acceptsJSON(r) {
		writeJSON(w, http.StatusOK, s.model(f))
		return
	}
	http.Redirect(w, r, withQuery(s.cfg.UI[kind], "flow", f.id), http.StatusSeeOther)
}

// getFlow answers GET /self-service/{kind}/flows?id=: the flow, for the browser that started
// it only (its anti-CSRF cookie), until it expires.
func (s *Server) getFlow(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.flows[r.URL.Query().Get("id")]
	if !ok || f.kind != r.PathValue("kind") {
		writeError(w, http.StatusNotFound, genericError(http.StatusNotFound, "", ""))
		return
	}
	if !verifyMasked(s.csrfSecret(r), f.csrf) {
		writeError(w, http.StatusForbidden, s.csrfError(r))
		return
	}
	if f.kind == "settings" {
		if st, ok := s.sessionOf(r); !ok || !st.valid(time.Now()) || s.tokenFrom(r) != f.session {
			writeError(w, http.StatusUnauthorized, noActiveSession())
			return
		}
	}
	if time.Now().After(f.expiresAt) {
		e := genericError(http.StatusGone, "self_service_flow_expired",
			"The "+f.kind+" flow has expired. Redirect the user to the "+f.kind+" flow init endpoint to initialize a new "+f.kind+" flow.")
		e.Details = map[string]any{"redirect_to": s.srv.URL + "/self-service/" + f.kind + "/browser", "since": f.expiresAt.Format(time.RFC3339Nano)}
		writeError(w, http.StatusGone, e)
		return
	}
	writeJSON(w, http.StatusOK, s.model(f))
}

// submitLogin answers POST /self-service/login?flow= from the flow's form: the anti-CSRF
// token must be the browser's, the method password and the password the identifier's. A
// mistake goes back to the flow's UI with Kratos's message; a success sets the session cookie
// and goes where the flow was to return to.
func (s *Server) submitLogin(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		s.forward(w, r, genericError(http.StatusBadRequest, "", "Unable to parse the request body."))
		return
	}
	f, ok := s.flows[r.URL.Query().Get("flow")]
	if !ok || f.kind != "login" {
		s.forward(w, r, genericError(http.StatusNotFound, "", "The login flow could not be found."))
		return
	}
	if secret := s.csrfSecret(r); !verifyMasked(secret, f.csrf) || !verifyMasked(secret, r.PostFormValue("csrf_token")) {
		s.forward(w, r, s.csrfError(r))
		return
	}
	if time.Now().After(f.expiresAt) {
		next := &flow{id: uuid.NewString(), kind: "login", csrf: f.csrf, issuedAt: time.Now().UTC(), requestURL: f.requestURL, returnTo: f.returnTo}
		next.expiresAt = next.issuedAt.Add(s.cfg.FlowLifespan)
		next.messages = []client.UiText{*client.NewUiText(4010001,
			fmt.Sprintf("The login flow expired %.2f minutes ago, please try again.", time.Since(f.expiresAt).Minutes()), "error")}
		s.flows[next.id] = next
		http.Redirect(w, r, withQuery(s.cfg.UI["login"], "flow", next.id), http.StatusSeeOther)
		return
	}
	identifier := strings.ToLower(strings.TrimSpace(r.PostFormValue("identifier")))
	password, known := s.passwords[identifier]
	switch {
	case r.PostFormValue("method") != "password":
		f.messages = []client.UiText{*client.NewUiText(4010002, "Could not find a strategy to log you in with. Did you fill out the form correctly?", "error")}
	case !known || password == "" || r.PostFormValue("password") != password:
		f.identifier = r.PostFormValue("identifier")
		f.messages = []client.UiText{*client.NewUiText(4000006, "The provided credentials are invalid, check for spelling mistakes "+
			"in your password or username, email address, or phone number.", "error")}
	default:
		sess := Valid(identifier)
		sess.ExpiresAt = time.Now().Add(s.cfg.SessionLifespan)
		token := s.addSession(sess)
		delete(s.flows, f.id)
		http.SetCookie(w, &http.Cookie{Name: s.cfg.CookieName, Value: token, Path: "/", Expires: sess.ExpiresAt, HttpOnly: true,
			SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, cmp.Or(f.returnTo, s.cfg.ReturnURL), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, withQuery(s.cfg.UI["login"], "flow", f.id), http.StatusSeeOther)
}

// getError answers GET /self-service/errors?id=: an error a flow was sent to the error UI with.
func (s *Server) getError(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.errors[r.URL.Query().Get("id")]
	if !ok {
		writeError(w, http.StatusNotFound, genericError(http.StatusNotFound, "", ""))
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// logoutURL answers GET /self-service/logout/browser: the URL that ends the cookie's session.
func (s *Server) logoutURL(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.sessionOf(r)
	if !ok || !st.valid(time.Now()) {
		writeError(w, http.StatusUnauthorized, noActiveSession())
		return
	}
	q := url.Values{"token": {st.logoutToken}}
	if rt := r.URL.Query().Get("return_to"); rt != "" {
		if !s.allowedReturn(rt) {
			writeError(w, http.StatusBadRequest, returnToForbidden(rt))
			return
		}
		q.Set("return_to", rt)
	}
	writeJSON(w, http.StatusOK, client.NewLogoutFlow(st.logoutToken, s.srv.URL+"/self-service/logout?"+q.Encode()))
}

// logout answers GET /self-service/logout?token=: with the session cookie whose logout token
// it is, the session ends, the cookie is cleared and the browser goes to return_to or the
// configured place.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	token := r.URL.Query().Get("token")
	if token == "" {
		s.forward(w, r, genericError(http.StatusBadRequest, "", "Please include a token in the URL query."))
		return
	}
	st, ok := s.sessions[s.tokenFrom(r)]
	if !ok || !st.valid(time.Now()) {
		s.forward(w, r, noActiveSession())
		return
	}
	if st.logoutToken != token {
		s.forward(w, r, genericError(http.StatusForbidden, "", "Unable to log out because the logout token in the URL query does not match the session cookie."))
		return
	}
	returnTo := r.URL.Query().Get("return_to")
	if returnTo != "" && !s.allowedReturn(returnTo) {
		s.forward(w, r, returnToForbidden(returnTo))
		return
	}
	st.Active = false
	http.SetCookie(w, &http.Cookie{Name: s.cfg.CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, cmp.Or(returnTo, s.cfg.LogoutReturnURL), http.StatusSeeOther)
}

// forward keeps e as a flow error and sends the browser to the error UI to show it, as
// Kratos's SelfServiceErrorManager does; the caller holds s.mu.
func (s *Server) forward(w http.ResponseWriter, r *http.Request, e client.GenericError) {
	fe := client.NewFlowError(uuid.NewString())
	now := time.Now().UTC()
	fe.SetCreatedAt(now)
	fe.SetUpdatedAt(now)
	raw := map[string]any{"code": e.GetCode(), "status": e.GetStatus(), "message": e.Message}
	if e.Id != nil {
		raw["id"] = *e.Id
	}
	if e.Reason != nil {
		raw["reason"] = *e.Reason
	}
	if e.Details != nil {
		raw["details"] = e.Details
	}
	fe.SetError(raw)
	s.errors[fe.Id] = *fe
	http.Redirect(w, r, withQuery(s.cfg.UI["error"], "id", fe.Id), http.StatusSeeOther)
}

// allowedReturn reports whether a flow may send the browser to raw: an absolute URL on the
// scheme and host of the default return URL or an allowed one, under its path, or one of
// Kratos's own (a self-service flow to go on with).
func (s *Server) allowedReturn(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() {
		return false
	}
	for _, a := range append([]string{s.cfg.ReturnURL, s.srv.URL + "/self-service/"}, s.cfg.AllowedReturnURLs...) {
		al, err := url.Parse(a)
		if err == nil && al.Scheme == u.Scheme && al.Host == u.Host && strings.HasPrefix(u.Path, al.Path) {
			return true
		}
	}
	return false
}

// returnToForbidden is Kratos's refusal of a return_to it does not allow.
func returnToForbidden(raw string) client.GenericError {
	return genericError(http.StatusBadRequest, "self_service_flow_return_to_forbidden", fmt.Sprintf("Requested return_to URL %q is not allowed.", raw))
}

func acceptsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func withQuery(raw, key, value string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}
