package wire_test

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/tiersdb"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/tiers/tier"
)

// The tiers module's part of a customer, for the customer data contract: their tier, a manual
// change whose reason an admin wrote about the person, their figures and a perk they claimed, which stay.
func init() {
	addCustomerDataCases(map[string]pgtest.CustomerDataPart{
		"tiers": {
			Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
				now := time.Now().UTC().Truncate(time.Microsecond)
				day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
				store := tiersdb.Store{}
				if _, err := store.AddFacts(ctx, []tiers.Fact{{Key: "activity:" + uuid.NewString(), Customer: c, Day: day,
					SpendFen: 123_400, Visited: true}}); err != nil {
					return err
				}
				members, _, err := store.Lock(ctx, []uuid.UUID{c}, "member", now, map[uuid.UUID]time.Time{c: day})
				if err != nil {
					return err
				}
				m := members[c]
				m.Tier, m.Manual, m.Reason = "gold", true, personal
				perk := tier.Benefit{ID: uuid.Must(uuid.NewV7()), Tier: "gold", Kind: tier.Perk, Title: tier.Text{ZH: "免费升杯", EN: "A size up"},
					LimitPeriod: tier.PerEver, Existing: true, CreatedAt: now, UpdatedAt: now}
				if err := (tiersdb.Benefits{}).PutBenefit(ctx, perk); err != nil {
					return err
				}
				if _, err := (tiersdb.Benefits{}).AddUses(ctx, []tiers.Use{{Benefit: perk.ID, Customer: c, Key: "claim:k1", At: now}}); err != nil {
					return err
				}
				return store.Save(ctx, []tiers.Member{m}, []tiers.Change{{ID: uuid.Must(uuid.NewV7()), Customer: c, From: "member",
					To: "gold", Kind: tier.KindManual, Reason: personal, Actor: "user:test", OccurredAt: now}})
			},
			Personal: "她是店长的朋友",
			Kept:     `"spend_fen":123400`,
		},
	})
}
