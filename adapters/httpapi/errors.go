package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	accessapp "github.com/engagehq/engage/application/access"
	"github.com/engagehq/engage/application/apikeys"
	"github.com/engagehq/engage/application/signin"
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
		return problem(ctx, http.StatusUnprocessableEntity, "validation_failed", "the request has invalid fields",
			bodyFields(err, func(fe *tenants.FieldError) (string, error) { return fe.Field, fe.Err })...)
	case errors.Is(err, tenants.ErrNotFound):
		return problem(ctx, http.StatusNotFound, "tenant_not_found", "no such tenant")
	case errors.Is(err, tenants.ErrSlugTaken):
		return problem(ctx, http.StatusConflict, "slug_taken", "another tenant has this slug", field("body.slug", "already taken", nil))
	case errors.Is(err, accessapp.ErrEscalation), errors.Is(err, apikeys.ErrEscalation):
		return problem(ctx, http.StatusForbidden, "role_escalation", "you cannot grant permissions you do not hold")
	case errors.Is(err, accessapp.ErrUnknownRole):
		return problem(ctx, http.StatusUnprocessableEntity, "unknown_role", "no such role in this brand", field("body.roles", err.Error(), nil))
	case errors.Is(err, apikeys.ErrUnknownRole):
		return problem(ctx, http.StatusUnprocessableEntity, "unknown_role", "no such role in this brand", field("body.role", err.Error(), nil))
	case errors.Is(err, accessapp.ErrLastOwner):
		return problem(ctx, http.StatusConflict, "last_owner", "a brand keeps at least one owner")
	case errors.Is(err, accessapp.ErrInvitationState):
		return problem(ctx, http.StatusConflict, "invitation_closed", "the invitation was already accepted, revoked or expired")
	case errors.Is(err, ports.ErrMembershipNotFound):
		return problem(ctx, http.StatusNotFound, "member_not_found", "no such member")
	case errors.Is(err, ports.ErrInvitationNotFound):
		return problem(ctx, http.StatusNotFound, "invitation_not_found", "no such invitation")
	case errors.Is(err, ports.ErrRoleNotFound):
		return problem(ctx, http.StatusNotFound, "role_not_found", "no such role")
	case errors.Is(err, ports.ErrAuditNotFound):
		return problem(ctx, http.StatusNotFound, "audit_record_not_found", "no such audit record")
	case errors.Is(err, apikey.ErrRevoked), errors.Is(err, apikey.ErrExpired):
		return problem(ctx, http.StatusConflict, "api_key_not_live", "the key is revoked or expired")
	case errors.Is(err, signin.ErrInvalidLink):
		return problem(ctx, http.StatusUnauthorized, "invalid_link", "the sign-in link is invalid, expired or already used")
	case errors.Is(err, signin.ErrDisabled):
		return problem(ctx, http.StatusForbidden, "local_sign_in_disabled", err.Error())
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

// roleProblem reports a malformed role name at location.
func roleProblem(ctx context.Context, location string, err error) error {
	return problem(ctx, http.StatusUnprocessableEntity, "validation_failed", "the request has invalid fields", field(location, err.Error(), nil))
}

// unjoin flattens errors.Join trees into their leaves.
// bodyFields names the body field of every error of type E joined in err; at tells a field
// error's field and reason (the domains' field errors share that shape, not a type).
func bodyFields[E error](err error, at func(E) (field string, reason error)) []*FieldDetail {
	var out []*FieldDetail
	for _, e := range unjoin(err) {
		var fe E
		if errors.As(e, &fe) {
			name, reason := at(fe)
			out = append(out, field("body."+name, reason.Error(), nil))
		}
	}
	return out
}

func unjoin(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, unjoin(e)...)
	}
	return out
}
