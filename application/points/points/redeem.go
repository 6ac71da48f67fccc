package points

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/tenants"
)

// Redemption is a spend of points.
type Redemption struct {
	Customer uuid.UUID
	// Wallet is the wallet spent from; empty for the spendable points.
	Wallet ledger.Wallet
	Points int64
	// Reference is the partner's ID of the redemption: the same reference is the same
	// redemption, done once.
	Reference string
	// OrderID is the purchase the points paid for, if any: refunding it returns them.
	OrderID string
}

// checkReference refuses a reference that is empty (when required), too long or not text.
func checkReference(field, ref string, required bool) error {
	switch {
	case ref == "" && required:
		return invalid(field, errors.New("required"))
	case !utf8.ValidString(ref) || utf8.RuneCountInString(ref) > MaxReference:
		return invalid(field, fmt.Errorf("at most %d characters", MaxReference))
	}
	return nil
}

// Redeem spends points from the customer's wallet, soonest-expiring first, once per reference:
// a retry returns the first outcome. More points than the balance is ledger.ErrInsufficient and
// changes nothing.
func (s *Service) Redeem(ctx context.Context, tenant tenants.ID, r Redemption) (Outcome, error) {
	wallets, do, err := s.redemption(&r)
	if err != nil {
		return Outcome{}, err
	}
	o, err := s.change(ctx, tenant, r.Customer, "redeem:"+r.Reference, r.fingerprint(), wallets, do)
	return o, s.RaiseHeld(ctx, tenant, err)
}

func (r Redemption) fingerprint() []byte {
	return fingerprint("redeem", r.Customer, r.Wallet, r.Points, r.OrderID)
}

// redemption checks r and returns the wallets it locks and the operation it records.
func (s *Service) redemption(r *Redemption) (func(context.Context, program.Settings) ([]ledger.Wallet, error),
	func(context.Context, *ledger.Book, program.Settings) (*ledger.Operation, error), error) {
	r.Wallet = walletsOrDefault(r.Wallet)
	if err := errors.Join(checkPoints(r.Points), checkReference("reference", r.Reference, true),
		checkReference("order_id", r.OrderID, false)); err != nil {
		return nil, nil, err
	}
	return func(_ context.Context, p program.Settings) ([]ledger.Wallet, error) {
			w, err := wallet(p, r.Wallet, "wallet")
			if err == nil && !w.Spendable {
				err = invalid("wallet", ErrNotSpendable)
			}
			return []ledger.Wallet{r.Wallet}, err
		},
		func(ctx context.Context, b *ledger.Book, _ program.Settings) (*ledger.Operation, error) {
			op := begin(ctx, b, ledger.Operation{Customer: r.Customer, Kind: ledger.OpRedeem, Reason: "redemption",
				Reference: r.Reference, PurchaseID: r.OrderID, Details: map[string]any{}})
			if err := s.checkRedemption(ctx, r.Customer, b.Now()); err != nil {
				return nil, err
			}
			a := b.Account(r.Customer, r.Wallet)
			if err := a.Spend(op, ledger.KindRedeem, "redemption", r.Points, uuid.Nil); err != nil {
				return nil, invalid("points", err)
			}
			b.Finish(op, a)
			return op, nil
		}, nil
}
