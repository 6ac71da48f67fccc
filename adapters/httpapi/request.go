package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"time"

	"github.com/go-chi/chi/v5"
)

// requestInfo is what the layers of one request learn about it, for its log line and metrics.
type requestInfo struct {
	id        string
	operation string
	tenant    string
	actor     string
}

type requestInfoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	if ri, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		return ri
	}
	return &requestInfo{}
}

// RequestID returns the ID of the request ctx belongs to.
func RequestID(ctx context.Context) string { return infoFrom(ctx).id }

// clientRequestID accepts a caller's X-Request-ID only when it is short and plain.
var clientRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (flush, deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// observe gives every request an ID, recovers panics as problems, logs one JSON line per
// request and records its latency.
func observe(log *slog.Logger, m *Metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ri := &requestInfo{id: r.Header.Get("X-Request-ID")}
			if !clientRequestID.MatchString(ri.id) {
				ri.id = newRequestID()
			}
			w.Header().Set("X-Request-ID", ri.id)
			r.Header.Set("X-Request-ID", ri.id) // for handlers outside huma (the console)
			ctx := context.WithValue(r.Context(), requestInfoKey{}, ri)
			rec := &statusRecorder{ResponseWriter: w}
			defer func() {
				if v := recover(); v != nil {
					log.ErrorContext(ctx, "panic", "request_id", ri.id, "panic", v)
					if rec.status == 0 {
						writeProblem(rec, NewProblem(ctx, http.StatusInternalServerError, "internal", "internal error; quote the request ID to support"))
					}
				}
				elapsed := time.Since(start)
				if ri.operation == "" {
					ri.operation = chi.RouteContext(ctx).RoutePattern()
				}
				m.observeHTTP(ri.operation, r.Method, rec.status, elapsed)
				level := slog.LevelInfo
				if rec.status >= 500 {
					level = slog.LevelError
				}
				log.LogAttrs(ctx, level, "request",
					slog.String("request_id", ri.id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.String("operation", ri.operation), slog.Int("status", rec.status),
					slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
					slog.String("tenant", ri.tenant), slog.String("actor", ri.actor))
			}()
			next.ServeHTTP(rec, r.WithContext(ctx))
		})
	}
}
