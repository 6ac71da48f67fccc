package tiers

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Counts returns how many of the brand's members hold each tier. Customers the module has
// not counted yet (no purchase or visit since the program began) are not among them.
func (s *Service) Counts(ctx context.Context, tenant tenants.ID) (map[tier.Code]int64, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (map[tier.Code]int64, error) {
		return s.deps.Store.Held(ctx)
	})
}

// Members returns the brand's members holding code, in customer order after after (uuid.Nil
// for the first), at most limit.
func (s *Service) Members(ctx context.Context, tenant tenants.ID, code tier.Code, after uuid.UUID, limit int) ([]Member, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]Member, error) {
		return s.deps.Store.Members(ctx, code, after, limit)
	})
}
