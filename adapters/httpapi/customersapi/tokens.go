package customersapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/ports"
)

// tokenErrors answers refused customer tokens.
var tokenErrors = httpapi.ErrorTable{
	{Err: customerauth.ErrTokenExpired, Status: http.StatusUnauthorized, Code: "unauthenticated",
		Detail: "the customer token has expired; log in again", Field: "header.Authorization", Reason: "expired token"},
	{Err: customerauth.ErrTokenRevoked, Status: http.StatusUnauthorized, Code: "unauthenticated",
		Detail: "the brand asked this customer to log in again", Field: "header.Authorization", Reason: "revoked token"},
	{Err: customerauth.ErrUnauthenticated, Status: http.StatusUnauthorized, Code: "unauthenticated",
		Detail: "invalid customer token", Field: "header.Authorization", Reason: "unknown, forged or malformed token"},
}

// CustomerPrincipal checks a customer token issued at Mini Program login: the customer it
// names, acting from base.
func (m *Module) CustomerPrincipal(ctx context.Context, token string, base ports.Actor) (httpapi.Principal, error) {
	if m.deps.CustomerAuth == nil || !strings.HasPrefix(token, customerauth.TokenPrefix) {
		return httpapi.Principal{}, httpapi.Unauthenticated(ctx, "customer token required", "expected Bearer ect_..., from POST /v1/mini/{tenant}/login")
	}
	c, err := m.deps.CustomerAuth.Authenticate(ctx, token)
	if err != nil {
		return httpapi.Principal{}, m.kit.MapError(ctx, err, tokenErrors)
	}
	return httpapi.Principal{Tenant: c.Tenant, Actor: customerauth.CustomerActor(base, c.CustomerID), CustomerID: c.CustomerID}, nil
}
