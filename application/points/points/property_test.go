package points_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
)

// Random sequences of earnings, redemptions (some paying for an order), adjustments either way,
// expiries, releases, whole and partial refunds (of pending and of counting points, and some
// too large) under random programs, through the service and the real database: after every step
// the history sums to the balance, no lot is drawn beyond its amount, the lots hold the balances,
// no balance is below zero unless the brand allows debts, and every redemption took the
// soonest-expiring lots first.
func TestRandomSequencesKeepTheLedgerConsistentInTheDatabase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 12))
		b.tn = pgtest.NewTenant(t, b.app.Tenants)
		policy := program.RefundPolicies[rng.IntN(len(program.RefundPolicies))]
		b.program(t, func(s *program.Settings) {
			s.RefundPolicy = policy
			s.PendingDays = []int{0, 0, 2}[rng.IntN(3)]
			s.WarningDays = 1
			s.Wallets[0].Expiry = program.Expiry{Policy: program.ExpireEndOfPeriod, Months: rng.IntN(2),
				Period: []program.Period{program.Day, program.Month}[rng.IntN(2)]}
			s.Wallets[1].Rate = program.Rate{Points: 1, PerFen: 50, MaxPerOrder: 300}
		})
		c := b.customer(t)
		type bought struct {
			id               string
			amount, refunded int64
		}
		var purchases []bought
		for step := range 30 {
			b.clock.set(b.clock.Now().Add(time.Duration(rng.IntN(60)) * time.Hour))
			name := fmt.Sprintf("seed %d (%s) step %d", seed, policy, step)
			switch rng.IntN(8) {
			case 0, 1:
				p := bought{id: fmt.Sprintf("p-%d-%d", seed, step), amount: int64(100 + rng.IntN(40000))}
				_, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, p.id, p.amount))
				require.NoError(t, err, name)
				purchases = append(purchases, p)
			case 2, 3:
				r := points.Redemption{Customer: c, Points: int64(1 + rng.IntN(200)), Reference: "r-" + name}
				if len(purchases) > 0 && rng.IntN(2) == 0 {
					r.OrderID = purchases[rng.IntN(len(purchases))].id
				}
				before := b.usableLots(t, c)
				o, err := b.svc.Redeem(ctx, b.tn.ID, r)
				if errors.Is(err, ledger.ErrInsufficient) {
					break
				}
				require.NoError(t, err, name)
				b.soonestFirst(t, o.OperationID, before, name)
			case 4:
				n := int64(1 + rng.IntN(150))
				if rng.IntN(2) == 0 {
					n = -n
				}
				_, err := b.svc.Adjust(ctx, b.tn.ID, points.Adjustment{Customer: c, Points: n, ReasonCode: "correction"})
				if !errors.Is(err, ledger.ErrInsufficient) {
					require.NoError(t, err, name)
				}
			case 5, 6:
				if len(purchases) == 0 {
					break
				}
				p := &purchases[rng.IntN(len(purchases))]
				left := p.amount - p.refunded
				amount := max(left, 1)
				if rng.IntN(2) == 0 {
					amount = 1 + rng.Int64N(amount)
				}
				_, err := b.svc.Refund(ctx, b.tn.ID, points.Refund{Customer: c, PurchaseID: p.id, RefundID: "f-" + name, AmountFen: amount})
				if amount > left {
					require.ErrorIs(t, err, points.ErrRefundTooLarge, name)
					break
				}
				require.NoError(t, err, name)
				p.refunded += amount
			case 7:
				_, err := b.svc.Maintain(ctx, points.MaintainArgs{TenantID: b.tn.ID.UUID()})
				require.NoError(t, err, name)
			}
			b.checkLedger(t, policy == program.RefundAllowNegative)
		}
	}
}

// lotState is a lot as a test reads it.
type lotState struct {
	id                  uuid.UUID
	remaining           int64
	earnedAt, expiresAt time.Time
}

// usableLots returns the customer's spendable lots that count now, in spending order.
func (b *testBundle) usableLots(t *testing.T, customer uuid.UUID) []lotState {
	t.Helper()
	rows, err := b.super.Query(ctx, `SELECT id, remaining, earned_at, coalesce(expires_at, 'infinity') FROM points_lots
		WHERE tenant_id = $1 AND customer_id = $2 AND wallet = 'points' AND remaining > 0
		  AND (NOT pending OR available_at <= $3) AND (expires_at IS NULL OR expires_at > $3)`,
		b.tn.ID.UUID(), customer, b.clock.Now())
	require.NoError(t, err)
	var out []lotState
	for rows.Next() {
		var l lotState
		var expires any
		require.NoError(t, rows.Scan(&l.id, &l.remaining, &l.earnedAt, &expires))
		if at, ok := expires.(time.Time); ok {
			l.expiresAt = at
		}
		out = append(out, l)
	}
	require.NoError(t, rows.Err())
	slices.SortFunc(out, func(x, y lotState) int {
		switch {
		case x.expiresAt.IsZero() != y.expiresAt.IsZero():
			if x.expiresAt.IsZero() {
				return 1
			}
			return -1
		case !x.expiresAt.Equal(y.expiresAt):
			return x.expiresAt.Compare(y.expiresAt)
		case !x.earnedAt.Equal(y.earnedAt):
			return x.earnedAt.Compare(y.earnedAt)
		}
		return strings.Compare(x.id.String(), y.id.String())
	})
	return out
}

// soonestFirst asserts that the redemption op drew from the lots in spending order: every lot
// before the last one it drew from was emptied by it.
func (b *testBundle) soonestFirst(t *testing.T, op uuid.UUID, before []lotState, step string) {
	t.Helper()
	rows, err := b.super.Query(ctx, `SELECT d.lot_id, d.points FROM points_draws d
		JOIN points_entries e ON e.tenant_id = d.tenant_id AND e.id = d.entry_id
		WHERE e.tenant_id = $1 AND e.operation_id = $2 AND e.kind = 'redeem'`, b.tn.ID.UUID(), op)
	require.NoError(t, err)
	drawn := map[uuid.UUID]int64{}
	for rows.Next() {
		var id uuid.UUID
		var n int64
		require.NoError(t, rows.Scan(&id, &n))
		drawn[id] = n
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, drawn, step)
	last := -1
	for i, l := range before {
		if drawn[l.id] > 0 {
			last = i
		}
	}
	for id := range drawn {
		require.True(t, slices.ContainsFunc(before, func(l lotState) bool { return l.id == id }), "%s: drew from a lot that did not count", step)
	}
	for _, l := range before[:last] {
		var left int64
		require.NoError(t, b.super.QueryRow(ctx, `SELECT remaining FROM points_lots WHERE tenant_id = $1 AND id = $2`,
			b.tn.ID.UUID(), l.id).Scan(&left))
		require.Zero(t, left, "%s: lot %s, expiring sooner than the last one drawn from, is emptied first", step, l.id)
	}
}
