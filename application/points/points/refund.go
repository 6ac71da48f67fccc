package points

import (
	"context"
	"errors"
	"math/big"
	"slices"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/tenants"
)

// Refund is a purchase returned in part or in whole.
type Refund struct {
	Customer uuid.UUID
	// PurchaseID is the purchase's event ID, as it earned.
	PurchaseID string
	// RefundID is the partner's ID of the refund: the same ID is the same refund, done once.
	RefundID string
	// AmountFen is what was refunded this time; refunds of a purchase add up to its amount at
	// most.
	AmountFen int64
}

// refundDetails is what a refund was computed from and what it did per wallet.
type refundDetails struct {
	AmountFen int64 `json:"amount_fen"`
	// RefundedFen is what the purchase's refunds add up to with this one.
	RefundedFen int64          `json:"refunded_fen"`
	Wallets     []refundWallet `json:"wallets"`
}

type refundWallet struct {
	Wallet ledger.Wallet `json:"wallet"`
	// Due is what the refund owed back of the purchase's points; Taken what the refund policy
	// let it take (cancelled while pending, taken back, and any debt).
	Due   int64 `json:"due"`
	Taken int64 `json:"taken"`
	// Returned are points spent on the order given back.
	Returned int64 `json:"returned"`
}

// Refund takes back, under the brand's refund policy, what a refunded purchase earned beyond
// what the customer kept would earn, and returns points spent on the purchase as an order in
// the share refunded: a partial refund recomputes the points of what was kept with the rates
// of the purchase's day, and the purchase's refunds together never take back or return more
// than it earned or cost in points. Pending points are cancelled first, then (unless the
// policy takes pending points only) points that count, down to zero or (where the brand allows
// a debt) below. Points spent on the order come back before any is taken back, with the expiry
// they had. Once per refund ID; refunds beyond the purchase's amount are ErrRefundTooLarge.
func (s *Service) Refund(ctx context.Context, tenant tenants.ID, r Refund) (Outcome, error) {
	var errs []error
	if r.AmountFen <= 0 {
		errs = append(errs, invalid("amount_fen", errors.New("more than zero fen")))
	}
	errs = append(errs, checkReference("purchase_id", r.PurchaseID, true), checkReference("refund_id", r.RefundID, true))
	if err := errors.Join(errs...); err != nil {
		return Outcome{}, err
	}
	var earned Stored
	return s.change(ctx, tenant, r.Customer, "refund:"+r.RefundID, fingerprint("refund", r.Customer, r.PurchaseID, r.AmountFen),
		func(ctx context.Context, p program.Settings) ([]ledger.Wallet, error) {
			stored, err := s.deps.Ledger.Operations(ctx, []string{purchaseKey(r.PurchaseID)})
			if err != nil {
				return nil, err
			}
			var ok bool
			if earned, ok = stored[purchaseKey(r.PurchaseID)]; !ok || earned.Customer != r.Customer {
				return nil, invalid("purchase_id", ErrPurchaseNotFound)
			}
			ws := p.Keys()
			for _, res := range earned.Results {
				ws = append(ws, res.Wallet)
			}
			return unique(ws), nil
		},
		func(ctx context.Context, b *ledger.Book, p program.Settings) (*ledger.Operation, error) {
			bought, err := DetailsOf[purchaseDetails](earned)
			if err != nil {
				return nil, err
			}
			// Read after the lock: the purchase's refunds and orders as they are now.
			related, err := s.deps.Ledger.ByPurchase(ctx, r.PurchaseID)
			if err != nil {
				return nil, err
			}
			before := map[ledger.Wallet]refundWallet{}
			var refunded int64
			var orders []Stored
			for _, st := range related {
				switch {
				case st.Kind == ledger.OpRefund:
					d, err := DetailsOf[refundDetails](st)
					if err != nil {
						return nil, err
					}
					refunded += d.AmountFen
					for _, w := range d.Wallets {
						sum := before[w.Wallet]
						sum.Due, sum.Returned = sum.Due+w.Due, sum.Returned+w.Returned
						before[w.Wallet] = sum
					}
				case st.Kind == ledger.OpRedeem && st.Customer == r.Customer:
					orders = append(orders, st)
				}
			}
			if refunded+r.AmountFen > bought.AmountFen {
				return nil, invalid("amount_fen", ErrRefundTooLarge)
			}
			details := refundDetails{AmountFen: r.AmountFen, RefundedFen: refunded + r.AmountFen}
			op := begin(ctx, b, ledger.Operation{Customer: r.Customer, Kind: ledger.OpRefund, Reason: "refund", Reference: r.RefundID,
				PurchaseID: r.PurchaseID})
			wallets := unique(append(walletsOf(earned), walletsOfDrawn(orders)...))
			per := make([]refundWallet, len(wallets))
			for i, w := range wallets {
				per[i].Wallet = w
				if per[i].Returned, err = returnSpent(op, b.Account(r.Customer, w), orders, before[w].Returned, details.RefundedFen,
					bought.AmountFen); err != nil {
					return nil, err
				}
			}
			loc, err := s.location(ctx)
			if err != nil {
				return nil, err
			}
			earns, err := s.earns(ctx, bought, bought.AmountFen-details.RefundedFen, loc)
			if err != nil {
				return nil, err
			}
			// Points given back whose expiry passed expire before anything is taken back.
			b.Maintain()
			var touched []ledger.Wallet
			for i, w := range wallets {
				if per[i].Due, per[i].Taken, err = takeBack(op, b.Account(r.Customer, w), p.RefundPolicy, earned, earns[w], before[w].Due); err != nil {
					return nil, err
				}
				if per[i] != (refundWallet{Wallet: w}) {
					details.Wallets = append(details.Wallets, per[i])
					touched = append(touched, w)
				}
			}
			op.Details = details
			b.Finish(op, accountsOf(b, r.Customer, touched)...)
			return op, nil
		})
}

