package kratostest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	client "github.com/ory/kratos-client-go"
)

// whoami answers GET /sessions/whoami: the session from the X-Session-Token header, else from
// the session cookie, else from an Authorization bearer token, as Kratos reads them; 401 unless
// it exists, is active, has not expired and its identity is active (Kratos's Session.IsActive).
func (s *Server) whoami(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	st, found := s.sessionOf(r)
	s.mu.Unlock()

	if !found || (!st.Raw && !st.valid(time.Now())) {
		writeError(w, http.StatusUnauthorized, noActiveSession())
		return
	}
	w.Header().Set("X-Kratos-Authenticated-Identity-Id", st.identityID)
	writeJSON(w, http.StatusOK, st.model())
}

// sessionOf is the session the request names, valid or not; the caller holds s.mu.
func (s *Server) sessionOf(r *http.Request) (stored, bool) {
	st, ok := s.sessions[s.tokenFrom(r)]
	if !ok {
		return stored{}, false
	}
	return *st, true
}

// tokenFrom reads the session token in the order Kratos does; the caller holds s.mu.
func (s *Server) tokenFrom(r *http.Request) string {
	if t := r.Header.Get("X-Session-Token"); t != "" {
		return t
	}
	if c, err := r.Cookie(s.cfg.CookieName); err == nil && c.Value != "" {
		return c.Value
	}
	scheme, t, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if ok && strings.EqualFold(scheme, "bearer") {
		return t
	}
	return ""
}

// messages are the default messages of Kratos's (herodot's) errors by status.
var messages = map[int]string{
	http.StatusBadRequest:          "The request was malformed or contained invalid parameters",
	http.StatusUnauthorized:        "The request could not be authorized",
	http.StatusForbidden:           "The requested action was forbidden",
	http.StatusNotFound:            "The requested resource could not be found",
	http.StatusGone:                "The requested resource is no longer available because it has expired or is otherwise invalid.",
	http.StatusInternalServerError: "An internal server error occurred, please contact the system administrator",
}

// genericError is Kratos's (herodot's) error of status, with an ID and a reason when not empty.
func genericError(status int, id, reason string) client.GenericError {
	e := client.GenericError{
		Code:    client.PtrInt64(int64(status)),
		Status:  client.PtrString(http.StatusText(status)),
		Message: messages[status],
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	if id != "" {
		e.Id = client.PtrString(id)
	}
	if reason != "" {
		e.Reason = client.PtrString(reason)
	}
	return e
}

// noActiveSession is Kratos's ErrNoActiveSessionFound.
func noActiveSession() client.GenericError {
	e := genericError(http.StatusUnauthorized, "session_inactive", "No active session was found in this request.")
	e.Message = "request does not have a valid authentication session"
	return e
}

// writeError writes Kratos's JSON error body: {"error":{"id","code","status","reason","message",...}}.
func writeError(w http.ResponseWriter, status int, e client.GenericError) {
	writeJSON(w, status, client.ErrorGeneric{Error: e})
}

// writeJSON writes v as Kratos writes its answers.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
