package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/application/apikeys"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// Security scheme names in the OpenAPI document.
const (
	schemeAPIKey   = "apiKey"
	schemePlatform = "platformKey"
)

// Operation metadata keys: every operation declares who may call it.
const (
	metaAuth       = "auth"
	metaPermission = "permission"
	metaIdempotent = "idempotent"
)

// Who may call an operation.
const (
	authPlatform = "platform"
	authTenant   = "tenant"
)

// tenantOperation marks op as a tenant operation needing perm.
func tenantOperation(op huma.Operation, perm access.Permission) huma.Operation {
	op.Security = []map[string][]string{{schemeAPIKey: {}}}
	op.Metadata = map[string]any{metaAuth: authTenant, metaPermission: string(perm)}
	op.Description += "\n\nRequires permission `" + string(perm) + "`."
	return op
}

// platformOperation marks op as reserved to platform operators.
func platformOperation(op huma.Operation) huma.Operation {
	op.Security = []map[string][]string{{schemePlatform: {}}}
	op.Metadata = map[string]any{metaAuth: authPlatform, metaPermission: "platform"}
	op.Tags = []string{"Platform"}
	return op
}

type principalKey struct{}

// principalFrom returns the authenticated API key principal of a tenant operation.
func principalFrom(ctx context.Context) apikeys.Principal {
	p, _ := ctx.Value(principalKey{}).(apikeys.Principal)
	return p
}

func (s *Server) nameOperation(ctx huma.Context, next func(huma.Context)) {
	infoFrom(ctx.Context()).operation = ctx.Operation().OperationID
	next(ctx)
}

// authenticate enforces each operation's declared access before its handler runs.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	info := infoFrom(ctx.Context())
	switch op.Metadata[metaAuth] {
	case authPlatform:
		if !s.isPlatformKey(bearer(ctx.Header("Authorization"))) {
			writeHumaProblem(ctx, problem(ctx.Context(), http.StatusUnauthorized, "unauthenticated", "platform credential required",
				field("header.Authorization", "expected Bearer <platform key>", nil)))
			return
		}
		info.actor = "platform"
		next(ctx)
	case authTenant:
		token := bearer(ctx.Header("Authorization"))
		if token == "" {
			writeHumaProblem(ctx, problem(ctx.Context(), http.StatusUnauthorized, "unauthenticated", "API key required",
				field("header.Authorization", "expected Bearer egk_...", nil)))
			return
		}
		p, err := s.deps.APIKeys.Authenticate(ctx.Context(), token)
		switch {
		case errors.Is(err, apikeys.ErrUnauthenticated):
			writeHumaProblem(ctx, problem(ctx.Context(), http.StatusUnauthorized, "unauthenticated", "invalid API key",
				field("header.Authorization", "unknown, revoked or malformed key", nil)))
			return
		case errors.Is(err, tenants.ErrSuspended):
			info.tenant = p.Tenant.ID.String()
			writeHumaProblem(ctx, problem(ctx.Context(), http.StatusForbidden, "tenant_suspended", "this brand's account is suspended"))
			return
		case err != nil:
			s.deps.Logger.ErrorContext(ctx.Context(), "authenticate", "request_id", info.id, "error", err)
			writeHumaProblem(ctx, problem(ctx.Context(), http.StatusInternalServerError, "internal", "internal error; quote the request ID to support"))
			return
		}
		info.tenant, info.actor = p.Tenant.ID.String(), "key:"+p.KeyID.String()
		perm := access.Permission(op.Metadata[metaPermission].(string))
		if !p.Role.Allows(perm) {
			writeHumaProblem(ctx, problem(ctx.Context(), http.StatusForbidden, "forbidden",
				"role "+p.Role.String()+" lacks permission "+string(perm)))
			return
		}
		next(huma.WithValue(ctx, principalKey{}, p))
	default:
		next(ctx)
	}
}