// share returns points times part over whole, rounded down, without overflow.
func share(points, part, whole int64) int64 {
	if whole <= 0 {
		return 0
	}
	n := new(big.Int).Mul(big.NewInt(points), big.NewInt(part))
	return n.Quo(n, big.NewInt(whole)).Int64()
}

// returnSpent gives back to a the share refunded of the points spent on the order from a's
// wallet, less what earlier refunds returned, as lots with the expiry of those they were spent
// from (the latest-expiring first).
func returnSpent(op *ledger.Operation, a *ledger.Account, orders []Stored, returned, refunded, amount int64) (int64, error) {
	var spent int64
	var drawn []Drawn
	for _, o := range orders {
		for _, d := range o.Drawn {
			if d.Wallet == a.Wallet {
				spent += d.Points
				drawn = append(drawn, d)
			}
		}
	}
	due := share(spent, refunded, amount) - returned
	if due <= 0 {
		return 0, nil
	}
	slices.SortStableFunc(drawn, func(x, y Drawn) int {
		if x.ExpiresAt.IsZero() != y.ExpiresAt.IsZero() {
			if x.ExpiresAt.IsZero() {
				return -1
			}
			return 1
		}
		return y.ExpiresAt.Compare(x.ExpiresAt)
	})
	left := due
	for _, d := range drawn {
		n := min(left, d.Points)
		if n == 0 {
			break
		}
		if _, err := a.Credit(op, ledger.KindReverse, "refund", n, ledger.Terms{EarnedAt: d.EarnedAt, ExpiresAt: d.ExpiresAt}); err != nil {
			return 0, err
		}
		left -= n
	}
	return due, nil
}

// takeBack takes from a, under policy, what the purchase earned in a's wallet beyond what the
// part kept earns (keptEarns, recomputed under the purchase's rules), less what earlier refunds
// owed: first from the purchase's own pending lot, then from what counts. It returns what was
// owed and what was taken.
func takeBack(op *ledger.Operation, a *ledger.Account, policy program.RefundPolicy, earned Stored, keptEarns,
	owedBefore int64) (due, taken int64, err error) {
	var got int64
	for _, res := range earned.Results {
		if res.Wallet == a.Wallet {
			got = res.Points + res.Pending
		}
	}
	keeps := min(keptEarns, got)
	due = got - keeps - owedBefore
	if due <= 0 {
		return 0, 0, nil
	}
	own := a.LotOf(earned.ID)
	taken = a.CancelPending(op, "refund", own, due)
	if rest := due - taken; rest > 0 && policy != program.RefundPendingOnly {
		prefer := uuid.Nil
		if own != nil {
			prefer = own.ID
		}
		n, err := a.TakeBack(op, ledger.KindRefund, "refund", rest, prefer, policy == program.RefundAllowNegative)
		if err != nil {
			return 0, 0, err
		}
		taken += n
	}
	return due, taken, nil
}

// walletsOf returns the wallets an operation's results name.
func walletsOf(st Stored) []ledger.Wallet {
	var out []ledger.Wallet
	for _, r := range st.Results {
		out = append(out, r.Wallet)
	}
	return out
}

// walletsOfDrawn returns the wallets orders spent from.
func walletsOfDrawn(orders []Stored) []ledger.Wallet {
	var out []ledger.Wallet
	for _, o := range orders {
		for _, d := range o.Drawn {
			out = append(out, d.Wallet)
		}
	}
	return out
}
