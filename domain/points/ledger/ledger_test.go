package ledger_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/points/ledger"
)

// store keeps what books persist, as a repository would: balances, every lot, entries, draws.
type store struct {
	balance, pending int64
	lots             map[uuid.UUID]*ledger.Lot
	entries          []ledger.Entry
	draws            []ledger.Draw
}

var customer = uuid.MustParse("0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10")

func (s *store) book(now time.Time) (*ledger.Book, *ledger.Account) {
	b := ledger.NewBook(now)
	var open []*ledger.Lot
	for _, l := range s.lots {
		if l.Remaining > 0 {
			c := *l
			open = append(open, &c)
		}
	}
	return b, b.Load(customer, ledger.Points, s.balance, s.pending, open)
}

func (s *store) save(t *testing.T, b *ledger.Book) {
	t.Helper()
	for _, a := range b.Accounts() {
		db, dp := a.Delta()
		s.balance += db
		s.pending += dp
		require.Equal(t, a.Balance, s.balance)
	}
	for _, l := range append(b.Created(), b.Changed()...) {
		c := *l
		s.lots[l.ID] = &c
	}
	for _, op := range b.Operations() {
		s.entries = append(s.entries, op.Entries...)
		s.draws = append(s.draws, op.Draws...)
	}
}

// check asserts the ledger's invariants at now, after maintenance.
func (s *store) check(t *testing.T, now time.Time, negativeAllowed bool, step string) {
	t.Helper()
	var points, pending int64
	for _, e := range s.entries {
		points += e.Points
		pending += e.Pending
	}
	require.Equal(t, s.balance, points, "%s: the entries sum to the balance", step)
	require.Equal(t, s.pending, pending, "%s: the entries sum to the pending points", step)
	drawn := map[uuid.UUID]int64{}
	for _, d := range s.draws {
		require.Positive(t, d.Points, step)
		drawn[d.LotID] += d.Points
	}
	var active, held int64
	for _, l := range s.lots {
		require.Equal(t, l.Amount-drawn[l.ID], l.Remaining, "%s: lot %s is its amount less its draws, never drawn twice", step, l.ID)
		require.GreaterOrEqual(t, l.Remaining, int64(0), step)
		switch {
		case l.Pending:
			held += l.Remaining
		case !l.Expired(now):
			active += l.Remaining
		default:
			require.Zero(t, l.Remaining, "%s: an expired lot has nothing left after maintenance", step)
		}
	}
	require.Equal(t, max(s.balance, 0), active, "%s: the usable lots hold the balance", step)
	require.Equal(t, s.pending, held, "%s: the pending lots hold the pending points", step)
	if !negativeAllowed {
		require.GreaterOrEqual(t, s.balance, int64(0), "%s: no debt unless the brand allows one", step)
	}
}

