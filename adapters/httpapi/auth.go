package httpapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/application/platform/apikeys"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// tenantHeader picks which of a signed-in admin's tenants a request acts in. It is checked
// against the admin's memberships: it selects, it never grants.
const tenantHeader = "X-Engage-Tenant"

// CustomerTokens checks the tokens a brand's customers act with (the customers module's Mini
// Program login issues them).
type CustomerTokens interface {
	// CustomerPrincipal returns the customer token names, acting from base. It refuses a token
	// with a *Problem, as Kit.MapError answers.
	CustomerPrincipal(ctx context.Context, token string, base ports.Actor) (Principal, error)
}

// Principal is who a request acts as.
type Principal struct {
	Tenant tenants.Tenant
	Roles  []access.Role
	Actor  ports.Actor
	// User is the signed-in admin; nil for API keys.
	User *ports.AdminUser
	// CustomerID is the customer of a customer operation; uuid.Nil otherwise.
	CustomerID uuid.UUID
}

type principalKey struct{}

// PrincipalFrom returns the authenticated principal of a tenant, admin or customer operation.
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}

func (s *Server) nameOperation(ctx huma.Context, next func(huma.Context)) {
	infoFrom(ctx.Context()).operation = ctx.Operation().OperationID
	next(ctx)
	checkAnswer(ctx.Context(), s.kit, ctx.Operation(), ctx.Status())
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

// Unauthenticated refuses a request whose credential is missing or invalid; hint says what
// was expected.
func Unauthenticated(ctx context.Context, detail, hint string) *Problem {
	return NewProblem(ctx, http.StatusUnauthorized, "unauthenticated", detail, Field("header.Authorization", hint, nil))
}

// suspended refuses a request to a suspended brand.
func suspended(ctx context.Context) *Problem {
	return NewProblem(ctx, http.StatusForbidden, "tenant_suspended", "this brand's account is suspended")
}

// authenticate enforces each operation's declared access before its handler runs.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	info := infoFrom(ctx.Context())
	base := actorBase(ctx)
	switch op.Metadata[metaAuth] {
	case authPlatform:
		if !s.isPlatformKey(bearer(ctx.Header("Authorization"))) {
			s.refuse(ctx, Unauthenticated(ctx.Context(), "platform credential required", "expected Bearer <platform key>"))
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
		if !s.allow(ctx, info.actor, s.deps.APILimits.Default) {
			return
		}
		base.Kind, base.ID, base.Label = ports.ActorUser, user.ID.String(), user.Email
		next(huma.WithContext(ctx, context.WithValue(ports.WithActor(ctx.Context(), base), principalKey{}, Principal{User: &user, Actor: base})))
	case authCustomer:
		tokens := op.Metadata[metaCustomerAuth].(CustomerTokens)
		p, err := tokens.CustomerPrincipal(ctx.Context(), bearer(ctx.Header("Authorization")), base)
		if err != nil {
			s.refuseWith(ctx, "authenticate customer", err)
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
			s.refuse(ctx, NewProblem(ctx.Context(), http.StatusForbidden, "forbidden", "your role does not grant "+string(perm)))
		}
		// A refused change, by permission or by the service (an attempt to escalate), is
		// itself recorded.
		if ctx.Status() == http.StatusForbidden && op.Method != http.MethodGet {
			s.recordDenial(actx, p, op, perm)
		}
	default:
		// Registered after the server was built, without Register: fail closed.
		s.internal(ctx, "operation declares no caller", errors.New(op.OperationID))
	}
}

// tenantPrincipal authenticates an API key, or a signed-in admin acting in one of their tenants.
func (s *Server) tenantPrincipal(ctx huma.Context, base ports.Actor) (Principal, bool) {
	if token := bearer(ctx.Header("Authorization")); strings.HasPrefix(token, "egk_") || (token != "" && ctx.Header("X-Session-Token") == "") {
		k, err := s.deps.APIKeys.Authenticate(ctx.Context(), token)
		switch {
		case errors.Is(err, apikeys.ErrUnauthenticated):
			s.refuse(ctx, Unauthenticated(ctx.Context(), "invalid API key", "unknown, revoked, expired or malformed key"))
			return Principal{}, false
		case errors.Is(err, tenants.ErrSuspended):
			s.refuse(ctx, suspended(ctx.Context()))
			return Principal{}, false
		case err != nil:
			s.internal(ctx, "authenticate key", err)
			return Principal{}, false
		}
		base.Kind, base.ID, base.Label = ports.ActorAPIKey, k.KeyID.String(), k.Prefix
		return Principal{Tenant: k.Tenant, Roles: []access.Role{k.Role}, Actor: base}, true
	}
	user, ok := s.signedIn(ctx)
	if !ok {
		return Principal{}, false
	}
	base.Kind, base.ID, base.Label = ports.ActorUser, user.ID.String(), user.Email
	t, ok := s.chosenTenant(ctx, user)
	if !ok {
		return Principal{}, false
	}
	if !t.Active() {
		s.refuse(ctx, suspended(ctx.Context()))
		return Principal{}, false
	}
	admin, err := s.deps.Access.Authorize(ctx.Context(), user, t)
	if err != nil {
		s.refuse(ctx, NewProblem(ctx.Context(), http.StatusForbidden, "not_a_member", "you are not a member of this brand",
			Field("header."+tenantHeader, "not one of your brands", ctx.Header(tenantHeader))))
		return Principal{}, false
	}
	return Principal{Tenant: t, Roles: admin.Roles, Actor: base, User: &user}, true
}

// refuseWith refuses with err's problem; an error that is none is a logged 500.
func (s *Server) refuseWith(ctx huma.Context, what string, err error) {
	var p *Problem
	if !errors.As(err, &p) {
		s.internal(ctx, what, err)
		return
	}
	s.refuse(ctx, p)
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
			s.refuse(ctx, NewProblem(ctx.Context(), http.StatusBadRequest, "tenant_required", "say which brand with the "+tenantHeader+" header",
				Field("header."+tenantHeader, "required when you belong to several brands or none", nil)))
			return tenants.Tenant{}, false
		}
		ref = ms[0].TenantID.String()
	}
	t, err := s.deps.Tenants.Lookup(ctx.Context(), ref)
	if err != nil {
		// An unknown brand and someone else's brand look the same.
		s.refuse(ctx, NewProblem(ctx.Context(), http.StatusForbidden, "not_a_member", "you are not a member of this brand",
			Field("header."+tenantHeader, "not one of your brands", ref)))
		return tenants.Tenant{}, false
	}
	return t, true
}

