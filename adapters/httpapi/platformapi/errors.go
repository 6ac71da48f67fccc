package platformapi

import (
	"context"
	"net/http"

	"github.com/engagehq/engage/adapters/httpapi"
	accessapp "github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/application/platform/apikeys"
	"github.com/engagehq/engage/application/platform/signin"
	"github.com/engagehq/engage/domain/platform/apikey"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// platformErrors answers the refusals of the platform's services.
var platformErrors = httpapi.ErrorTable{
	httpapi.InvalidFields(httpapi.At("body")),
	{Err: tenants.ErrNotFound, Status: http.StatusNotFound, Code: "tenant_not_found", Detail: "no such tenant"},
	{Err: tenants.ErrSlugTaken, Status: http.StatusConflict, Code: "slug_taken", Detail: "another tenant has this slug",
		Field: "body.slug", Reason: "already taken"},
	{Err: accessapp.ErrEscalation, Status: http.StatusForbidden, Code: "role_escalation", Detail: escalation},
	{Err: apikeys.ErrEscalation, Status: http.StatusForbidden, Code: "role_escalation", Detail: escalation},
	{Err: accessapp.ErrUnknownRole, Status: http.StatusUnprocessableEntity, Code: "unknown_role", Detail: unknownRole, Field: "body.roles"},
	{Err: apikeys.ErrUnknownRole, Status: http.StatusUnprocessableEntity, Code: "unknown_role", Detail: unknownRole, Field: "body.role"},
	{Err: accessapp.ErrLastOwner, Status: http.StatusConflict, Code: "last_owner", Detail: "a brand keeps at least one owner"},
	{Err: accessapp.ErrInvitationState, Status: http.StatusConflict, Code: "invitation_closed",
		Detail: "the invitation was already accepted, revoked or expired"},
	{Err: ports.ErrMembershipNotFound, Status: http.StatusNotFound, Code: "member_not_found", Detail: "no such member"},
	{Err: ports.ErrInvitationPending, Status: http.StatusConflict, Code: "invitation_pending",
		Detail: "another invitation to this email was made at the same moment; list the invitations to see it"},
	{Err: ports.ErrInvitationNotFound, Status: http.StatusNotFound, Code: "invitation_not_found", Detail: "no such invitation"},
	{Err: ports.ErrRoleNotFound, Status: http.StatusNotFound, Code: "role_not_found", Detail: "no such role"},
	{Err: ports.ErrAuditNotFound, Status: http.StatusNotFound, Code: "audit_record_not_found", Detail: "no such audit record"},
	{Err: apikey.ErrRevoked, Status: http.StatusConflict, Code: "api_key_not_live", Detail: notLive},
	{Err: apikey.ErrExpired, Status: http.StatusConflict, Code: "api_key_not_live", Detail: notLive},
	{Err: signin.ErrInvalidLink, Status: http.StatusUnauthorized, Code: "invalid_link",
		Detail: "the sign-in link is invalid, expired or already used"},
	{Err: signin.ErrDisabled, Status: http.StatusForbidden, Code: "local_sign_in_disabled"},
	{Err: apikey.ErrNotFound, Status: http.StatusNotFound, Code: "api_key_not_found", Detail: "no such API key"},
	{Err: apikey.ErrName, Status: http.StatusUnprocessableEntity, Code: "validation_failed", Detail: "the request has invalid fields",
		Field: "body.name"},
}

// Details shared by rows of platformErrors.
const (
	escalation  = "you cannot grant permissions you do not hold"
	unknownRole = "no such role in this brand"
	notLive     = "the key is revoked or expired"
)

// roleProblem reports a malformed role name at location.
func roleProblem(ctx context.Context, location string, err error) error {
	return httpapi.Invalid(ctx, httpapi.Field(location, err.Error(), nil))
}