// Random sequences of earnings (pending or not, expiring or not), redemptions, adjustments,
// expiries, refunds (whole and partial, under every policy) and cancellations keep every
// invariant of the ledger, and spends take the soonest-expiring lots first.
func TestRandomSequencesKeepTheLedgersInvariants(t *testing.T) {
	t.Parallel()
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 7))
		negative := seed%3 == 0
		s := &store{lots: map[uuid.UUID]*ledger.Lot{}}
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var earned []uuid.UUID // operations that credited a lot
		for step := range 60 {
			now = now.Add(time.Duration(rng.IntN(72)) * time.Hour)
			b, a := s.book(now)
			b.Maintain()
			name := fmt.Sprintf("seed %d step %d", seed, step)
			switch rng.IntN(7) {
			case 0, 1: // earn
				op := b.Begin(ledger.Operation{Customer: customer, Kind: ledger.OpPurchase, Source: ledger.SourceEvent, Reason: "purchase"})
				terms := ledger.Terms{EarnedAt: now}
				if rng.IntN(2) == 0 {
					terms.AvailableAt = now.Add(time.Duration(1+rng.IntN(5)) * 24 * time.Hour)
				}
				if rng.IntN(3) > 0 {
					terms.ExpiresAt = now.Add(time.Duration(1+rng.IntN(30)) * 24 * time.Hour)
				}
				_, err := a.Credit(op, ledger.KindEarn, "purchase", int64(1+rng.IntN(500)), terms)
				require.NoError(t, err)
				earned = append(earned, op.ID)
			case 2: // redeem
				op := b.Begin(ledger.Operation{Customer: customer, Kind: ledger.OpRedeem, Source: ledger.SourcePartner, Reason: "redemption"})
				want := int64(1 + rng.IntN(400))
				before := a.Balance
				remaining, order := map[uuid.UUID]int64{}, []uuid.UUID{}
				for _, l := range usableInSpendOrder(a, now) {
					remaining[l.ID] = l.Remaining
					order = append(order, l.ID)
				}
				err := a.Spend(op, ledger.KindRedeem, "redemption", want, uuid.Nil)
				if want > before {
					require.ErrorIs(t, err, ledger.ErrInsufficient, name)
					require.Empty(t, op.Entries, name)
				} else {
					require.NoError(t, err, name)
					soonestFirst(t, op, remaining, order, name)
				}
			case 3: // adjust either way
				op := b.Begin(ledger.Operation{Customer: customer, Kind: ledger.OpAdjust, Source: ledger.SourceAdmin, Reason: "goodwill"})
				n := int64(1 + rng.IntN(200))
				if rng.IntN(2) == 0 {
					_, err := a.Credit(op, ledger.KindAdjust, "goodwill", n, ledger.Terms{EarnedAt: now})
					require.NoError(t, err)
				} else if err := a.Spend(op, ledger.KindAdjust, "correction", n, uuid.Nil); err != nil {
					require.ErrorIs(t, err, ledger.ErrInsufficient, name)
				}
			case 4, 5: // refund, whole or partial, of an earlier purchase: pending first, then what counts
				if len(earned) == 0 {
					break
				}
				purchase := earned[rng.IntN(len(earned))]
				op := b.Begin(ledger.Operation{Customer: customer, Kind: ledger.OpRefund, Source: ledger.SourcePartner, Reason: "refund"})
				due := int64(1 + rng.IntN(300))
				lot := a.LotOf(purchase)
				due -= a.CancelPending(op, "refund", lot, due)
				if due > 0 && rng.IntN(3) > 0 {
					prefer := uuid.Nil
					if lot != nil {
						prefer = lot.ID
					}
					before := a.Balance
					taken, err := a.TakeBack(op, ledger.KindRefund, "refund", due, prefer, negative)
					require.NoError(t, err)
					if negative {
						require.Equal(t, due, taken, name)
					} else {
						require.Equal(t, min(due, max(before, 0)), taken, name)
					}
				}
			case 6: // cancel what is pending of a purchase
				if len(earned) == 0 {
					break
				}
				op := b.Begin(ledger.Operation{Customer: customer, Kind: ledger.OpRefund, Source: ledger.SourcePartner, Reason: "refund"})
				a.CancelPending(op, "refund", a.LotOf(earned[rng.IntN(len(earned))]), 1<<40)
			}
			s.save(t, b)
			later, _ := s.book(now)
			later.Maintain()
			s.save(t, later)
			s.check(t, now, negative, name)
		}
	}
}

// usableInSpendOrder returns the remaining points of the lots that count, soonest-expiring
// first (never last), oldest first.
func usableInSpendOrder(a *ledger.Account, now time.Time) []*ledger.Lot {
	lots := slices.DeleteFunc(a.Lots(), func(l *ledger.Lot) bool { return l.Pending || l.Expired(now) })
	slices.SortStableFunc(lots, func(x, y *ledger.Lot) int {
		if x.ExpiresAt.IsZero() != y.ExpiresAt.IsZero() {
			if x.ExpiresAt.IsZero() {
				return 1
			}
			return -1
		}
		if c := x.ExpiresAt.Compare(y.ExpiresAt); c != 0 {
			return c
		}
		if c := x.EarnedAt.Compare(y.EarnedAt); c != 0 {
			return c
		}
		return strings.Compare(x.ID.String(), y.ID.String())
	})
	return lots
}

