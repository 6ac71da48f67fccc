package httpapi

import (
	"bytes"
	"crypto/sha256"
	"io"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/ports"
)

// idempotencyHeader is the request header naming an idempotency key.
const idempotencyHeader = "Idempotency-Key"

// humaContext lets recordingContext embed huma.Context, whose method Context would otherwise
// clash with the embedded field's name.
type humaContext = huma.Context

// recordingContext captures what a handler writes, to store it under the idempotency key.
type recordingContext struct {
	humaContext
	body   []byte
	status int
	out    bytes.Buffer
}

func (c *recordingContext) BodyReader() io.Reader { return bytes.NewReader(c.body) }

func (c *recordingContext) SetStatus(code int) {
	c.status = code
	c.humaContext.SetStatus(code)
}

func (c *recordingContext) BodyWriter() io.Writer {
	return io.MultiWriter(c.humaContext.BodyWriter(), &c.out)
}

// idempotent gives operations marked idempotent Stripe's Idempotency-Key semantics.
func (s *Server) idempotent(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	key := ctx.Header(idempotencyHeader)
	if op.Metadata[metaIdempotent] != true || key == "" {
		next(ctx)
		return
	}
	if len(key) > 255 {
		writeHumaProblem(ctx, NewProblem(ctx.Context(), http.StatusUnprocessableEntity, "validation_failed", "idempotency key too long",
			Field("header."+idempotencyHeader, "at most 255 characters", nil)))
		return
	}
	body, err := io.ReadAll(io.LimitReader(ctx.BodyReader(), op.MaxBodyBytes+1))
	if err != nil {
		writeHumaProblem(ctx, NewProblem(ctx.Context(), http.StatusBadRequest, "malformed_request", "could not read the request body"))
		return
	}
	if int64(len(body)) > op.MaxBodyBytes {
		writeHumaProblem(ctx, NewProblem(ctx.Context(), http.StatusRequestEntityTooLarge, "body_too_large",
			"the request body exceeds "+strconv.FormatInt(op.MaxBodyBytes, 10)+" bytes"))
		return
	}
	h := sha256.New()
	h.Write([]byte(op.Method + " " + ctx.URL().Path + "\n"))
	h.Write(body)
	fingerprint := h.Sum(nil)

	tenant := PrincipalFrom(ctx.Context()).Tenant.ID
	rec, err := s.deps.Idempotency.Claim(ctx.Context(), tenant, key, fingerprint)
	if err != nil {
		s.deps.Logger.ErrorContext(ctx.Context(), "idempotency claim", "error", err)
		writeHumaProblem(ctx, NewProblem(ctx.Context(), http.StatusInternalServerError, "internal", "internal error; quote the request ID to support"))
		return
	}
	switch rec.State {
	case ports.IdempotencyMismatch:
		writeHumaProblem(ctx, NewProblem(ctx.Context(), http.StatusUnprocessableEntity, "idempotency_key_reused",
			"this Idempotency-Key was used with a different request", Field("header."+idempotencyHeader, "already used for another request", key)))
		return
	case ports.IdempotencyInFlight:
		writeHumaProblem(ctx, NewProblem(ctx.Context(), http.StatusConflict, "idempotency_key_in_use",
			"a request with this Idempotency-Key is still in progress; retry later", Field("header."+idempotencyHeader, "in flight", key)))
		return
	case ports.IdempotencyDone:
		ctx.SetHeader("Content-Type", contentTypeFor(rec.Status))
		ctx.SetHeader("Idempotent-Replayed", "true")
		ctx.SetStatus(rec.Status)
		_, _ = ctx.BodyWriter().Write(rec.Body)
		return
	}

	rc := &recordingContext{humaContext: ctx, body: body}
	next(rc)
	if rc.status >= 500 || rc.status == 0 {
		if err := s.deps.Idempotency.Release(ctx.Context(), tenant, key); err != nil {
			s.deps.Logger.ErrorContext(ctx.Context(), "idempotency release", "error", err)
		}
		return
	}
	if err := s.deps.Idempotency.Complete(ctx.Context(), tenant, key, rc.status, rc.out.Bytes()); err != nil {
		s.deps.Logger.ErrorContext(ctx.Context(), "idempotency complete", "error", err)
	}
}

func contentTypeFor(status int) string {
	if status >= 400 {
		return "application/problem+json"
	}
	return "application/json"
}
