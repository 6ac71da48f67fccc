package tiers

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Vouchers issues the rewards the tiers' benefits give, without charging points, in the
// caller's tenant transaction, once per customer and key (a key given before gives nothing).
type Vouchers interface {
	Give(ctx context.Context, tenant tenants.ID, customer, reward uuid.UUID, key string) error
}

// VoucherSubscriber issues the voucher of every reward a benefit gave (tier.benefit_given),
// under the key tier:<benefit>:<use key>: worked twice, it issues once.
func (s *Service) VoucherSubscriber(queue string) eventbus.Subscriber {
	return eventbus.Subscriber{Name: "tiers_vouchers", Queue: queue, Takes: eventbus.Types(tier.TypeBenefitGiven), Wants: s.Wanted,
		Handle: func(ctx context.Context, published []ports.DomainEvent) error {
			tenant, err := s.deps.Locals.Tenant(ctx)
			if err != nil {
				return err
			}
			given, err := eventbus.Decode[tier.BenefitGiven](published)
			if err != nil {
				return err
			}
			for _, g := range given {
				if g.RewardID == nil {
					continue
				}
				if err := s.deps.Vouchers.Give(ctx, tenant, g.CustomerID, *g.RewardID, "tier:"+g.BenefitID.String()+":"+g.Key); err != nil {
					return err
				}
			}
			return nil
		}}
}