// soonestFirst asserts that a spend took the lots in spending order: every lot it drew from
// but the last is emptied, and it drew from none after the last.
func soonestFirst(t *testing.T, op *ledger.Operation, before map[uuid.UUID]int64, order []uuid.UUID, step string) {
	t.Helper()
	drawn := map[uuid.UUID]int64{}
	for _, d := range op.Draws {
		drawn[d.LotID] += d.Points
	}
	last := -1
	for i, id := range order {
		if drawn[id] > 0 {
			last = i
		}
	}
	for _, id := range order[:max(last, 0)] {
		require.Equal(t, before[id], drawn[id], "%s: a lot expiring sooner is emptied before a later one is touched", step)
	}
}

func TestADebtIsRepaidByTheNextPointsCredited(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	b := ledger.NewBook(now)
	a := b.Load(customer, ledger.Points, 0, 0, nil)
	op := b.Begin(ledger.Operation{Customer: customer, Kind: ledger.OpRefund, Reason: "refund"})
	taken, err := a.TakeBack(op, ledger.KindRefund, "refund", 80, uuid.Nil, true)
	require.NoError(t, err)
	require.Equal(t, int64(80), taken)
	require.Equal(t, int64(-80), a.Balance)
	require.Equal(t, ledger.ReasonNegativeBalance, op.Entries[0].Reason, "the debt is an entry of its own")
	require.True(t, a.MayGoNegative())
	require.ErrorIs(t, a.Spend(op, ledger.KindRedeem, "r", 1, uuid.Nil), ledger.ErrInsufficient)

	earn := b.Begin(ledger.Operation{Customer: customer, Kind: ledger.OpPurchase, Reason: "purchase"})
	l, err := a.Credit(earn, ledger.KindEarn, "purchase", 100, ledger.Terms{EarnedAt: now})
	require.NoError(t, err)
	require.Equal(t, int64(20), a.Balance)
	require.Equal(t, int64(20), l.Remaining, "80 of the lot repaid the debt")
	require.Equal(t, []ledger.Draw{{EntryID: earn.Entries[0].ID, LotID: l.ID, Points: 80}}, earn.Draws)
}

func TestPendingPointsCountFromTheirReleaseAndExpireOnTime(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := &store{lots: map[uuid.UUID]*ledger.Lot{}}
	b, a := s.book(now)
	op := b.Begin(ledger.Operation{Customer: customer, Kind: ledger.OpPurchase, Reason: "purchase"})
	_, err := a.Credit(op, ledger.KindEarn, "purchase", 50, ledger.Terms{EarnedAt: now, AvailableAt: now.Add(7 * 24 * time.Hour),
		ExpiresAt: now.Add(30 * 24 * time.Hour)})
	require.NoError(t, err)
	require.Equal(t, int64(0), a.Balance)
	require.Equal(t, int64(50), a.Pending)
	s.save(t, b)

	b, a = s.book(now.Add(7*24*time.Hour - time.Second))
	b.Maintain()
	require.Empty(t, b.Operations(), "not due a second early")
	b, a = s.book(now.Add(7 * 24 * time.Hour))
	b.Maintain()
	require.Equal(t, int64(50), a.Balance)
	require.Equal(t, int64(0), a.Pending)
	require.Equal(t, ledger.OpRelease, b.Operations()[0].Kind)
	s.save(t, b)

	b, a = s.book(now.Add(30*24*time.Hour - time.Microsecond))
	require.Len(t, b.Warn(24*time.Hour), 1)
	b.Maintain()
	require.Equal(t, int64(50), a.Balance, "still counting a microsecond before expiry")
	s.save(t, b)
	b, _ = s.book(now.Add(30*24*time.Hour - time.Microsecond))
	require.Empty(t, b.Warn(24*time.Hour), "announced once")
	b, a = s.book(now.Add(30 * 24 * time.Hour))
	b.Maintain()
	require.Equal(t, int64(0), a.Balance)
	require.Equal(t, ledger.OpExpire, b.Operations()[0].Kind)
	s.save(t, b)
	s.check(t, now.Add(30*24*time.Hour), false, "after expiry")
}
