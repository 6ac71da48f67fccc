package httpapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/application/apikeys"
	"github.com/engagehq/engage/application/customerauth"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Security scheme names in the OpenAPI document.
const (
	schemeAPIKey   = "apiKey"
	schemeSession  = "adminSession"
	schemePlatform = "platformKey"
	schemeCustomer = "customerToken"
)

// Operation metadata keys: every operation declares who may call it.
const (
	metaAuth       = "auth"
	metaPermission = "permission"
	metaIdempotent = "idempotent"
	// metaCustomerAuth holds the *customerauth.Service that checks a customer operation's token.
	metaCustomerAuth = "customer_auth"
)

// Who may call an operation.
const (
	authPlatform = "platform"
	authTenant   = "tenant"
	authAdmin    = "admin"
	authPublic   = "public"
	authCustomer = "customer"
)

// tenantHeader picks which of a signed-in admin's tenants a request acts in. It is checked
// against the admin's memberships: it selects, it never grants.
const tenantHeader = "X-Engage-Tenant"

// tenantOperation marks op as a tenant operation needing perm, open to API keys and admins.
func tenantOperation(op huma.Operation, perm access.Permission) huma.Operation {
	op.Security = []map[string][]string{{schemeAPIKey: {}}, {schemeSession: {}}}
	op.Metadata = map[string]any{metaAuth: authTenant, metaPermission: string(perm)}
	op.Description += "\n\nRequires permission `" + string(perm) + "`."
	return op
}

// adminOperation marks op as needing a signed-in admin but no tenant (their own profile).
func adminOperation(op huma.Operation) huma.Operation {
	op.Security = []map[string][]string{{schemeSession: {}}}
	op.Metadata = map[string]any{metaAuth: authAdmin, metaPermission: "self"}
	return op
}

// publicOperation marks op as open to anyone (sign-in); it is rate limited per IP.
func publicOperation(op huma.Operation) huma.Operation {
	op.Metadata = map[string]any{metaAuth: authPublic, metaPermission: "public"}
	return op
}

// customerOperation marks op as a brand's customer acting for themselves from the Mini Program,
// with the token auth issued at login (Authorization: Bearer ect_...). The token names the
// tenant and the customer; the operation acts on nothing else.
func customerOperation(op huma.Operation, auth *customerauth.Service) huma.Operation {
	op.Security = []map[string][]string{{schemeCustomer: {}}}
	op.Metadata = map[string]any{metaAuth: authCustomer, metaPermission: "self", metaCustomerAuth: auth}
	return op
}

// platformOperation marks op as reserved to platform operators.
func platformOperation(op huma.Operation) huma.Operation {
	op.Security = []map[string][]string{{schemePlatform: {}}}
	op.Metadata = map[string]any{metaAuth: authPlatform, metaPermission: "platform"}
	op.Tags = []string{"Platform"}
	return op
}

// principal is who a request acts as.
type principal struct {
	Tenant tenants.Tenant
	Roles  []access.Role
	Actor  ports.Actor
	// User is the signed-in admin; nil for API keys.
	User *ports.AdminUser
	// CustomerID is the customer of a customer operation; uuid.Nil otherwise.
	CustomerID uuid.UUID
}

type principalKey struct{}

// principalFrom returns the authenticated principal of a tenant or admin operation.
func principalFrom(ctx context.Context) principal {
	p, _ := ctx.Value(principalKey{}).(principal)
	return p
}

func (s *Server) nameOperation(ctx huma.Context, next func(huma.Context)) {
	infoFrom(ctx.Context()).operation = ctx.Operation().OperationID
	next(ctx)
}

// actorBase is the request's part of an actor: its ID, client address and agent.
func actorBase(ctx huma.Context) ports.Actor {
	ip, _, err := net.SplitHostPort(ctx.RemoteAddr())
	if err != nil {
		ip = ctx.RemoteAddr()
	}
	return ports.Actor{RequestID: RequestID(ctx.Context()), IP: ip, UserAgent: ctx.Header("User-Agent")}
}

func (s *Server) refuse(ctx huma.Context, p *Problem) { writeHumaProblem(ctx, p) }

func unauthenticated(ctx context.Context, detail, hint string) *Problem {
	return problem(ctx, http.StatusUnauthorized, "unauthenticated", detail, field("header.Authorization", hint, nil))
}

