package wire_test

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/domain/points/ledger"
	domain "github.com/engagehq/engage/domain/points/rewards"
)

// The reward catalog's part of a customer, for the customer data contract: their claims and
// vouchers, whose cancellation reasons staff may have written about the person, and the points
// a claim cost, which stay.
func init() {
	addCustomerDataCases(map[string]pgtest.CustomerDataPart{
		"rewards": {
			Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
				now := time.Now().UTC().Truncate(time.Microsecond)
				b, err := pointsdb.Ledger{}.Lock(ctx, now, []ledger.AccountKey{{Customer: c, Wallet: ledger.Points}}, points.OpenLots)
				if err != nil {
					return err
				}
				op := b.Begin(ledger.Operation{Customer: c, Kind: ledger.OpAdjust, Source: ledger.SourceAdmin, Reason: "goodwill",
					ActorKind: "user", ActorID: "test"})
				a := b.Account(c, ledger.Points)
				if _, err := a.Credit(op, ledger.KindAdjust, "goodwill", 345, ledger.Terms{}); err != nil {
					return err
				}
				b.Finish(op, a)
				if err := (pointsdb.Ledger{}).Save(ctx, b); err != nil {
					return err
				}
				r := domain.Reward{ID: uuid.Must(uuid.NewV7()), Kind: domain.KindGift, Status: domain.StatusActive,
					Title: domain.Text{ZH: "帆布袋", EN: "A tote bag"}, Points: 345, VoucherDays: 7, CreatedAt: now, UpdatedAt: now}
				if err := (pointsdb.Rewards{}).Insert(ctx, r); err != nil {
					return err
				}
				red := rewards.Redemption{ID: uuid.Must(uuid.NewV7()), RewardID: r.ID, Customer: c, Key: "k", Fingerprint: []byte{1},
					Points: 345, OperationID: op.ID, ActorKind: "customer", ActorID: c.String(), CreatedAt: now}
				v := domain.Voucher{ID: uuid.Must(uuid.NewV7()), RedemptionID: red.ID, RewardID: r.ID, Customer: c, Code: domain.NewCode(),
					State: domain.StateIssued, IssuedAt: now, ExpiresAt: now.Add(24 * time.Hour)}
				if err := (pointsdb.Rewards{}).InsertRedemption(ctx, red, v); err != nil {
					return err
				}
				v.State, v.CancelledAt, v.Reason = domain.StateCancelled, now, personal
				return pointsdb.Rewards{}.SaveVoucher(ctx, v)
			},
			Personal: "她说下个月搬家，券用不上了",
			Kept:     `"points":345`,
		},
	})
}
