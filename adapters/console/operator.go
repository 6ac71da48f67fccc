package console

import (
	"crypto/subtle"
	"net/http"

	"github.com/engagehq/engage/ports"
)

// requirePlatform admits the platform operator: the platform key as the password of HTTP basic
// authentication, so a browser can sign in. Forms carry a CSRF token derived from the key,
// since browsers resend basic credentials on their own.
func (s *Server) requirePlatform(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := language(r)
		_, pw, ok := r.BasicAuth()
		if !ok || s.d.PlatformKey == "" || subtle.ConstantTimeCompare([]byte(pw), []byte(s.d.PlatformKey)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="engage platform"`)
			Fail(w, r, http.StatusUnauthorized, messages.T(lang, "error.signed_out"))
			return
		}
		v := &View{Lang: lang, CSRF: s.csrfToken("platform:" + s.d.PlatformKey), Nonce: newNonce(), Path: "/console" + r.URL.Path, srv: s}
		if r.Method != http.MethodGet {
			sent := r.Header.Get("X-CSRF-Token")
			if sent == "" {
				sent = r.PostFormValue("_csrf")
			}
			if subtle.ConstantTimeCompare([]byte(sent), []byte(v.CSRF)) != 1 {
				Fail(w, r, http.StatusForbidden, messages.T(lang, "error.csrf"))
				return
			}
		}
		actor := ports.Actor{Kind: ports.ActorPlatform, Label: "platform",
			RequestID: r.Header.Get("X-Request-ID"), IP: actorBase(r).IP, UserAgent: r.UserAgent()}
		next.ServeHTTP(w, withView(r.WithContext(ports.WithActor(r.Context(), actor)), v))
	})
}
