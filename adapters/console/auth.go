package console

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/engagehq/engage/ports"
)

// authPrefix is where the console shows Kratos's self-service flows: Kratos's configuration
// points its UI URLs (selfservice.flows.<flow>.ui_url) at AuthPages.
const authPrefix = "/auth/"

// AuthPages are the console's pages for Kratos's UI URLs, by the flow's name in Kratos's
// configuration: one per self-service flow, and "error" for the errors flows end in.
var AuthPages = func() map[string]string {
	out := map[string]string{"error": "/console" + authPrefix + "error"}
	for _, k := range ports.FlowKinds {
		out[string(k)] = "/console" + authPrefix + string(k)
	}
	return out
}()

// authView is a self-service page: a flow's form, or an error with the way to start again.
type authView struct {
	Lang, Kind string
	Flow       ports.AuthFlow
	Error      string
	// Again starts the flow afresh.
	Again string
}

// authFlow shows Kratos's flow of kind: without ?flow= it sends the browser to Kratos to start
// one (Kratos sends it back with the flow's ID); with one, it renders the flow's form, which
// the browser posts to Kratos itself. A flow Kratos no longer knows is started again; one of
// another browser is refused with a way to start again, never in a loop.
func (s *Server) authFlow(kind ports.FlowKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := language(r)
		if s.d.SelfService == nil {
			if kind == ports.FlowLogin {
				http.Redirect(w, r, "/console/login", http.StatusSeeOther)
				return
			}
			NotFound(w, r)
			return
		}
		start := s.startFlow(kind, s.returnTo(r, kind))
		id := r.URL.Query().Get("flow")
		if id == "" {
			http.Redirect(w, r, start, http.StatusSeeOther)
			return
		}
		flow, err := s.d.SelfService.Flow(r.Context(), kind, id, r.Header.Get("Cookie"))
		switch {
		case errors.Is(err, ports.ErrFlowGone):
			http.Redirect(w, r, start, http.StatusSeeOther)
			return
		case errors.Is(err, ports.ErrNoSession):
			http.Redirect(w, r, s.startFlow(ports.FlowLogin, s.absolute("/console"+authPrefix+string(kind))), http.StatusSeeOther)
			return
		case errors.Is(err, ports.ErrFlowRefused):
			s.authPage(w, http.StatusForbidden, authView{Lang: lang, Kind: string(kind), Error: messages.T(lang, "auth.refused"), Again: start})
			return
		case err != nil:
			s.internal(w, r, err)
			return
		}
		s.authPage(w, http.StatusOK, authView{Lang: lang, Kind: string(kind), Flow: flow})
	}
}

// authError shows the error Kratos sent the browser here with (?id=), in the admin's words.
func (s *Server) authError(w http.ResponseWriter, r *http.Request) {
	lang := language(r)
	again := AuthPages[string(ports.FlowLogin)]
	if s.d.SelfService == nil {
		NotFound(w, r)
		return
	}
	e, err := s.d.SelfService.FlowError(r.Context(), r.URL.Query().Get("id"))
	if errors.Is(err, ports.ErrFlowGone) {
		s.authPage(w, http.StatusNotFound, authView{Lang: lang, Kind: "error", Error: messages.T(lang, "error.not_found"), Again: again})
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	status := e.Code
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	s.authPage(w, status, authView{Lang: lang, Kind: "error", Error: authErrorText(lang, e), Again: again})
}

// authErrorText is what an admin reads for a flow's error: Kratos's known errors in their
// language, the others as a sign-in problem with Kratos's own reason.
func authErrorText(lang string, e ports.AuthError) string {
	if msg, ok := messages[lang]["auth.error."+e.ID]; ok && e.ID != "" {
		return msg
	}
	return messages.T(lang, "auth.error.other")
}

// authPage writes a self-service page, whose form posts to Kratos (see policy).
func (s *Server) authPage(w http.ResponseWriter, status int, v authView) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	kitPages.render(w, "auth", v)
}

// startFlow is where a browser starts Kratos's flow of kind, to come back to returnTo.
func (s *Server) startFlow(kind ports.FlowKind, returnTo string) string {
	return strings.TrimRight(s.d.KratosBrowserURL, "/") + "/self-service/" + string(kind) + "/browser?return_to=" + url.QueryEscape(returnTo)
}

// returnTo is where a flow comes back to: for signing in, the page the admin was sent from;
// for the others, the console.
func (s *Server) returnTo(r *http.Request, kind ports.FlowKind) string {
	if kind != ports.FlowLogin {
		return s.absolute("/console/")
	}
	back := r.URL.Query().Get("return_to")
	if c, err := r.Cookie(returnCookie); err == nil && back == "" {
		back = c.Value
	}
	return s.absolute(safeReturn(back))
}

// absolute is path on the console's public URL: Kratos accepts only absolute return URLs it
// is configured to allow.
func (s *Server) absolute(path string) string {
	return strings.TrimRight(s.d.PublicURL, "/") + path
}

// originOf is raw's scheme and host, "" when it has none.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// authText is a Kratos message in lang: the console's words for the IDs it knows (and for the
// labels Kratos makes of the identity schema's titles), Kratos's English for the others.
func authText(lang string, t ports.AuthText) string {
	if msg, ok := messages[lang][fmt.Sprintf("auth.text.%d", t.ID)]; ok {
		return msg
	}
	if title, ok := t.Context["title"].(string); ok {
		if msg, ok := messages[lang]["auth.title."+strings.ToLower(title)]; ok {
			return msg
		}
	}
	return t.Text
}

// authFuncs are the template functions of the self-service page.
var authFuncs = template.FuncMap{"authText": authText}
