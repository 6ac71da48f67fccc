package customerauth

import (
	"context"
	"errors"
	"time"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Refresh exchanges a refresh token of tenant for a new customer token and the next refresh
// token, which replaces it: the one presented works once. In one tenant transaction, the
// token's family is locked and its generation checked: the current one rotates; an older one
// means the token was copied, so the family is revoked, the customer's tokens are cut off and
// ErrRefreshReused is returned (the revocation is kept). Refused too: a token that is not
// tenant's or not Engage's (ErrRefreshInvalid), an expired one (ErrRefreshExpired), a revoked
// family or one whose login came before a cut-off of the customer's tokens (ErrRefreshRevoked).
func (s *Service) Refresh(ctx context.Context, tenant tenants.ID, token string) (Login, error) {
	claims, err := s.refresh.verify(token)
	if err != nil {
		return Login{}, err
	}
	if claims.TenantID != tenant.UUID() {
		return Login{}, ErrRefreshInvalid
	}
	var (
		out     Login
		family  ports.RefreshFamily
		refusal error
	)
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		f, err := s.d.Families.Lock(ctx, claims.FamilyID)
		switch {
		case errors.Is(err, ports.ErrRefreshFamilyNotFound):
			refusal = ErrRefreshInvalid
			return nil
		case err != nil:
			return err
		}
		now := s.d.Clock.Now().UTC().Truncate(time.Microsecond)
		exists, notBefore, err := s.d.Sessions.NotBefore(ctx, f.CustomerID)
		switch {
		case err != nil:
			return err
		case f.RevokedAt != nil:
			refusal = ErrRefreshRevoked
			return nil
		case claims.Generation < f.Generation:
			refusal = ErrRefreshReused
			f.RevokedAt, f.RevokedReason = &now, "reused"
			if err := s.CutOff(ctx, f.CustomerID); err != nil {
				return err
			}
			return s.d.Families.Update(ctx, f)
		case claims.Generation > f.Generation || !exists:
			refusal = ErrRefreshInvalid
			return nil
		case !now.Before(f.ExpiresAt):
			refusal = ErrRefreshExpired
			return nil
		case f.AuthenticatedAt.Before(notBefore):
			refusal = ErrRefreshRevoked
			f.RevokedAt, f.RevokedReason = &now, "cut_off"
			return s.d.Families.Update(ctx, f)
		}
		f.Generation++
		f.RefreshedAt, f.ExpiresAt = &now, refreshExpiry(now, f.AuthenticatedAt)
		family, out.CustomerID = f, f.CustomerID
		return s.d.Families.Update(ctx, f)
	})
	if err != nil {
		return Login{}, err
	}
	if refusal != nil {
		return Login{}, refusal
	}
	return s.issue(tenant, out, family), nil
}
