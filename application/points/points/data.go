package points

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/ports"
)

// CustomerData returns the points part of a customer's data: merged, downloaded and erased with
// the profile, in the caller's transaction.
func (s *Service) CustomerData() ports.CustomerData { return customerData{s: s} }

type customerData struct{ s *Service }

// Section implements ports.CustomerData.
func (customerData) Section() string { return "points" }

// Merge implements ports.CustomerData: both customers' accounts are locked and brought up to
// date, the duplicate's lots, entries and operations become the survivor's, its balances are
// added to the survivor's (a debt of either settled from the points the other brings), and its
// accounts go.
func (d customerData) Merge(ctx context.Context, from, into uuid.UUID) error {
	l := d.s.deps.Ledger
	settings, err := d.s.deps.Programs.Settings(ctx)
	if err != nil {
		return err
	}
	wallets := settings.Keys()
	for _, c := range []uuid.UUID{from, into} {
		ws, err := l.Wallets(ctx, c)
		if err != nil {
			return err
		}
		wallets = unique(append(wallets, ws...))
	}
	keysOf := func(customers ...uuid.UUID) []ledger.AccountKey {
		var out []ledger.AccountKey
		for _, c := range customers {
			for _, w := range wallets {
				out = append(out, ledger.AccountKey{Customer: c, Wallet: w})
			}
		}
		return out
	}
	now := d.s.deps.Clock.Now()
	b, err := l.Lock(ctx, now, keysOf(from, into), OpenLots)
	if err != nil {
		return err
	}
	b.Maintain()
	if err := d.s.save(ctx, b); err != nil {
		return err
	}
	if err := l.Move(ctx, from, into); err != nil {
		return err
	}
	merged, err := l.Lock(ctx, now, keysOf(into), OpenLots)
	if err != nil {
		return err
	}
	op := begin(ctx, merged, ledger.Operation{Customer: into, Kind: ledger.OpMerge, Reason: ledger.ReasonMerge,
		Details: map[string]any{"merged_id": from}})
	survivor := accountsOf(merged, into, wallets)
	for _, a := range survivor {
		dup := b.Account(from, a.Wallet)
		a.Absorb(op, dup.Balance, dup.Pending)
	}
	merged.Finish(op, survivor...)
	if err := d.s.save(ctx, merged); err != nil {
		return err
	}
	return l.Drop(ctx, from)
}

// Export implements ports.CustomerData: balances, lots and every operation with its entries.
func (d customerData) Export(ctx context.Context, customer uuid.UUID) (any, error) {
	return d.s.deps.Ledger.Download(ctx, customer)
}

// Erase implements ports.CustomerData: the ledger keeps every amount (balances and history stay
// consistent); admins' notes, which may say something about the person, go.
func (d customerData) Erase(ctx context.Context, customer uuid.UUID) error {
	return d.s.deps.Ledger.EraseNotes(ctx, customer)
}