// authenticate enforces each operation's declared access before its handler runs.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	info := infoFrom(ctx.Context())
	base := actorBase(ctx)
	switch op.Metadata[metaAuth] {
	case authPlatform:
		if !s.isPlatformKey(bearer(ctx.Header("Authorization"))) {
			s.refuse(ctx, unauthenticated(ctx.Context(), "platform credential required", "expected Bearer <platform key>"))
			return
		}
		info.actor = "platform"
		base.Kind, base.Label = ports.ActorPlatform, "platform"
		next(huma.WithContext(ctx, ports.WithActor(ctx.Context(), base)))
	case authPublic:
		if !s.allow(ctx, "ip:"+base.IP, s.deps.SignInLimits.Default) {
			return
		}
		next(huma.WithContext(ctx, ports.WithActor(ctx.Context(), base)))
	case authAdmin:
		user, ok := s.signedIn(ctx)
		if !ok {
			return
		}
		info.actor = "user:" + user.ID.String()
		base.Kind, base.ID, base.Label = ports.ActorUser, user.ID.String(), user.Email
		next(huma.WithContext(ctx, context.WithValue(ports.WithActor(ctx.Context(), base), principalKey{}, principal{User: &user, Actor: base})))
	case authCustomer:
		auth, _ := op.Metadata[metaCustomerAuth].(*customerauth.Service)
		p, ok := s.customerPrincipal(ctx, base, auth)
		if !ok {
			return
		}
		info.tenant, info.actor = p.Tenant.ID.String(), string(p.Actor.Kind)+":"+p.Actor.ID
		if !s.allow(ctx, info.actor, s.deps.APILimits.For(p.Tenant.Plan)) {
			return
		}
		next(huma.WithContext(ctx, context.WithValue(ports.WithActor(ctx.Context(), p.Actor), principalKey{}, p)))
	case authTenant:
		p, ok := s.tenantPrincipal(ctx, base)
		if !ok {
			return
		}
		info.tenant, info.actor = p.Tenant.ID.String(), string(p.Actor.Kind)+":"+p.Actor.ID
		if !s.allow(ctx, string(p.Actor.Kind)+":"+p.Actor.ID, s.deps.APILimits.For(p.Tenant.Plan)) {
			return
		}
		perm := access.Permission(op.Metadata[metaPermission].(string))
		allowed, err := s.deps.Authorizer.Allowed(ctx.Context(), p.Tenant.ID, p.Roles, perm)
		if err != nil {
			s.internal(ctx, "authorize", err)
			return
		}
		actx := context.WithValue(ports.WithActor(ctx.Context(), p.Actor), principalKey{}, p)
		if allowed {
			next(huma.WithContext(ctx, actx))
		} else {
			s.refuse(ctx, problem(ctx.Context(), http.StatusForbidden, "forbidden", "your role does not grant "+string(perm)))
		}
		// A refused change, by permission or by the service (an attempt to escalate), is
		// itself recorded.
		if ctx.Status() == http.StatusForbidden && op.Method != http.MethodGet {
			s.recordDenial(actx, p, op, perm)
		}
	default:
		next(ctx)
	}
}

// tenantPrincipal authenticates an API key, or a signed-in admin acting in one of their tenants.
func (s *Server) tenantPrincipal(ctx huma.Context, base ports.Actor) (principal, bool) {
	if token := bearer(ctx.Header("Authorization")); strings.HasPrefix(token, "egk_") || (token != "" && ctx.Header("X-Session-Token") == "") {
		k, err := s.deps.APIKeys.Authenticate(ctx.Context(), token)
		switch {
		case errors.Is(err, apikeys.ErrUnauthenticated):
			s.refuse(ctx, unauthenticated(ctx.Context(), "invalid API key", "unknown, revoked, expired or malformed key"))
			return principal{}, false
		case errors.Is(err, tenants.ErrSuspended):
			s.refuse(ctx, problem(ctx.Context(), http.StatusForbidden, "tenant_suspended", "this brand's account is suspended"))
			return principal{}, false
		case err != nil:
			s.internal(ctx, "authenticate key", err)
			return principal{}, false
		}
		base.Kind, base.ID, base.Label = ports.ActorAPIKey, k.KeyID.String(), k.Prefix
		return principal{Tenant: k.Tenant, Roles: []access.Role{k.Role}, Actor: base}, true
	}
	user, ok := s.signedIn(ctx)
	if !ok {
		return principal{}, false
	}
	base.Kind, base.ID, base.Label = ports.ActorUser, user.ID.String(), user.Email
	t, ok := s.chosenTenant(ctx, user)
	if !ok {
		return principal{}, false
	}
	if !t.Active() {
		s.refuse(ctx, problem(ctx.Context(), http.StatusForbidden, "tenant_suspended", "this brand's account is suspended"))
		return principal{}, false
	}
	admin, err := s.deps.Access.Authorize(ctx.Context(), user, t)
	if err != nil {
		s.refuse(ctx, problem(ctx.Context(), http.StatusForbidden, "not_a_member", "you are not a member of this brand",
			field("header."+tenantHeader, "not one of your brands", ctx.Header(tenantHeader))))
		return principal{}, false
	}
	return principal{Tenant: t, Roles: admin.Roles, Actor: base, User: &user}, true
}

