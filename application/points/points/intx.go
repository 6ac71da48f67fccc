package points

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
)

// Changes inside another use case's transaction.
//
// A use case of another part of the module (claiming a reward: stock, points and a voucher in
// one transaction) opens its tenant transaction itself and calls these with its ctx; they lock,
// decide and save exactly as the service's own changes do, and publish in that transaction.
// Call LockIn first: every change to a customer's points starts by locking their balance rows,
// so taking them before any other row keeps the lock order of the whole system. A key taken by
// a concurrent transaction (ErrKeyTaken) spoils the caller's transaction: it runs again.

// LockIn locks the customer's spendable points account in the caller's tenant transaction
// (making it when missing), so that concurrent changes for the customer wait for the caller's
// to commit, and what the caller then reads of the customer's doings is what the transactions
// before committed. It returns ports.ErrCustomerNotFound for an unknown customer.
func (s *Service) LockIn(ctx context.Context, customer uuid.UUID) error {
	_, err := s.deps.Ledger.Lock(ctx, s.deps.Clock.Now(), []ledger.AccountKey{{Customer: customer, Wallet: ledger.Points}}, NoLots)
	return err
}

// RedeemIn is Redeem in the caller's tenant transaction.
func (s *Service) RedeemIn(ctx context.Context, r Redemption) (Outcome, error) {
	wallets, do, err := s.redemption(&r)
	if err != nil {
		return Outcome{}, err
	}
	return s.changeIn(ctx, r.Customer, "redeem:"+r.Reference, r.fingerprint(), wallets, do)
}

// Return gives back the points a customer spent on an order, in the caller's transaction.
type Return struct {
	Customer uuid.UUID
	// OrderID is the order of the redemptions whose points come back.
	OrderID string
	// Reference is the ID of the return: the same reference is the same return, done once.
	Reference string
	// Reason says why, in the ledger ("cancellation").
	Reason string
}

// ReturnIn gives back, in the caller's tenant transaction, every point the customer's
// redemptions with the order spent, as lots with the expiry they had (the latest-expiring
// first; those whose expiry passed expire again at once), once per reference. It is a refund
// operation (points.refunded) of the order.
func (s *Service) ReturnIn(ctx context.Context, r Return) (Outcome, error) {
	if err := errors.Join(checkReference("order_id", r.OrderID, true), checkReference("reference", r.Reference, true)); err != nil {
		return Outcome{}, err
	}
	if r.Reason == "" {
		r.Reason = "return"
	}
	var orders []Stored
	return s.changeIn(ctx, r.Customer, "return:"+r.Reference, fingerprint("return", r.Customer, r.OrderID),
		func(ctx context.Context, p program.Settings) ([]ledger.Wallet, error) {
			related, err := s.deps.Ledger.ByPurchase(ctx, r.OrderID)
			if err != nil {
				return nil, err
			}
			for _, st := range related {
				if st.Kind == ledger.OpRedeem && st.Customer == r.Customer {
					orders = append(orders, st)
				}
			}
			return unique(append([]ledger.Wallet{ledger.Points}, walletsOfDrawn(orders)...)), nil
		},
		func(ctx context.Context, b *ledger.Book, _ program.Settings) (*ledger.Operation, error) {
			op := begin(ctx, b, ledger.Operation{Customer: r.Customer, Kind: ledger.OpRefund, Reason: r.Reason, Reference: r.Reference,
				PurchaseID: r.OrderID, Details: map[string]any{}})
			var touched []*ledger.Account
			for _, w := range unique(walletsOfDrawn(orders)) {
				a := b.Account(r.Customer, w)
				n, err := returnSpent(op, a, orders, 0, 1, 1)
				if err != nil {
					return nil, err
				}
				if n > 0 {
					touched = append(touched, a)
				}
			}
			// Points given back whose expiry passed expire at once.
			b.Maintain()
			b.Finish(op, touched...)
			return op, nil
		})
}