// signedIn checks the admin session of the request (Kratos or local), which the API takes
// from headers only: X-Session-Token or a bearer token. A browser sends the console's session
// cookie with whatever any page makes it post, and some operations read form and text bodies
// (the CSV import), so a cookie would let a page elsewhere act as the admin; a header is
// something only the admin's own client sets.
func (s *Server) signedIn(ctx huma.Context) (ports.AdminUser, bool) {
	if s.deps.Identity == nil {
		s.refuse(ctx, Unauthenticated(ctx.Context(), "admin sign-in is not configured", "use an API key"))
		return ports.AdminUser{}, false
	}
	token := ctx.Header("X-Session-Token")
	if token == "" {
		token = bearer(ctx.Header("Authorization"))
	}
	id, err := s.deps.Identity.Session(ctx.Context(), "", token)
	if errors.Is(err, ports.ErrNoSession) {
		s.refuse(ctx, Unauthenticated(ctx.Context(), "sign in first", "no valid session in X-Session-Token (the API does not read cookies)"))
		return ports.AdminUser{}, false
	}
	if err != nil {
		s.internal(ctx, "check session", err)
		return ports.AdminUser{}, false
	}
	user, err := s.deps.Access.SignIn(ports.WithActor(ctx.Context(), actorBase(ctx)), id)
	if err != nil {
		s.refuse(ctx, NewProblem(ctx.Context(), http.StatusForbidden, "email_unverified", "verify your email address, then sign in again"))
		return ports.AdminUser{}, false
	}
	return user, true
}

// recordDenial audits a refused change attempt in the tenant's trail.
func (s *Server) recordDenial(ctx context.Context, p Principal, op *huma.Operation, perm access.Permission) {
	err := s.deps.Tx.InTenant(ctx, p.Tenant.ID, func(ctx context.Context) error {
		return s.deps.AuditLog.Record(ctx, ports.AuditEntry{Action: "access.denied", TargetType: "operation", TargetID: op.OperationID,
			After: map[string]any{"permission": perm, "roles": access.Names(p.Roles)}})
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
	ok, wait, st := s.deps.Limiter.Take(key, r)
	if st.Limit > 0 {
		ctx.SetHeader(headerLimit, strconv.Itoa(st.Limit))
		ctx.SetHeader(headerRemaining, strconv.Itoa(st.Remaining))
		ctx.SetHeader(headerReset, strconv.Itoa(int((st.Reset+time.Second-1)/time.Second)))
	}
	if !ok {
		secs := ratelimit.RetryAfterSeconds(wait)
		ctx.SetHeader("Retry-After", strconv.Itoa(secs))
		s.refuse(ctx, NewProblem(ctx.Context(), http.StatusTooManyRequests, "rate_limited", "too many requests; retry after "+strconv.Itoa(secs)+" seconds"))
	}
	return ok
}

func (s *Server) internal(ctx huma.Context, what string, err error) {
	s.deps.Logger.ErrorContext(ctx.Context(), what, "request_id", RequestID(ctx.Context()), "error", err)
	s.refuse(ctx, NewProblem(ctx.Context(), http.StatusInternalServerError, "internal", "internal error; quote the request ID to support"))
}
