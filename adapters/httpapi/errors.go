package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/engagehq/engage/domain/apikey"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// mapError turns application errors into problems; anything unknown is logged and becomes a
// 500 that reveals nothing.
func mapError(ctx context.Context, log *slog.Logger, err error) error {
	var (
		p  *Problem
		fe *tenants.FieldError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &p):
		return p
	case errors.As(err, &fe):
		var fields []*FieldDetail
		for _, e := range unjoin(err) {
			if errors.As(e, &fe) {
				fields = append(fields, field("body."+fe.Field, fe.Err.Error(), nil))
			}
		}
		return problem(ctx, http.StatusUnprocessableEntity, "validation_failed", "the request has invalid fields", fields...)
	case errors.Is(err, tenants.ErrNotFound):
		return problem(ctx, http.StatusNotFound, "tenant_not_found", "no such tenant")
	case errors.Is(err, tenants.ErrSlugTaken):
		return problem(ctx, http.StatusConflict, "slug_taken", "another tenant has this slug", field("body.slug", "already taken", nil))
	case errors.Is(err, apikey.ErrNotFound):
		return problem(ctx, http.StatusNotFound, "api_key_not_found", "no such API key")
	case errors.Is(err, apikey.ErrName):
		return problem(ctx, http.StatusUnprocessableEntity, "validation_failed", "the request has invalid fields", field("body.name", err.Error(), nil))
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		// The client went away; nobody reads this answer.
		return problem(ctx, statusClientClosed, "client_closed", "the client closed the request")
	case errors.Is(err, ports.ErrBadCursor):
		return problem(ctx, http.StatusBadRequest, "invalid_cursor", "the cursor is not one this API issued", field("query.cursor", "malformed cursor", nil))
	}
	log.ErrorContext(ctx, "request failed", "request_id", RequestID(ctx), "error", err)
	return problem(ctx, http.StatusInternalServerError, "internal", "internal error; quote the request ID to support")
}

// statusClientClosed is the conventional status for a request its client abandoned.
const statusClientClosed = 499

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
