package wire_test

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
)

// The points module's part of a customer, for the customer data contract: the ledger, whose
// notes may hold what an admin wrote about the customer, and the balance a merge keeps.
func init() {
	addCustomerDataCases(map[string]pgtest.CustomerDataPart{
		"points": {
			Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
				b, err := pointsdb.Ledger{}.Lock(ctx, time.Now(), []ledger.AccountKey{{Customer: c, Wallet: ledger.Points}}, points.OpenLots)
				if err != nil {
					return err
				}
				op := b.Begin(ledger.Operation{Customer: c, Kind: ledger.OpAdjust, Key: "adjust:" + uuid.NewString(),
					Source: ledger.SourceAdmin, Reason: "goodwill", Note: personal, ActorKind: "user", ActorID: "test"})
				a := b.Account(c, ledger.Points)
				if _, err := a.Credit(op, ledger.KindAdjust, "goodwill", 120, ledger.Terms{}); err != nil {
					return err
				}
				b.Finish(op, a)
				return pointsdb.Ledger{}.Save(ctx, b)
			},
			Personal: "她说下周搬去杭州",
			Kept:     `"points":120`,
		},
		// Check-ins and referrals are days, points and customers' IDs: nothing that says who
		// the person is (their merge is tested with the action rules).
		"points_actions": {},
	})
}
