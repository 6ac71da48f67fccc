package console

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
)

// Fail answers status with message on the error page (inside the console's layout when the
// admin or operator is signed in), or as a toast for htmx requests.
func Fail(w http.ResponseWriter, r *http.Request, status int, message string) {
	fail(w, r, errorView{Status: status, Message: message})
}

// errorView is the error page: its status, title and message, the request ID to quote for a
// 500, and the signed-in view when there is one, to show it inside the layout.
type errorView struct {
	*View
	Lang                            string
	Status                          int
	Title, Message, RequestID, Home string
	Partial                         bool
}

func fail(w http.ResponseWriter, r *http.Request, v errorView) {
	v.Lang, v.Partial = language(r), r.Header.Get("HX-Request") == "true"
	if v.Partial {
		w.Header().Set("HX-Retarget", "#toast")
		w.Header().Set("HX-Reswap", "innerHTML")
		if v.RequestID != "" {
			v.Message += " " + messages.T(v.Lang, "error.request_id") + " " + v.RequestID
		}
	}
	v.Title = messages.T(v.Lang, "error.title")
	if t, ok := messages[v.Lang][fmt.Sprintf("error.title_%d", v.Status)]; ok {
		v.Title = t
	}
	v.Home = "/console/"
	if view := ViewOf(r); view != nil {
		v.View = view
		if view.platform() {
			v.Home = "/console/platform/"
		}
	} else if strings.HasPrefix(r.URL.Path, operatorPrefix) {
		v.Home = "/console/platform/"
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(v.Status)
	kitPages.render(w, "error", v)
}

// NotFound answers 404 in the admin's language.
func NotFound(w http.ResponseWriter, r *http.Request) {
	Fail(w, r, http.StatusNotFound, messages.T(language(r), "error.not_found"))
}

// Internal logs err and answers 500 with the request ID to quote, never the error itself.
func Internal(w http.ResponseWriter, r *http.Request, err error) {
	ViewOf(r).srv.internal(w, r, err)
}

// Logger is the console's logger, for what a page must record without answering 500: a
// failure after the answer has begun (a CSV export cut short), or a provider's that the page
// shows in its own words.
func Logger(r *http.Request) *slog.Logger { return ViewOf(r).srv.d.Logger }

func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.d.Logger.ErrorContext(r.Context(), "console", "path", r.URL.Path, "request_id", r.Header.Get("X-Request-ID"), "error", err)
	fail(w, r, errorView{Status: http.StatusInternalServerError, Message: messages.T(language(r), "error.internal"),
		RequestID: r.Header.Get("X-Request-ID")})
}

// recoverer answers a handler's panic as Internal does, in the admin's language with the
// request ID, rather than leaving the answer to the API's outer recovery, which speaks
// problem+json in English.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.internal(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Redirect sends the browser on, as htmx expects for its requests and as browsers expect otherwise.
func Redirect(w http.ResponseWriter, r *http.Request, to string) {
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// PathID reads the {id} path parameter, answering 404 when it is not a UUID.
func PathID(w http.ResponseWriter, r *http.Request) (uuid.UUID, bool) {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		NotFound(w, r)
	}
	return id, err == nil
}

// Fresh reports whether the posted form's nonce (_nonce, from View.Nonce) is seen for the first
// time, so that a double submit does one thing; a form without one is always fresh.
func Fresh(r *http.Request) bool {
	return ViewOf(r).srv.fresh(r.PostFormValue("_nonce"))
}

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
