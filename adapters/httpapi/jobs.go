package httpapi

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
)

// JobsPrefix is where River's web UI (Deps.Jobs) is served, behind the platform key.
const JobsPrefix = "/platform/jobs"

// jobsContentSecurityPolicy allows River's UI its own scripts, images and fetches only, in no
// frame: its page holds no inline script (its configuration is a JSON script element, which
// browsers do not run). Its front end sets styles inline (React style attributes, and the
// <style> element its toasts add), so styles alone may be inline; scripts may not.
const jobsContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"

// errJobsJSON refuses a change to jobs that no browser says came from the job UI's pages.
var errJobsJSON = errors.New("a change to jobs from outside the job UI's pages must be application/json with an Origin or a bearer credential")

// jobsGuard protects River's UI: it sends every answer with a strict Content-Security-Policy,
// no framing and no sniffing, and refuses changes (anything but GET, HEAD, OPTIONS) that a
// page elsewhere could make a browser send. Browsers resend HTTP basic credentials on their
// own, even with a form another site auto-submits, and River's API reads a JSON body whatever
// the Content-Type says, so the platform key alone does not show who sent a change.
func (s *Server) jobsGuard(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	if u, err := url.Parse(s.deps.PublicURL); err == nil && u.Scheme != "" && u.Host != "" {
		// Behind a proxy the Host header may not be the public one; the public origin is ours.
		_ = cop.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", jobsContentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		if err := checkJobsChange(cop, r); err != nil {
			writeProblem(w, NewProblem(r.Context(), http.StatusForbidden, "cross_origin_request", err.Error()))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkJobsChange lets a change through when it is the job UI's own: the browser says the
// request is same-origin (River's front end posts JSON without a Content-Type, so only the
// browser's word tells its fetches apart from a form). A browser saying anything else
// (cross-site, same-site) or sending another Origin is refused. A request no browser vouches
// for must be application/json, which no form can send, and carry an Origin (a browser that
// sends no Sec-Fetch-Site) or a bearer credential (a script, whose credential a browser never
// adds by itself).
func checkJobsChange(cop *http.CrossOriginProtection, r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	// Refuses Sec-Fetch-Site cross-site and same-site, and an Origin that is not ours.
	if err := cop.Check(r); err != nil {
		return err
	}
	if r.Header.Get("Sec-Fetch-Site") == "same-origin" {
		return nil
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return errJobsJSON
	}
	if r.Header.Get("Origin") == "" && bearer(r.Header.Get("Authorization")) == "" {
		return errJobsJSON
	}
	return nil
}
