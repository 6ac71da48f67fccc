package console

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
)

// Fail answers status with message on the error page, or as a toast for htmx requests.
func Fail(w http.ResponseWriter, r *http.Request, status int, message string) {
	lang := language(r)
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Retarget", "#toast")
		w.Header().Set("HX-Reswap", "innerHTML")
	}
	w.WriteHeader(status)
	kitPages.render(w, "error", errorView{Lang: lang, Status: status, Message: message, Partial: r.Header.Get("HX-Request") == "true"})
}

type errorView struct {
	Lang    string
	Status  int
	Message string
	Partial bool
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
	Fail(w, r, http.StatusInternalServerError, messages.T(language(r), "error.internal")+" "+r.Header.Get("X-Request-ID"))
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