// customerPrincipal authenticates a customer token with auth.
func (s *Server) customerPrincipal(ctx huma.Context, base ports.Actor, auth *customerauth.Service) (principal, bool) {
	token := bearer(ctx.Header("Authorization"))
	if auth == nil || !strings.HasPrefix(token, customerauth.TokenPrefix) {
		s.refuse(ctx, unauthenticated(ctx.Context(), "customer token required", "expected Bearer ect_..., from POST /v1/mini/{tenant}/login"))
		return principal{}, false
	}
	c, err := auth.Authenticate(ctx.Context(), token)
	switch {
	case errors.Is(err, customerauth.ErrTokenExpired):
		s.refuse(ctx, unauthenticated(ctx.Context(), "the customer token has expired; log in again", "expired token"))
		return principal{}, false
	case errors.Is(err, customerauth.ErrTokenRevoked):
		s.refuse(ctx, unauthenticated(ctx.Context(), "the brand asked this customer to log in again", "revoked token"))
		return principal{}, false
	case errors.Is(err, customerauth.ErrUnauthenticated):
		s.refuse(ctx, unauthenticated(ctx.Context(), "invalid customer token", "unknown, forged or malformed token"))
		return principal{}, false
	case errors.Is(err, tenants.ErrSuspended):
		s.refuse(ctx, problem(ctx.Context(), http.StatusForbidden, "tenant_suspended", "this brand's account is suspended"))
		return principal{}, false
	case err != nil:
		s.internal(ctx, "authenticate customer", err)
		return principal{}, false
	}
	return principal{Tenant: c.Tenant, Actor: customerauth.CustomerActor(base, c.CustomerID), CustomerID: c.CustomerID}, true
}

// chosenTenant is the tenant the X-Engage-Tenant header names, or the admin's only one.
func (s *Server) chosenTenant(ctx huma.Context, user ports.AdminUser) (tenants.Tenant, bool) {
	ref := ctx.Header(tenantHeader)
	if ref == "" {
		ms, err := s.deps.Access.Tenants(ctx.Context(), user)
		if err != nil {
			s.internal(ctx, "list memberships", err)
			return tenants.Tenant{}, false
		}
		if len(ms) != 1 {
			s.refuse(ctx, problem(ctx.Context(), http.StatusBadRequest, "tenant_required", "say which brand with the "+tenantHeader+" header",
				field("header."+tenantHeader, "required when you belong to several brands or none", nil)))
			return tenants.Tenant{}, false
		}
		ref = ms[0].TenantID.String()
	}
	t, err := s.deps.Tenants.Lookup(ctx.Context(), ref)
	if err != nil {
		// An unknown brand and someone else's brand look the same.
		s.refuse(ctx, problem(ctx.Context(), http.StatusForbidden, "not_a_member", "you are not a member of this brand",
			field("header."+tenantHeader, "not one of your brands", ref)))
		return tenants.Tenant{}, false
	}
	return t, true
}

// signedIn checks the admin session of the request (Kratos or local).
func (s *Server) signedIn(ctx huma.Context) (ports.AdminUser, bool) {
	if s.deps.Identity == nil {
		s.refuse(ctx, unauthenticated(ctx.Context(), "admin sign-in is not configured", "use an API key"))
		return ports.AdminUser{}, false
	}
	token := ctx.Header("X-Session-Token")
	if token == "" {
		token = bearer(ctx.Header("Authorization"))
	}
	id, err := s.deps.Identity.Session(ctx.Context(), ctx.Header("Cookie"), token)
	if errors.Is(err, ports.ErrNoSession) {
		s.refuse(ctx, unauthenticated(ctx.Context(), "sign in first", "no valid session"))
		return ports.AdminUser{}, false
	}
	if err != nil {
		s.internal(ctx, "check session", err)
		return ports.AdminUser{}, false
	}
	user, err := s.deps.Access.SignIn(ports.WithActor(ctx.Context(), actorBase(ctx)), id)
	if err != nil {
		s.refuse(ctx, problem(ctx.Context(), http.StatusForbidden, "email_unverified", "verify your email address, then sign in again"))
		return ports.AdminUser{}, false
	}
	return user, true
}

// recordDenial audits a refused change attempt in the tenant's trail.
func (s *Server) recordDenial(ctx context.Context, p principal, op *huma.Operation, perm access.Permission) {
	err := s.deps.Tx.InTenant(ctx, p.Tenant.ID, func(ctx context.Context) error {
		return s.deps.AuditLog.Record(ctx, ports.AuditEntry{Action: "access.denied", TargetType: "operation", TargetID: op.OperationID,
			After: map[string]any{"permission": perm, "roles": roleStrings(p.Roles)}})
	})
	if err != nil {
		s.deps.Logger.ErrorContext(ctx, "audit denial", "error", err)
	}
}

// allow applies a rate limit, answering 429 with Retry-After when it is exceeded.
func (s *Server) allow(ctx huma.Context, key string, r ratelimit.Rate) bool {
	if s.deps.Limiter == nil {
		return true
	}
	ok, wait := s.deps.Limiter.Allow(key, r)
	if !ok {
		secs := ratelimit.RetryAfterSeconds(wait)
		ctx.SetHeader("Retry-After", strconv.Itoa(secs))
		s.refuse(ctx, problem(ctx.Context(), http.StatusTooManyRequests, "rate_limited", "too many requests; retry after "+strconv.Itoa(secs)+" seconds"))
	}
	return ok
}

func (s *Server) internal(ctx huma.Context, what string, err error) {
	s.deps.Logger.ErrorContext(ctx.Context(), what, "request_id", RequestID(ctx.Context()), "error", err)
	s.refuse(ctx, problem(ctx.Context(), http.StatusInternalServerError, "internal", "internal error; quote the request ID to support"))
}

func roleStrings(rs []access.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}
