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
	s.requests++
	failWith := s.failWith
	st, found := s.sessions[tokenFrom(r)]
	s.mu.Unlock()

	if failWith != 0 {
		writeError(w, failWith, "")
		return
	}
	if !found || (!st.Raw && !st.valid(time.Now())) {
		writeError(w, http.StatusUnauthorized, "No valid session credentials found in the request.")
		return
	}
	body, err := json.Marshal(st.model())
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Kratos-Authenticated-Identity-Id", st.identityID)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// tokenFrom reads the session token in the order Kratos does.
func tokenFrom(r *http.Request) string {
	if t := r.Header.Get("X-Session-Token"); t != "" {
		return t
	}
	if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
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
	http.StatusUnauthorized:        "The request could not be authorized",
	http.StatusForbidden:           "The requested action was forbidden",
	http.StatusInternalServerError: "An internal server error occurred, please contact the system administrator",
}

// writeError writes Kratos's JSON error body: {"error":{"code","status","reason","message"}}.
func writeError(w http.ResponseWriter, status int, reason string) {
	e := client.GenericError{
		Code:    client.PtrInt64(int64(status)),
		Status:  client.PtrString(http.StatusText(status)),
		Message: messages[status],
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	if reason != "" {
		e.Reason = client.PtrString(reason)
	}
	body, err := json.Marshal(client.ErrorGeneric{Error: e})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
