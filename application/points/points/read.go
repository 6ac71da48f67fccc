package points

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Bucket is points that expire, or are released, at one instant.
type Bucket struct {
	At     time.Time
	Points int64
}

// WalletView is a customer's wallet as of now: points released since the last sweep count,
// and points whose expiry passed are gone, as they will be in the ledger at its next sweep.
type WalletView struct {
	Wallet    ledger.Wallet
	Spendable bool
	Balance   int64
	Pending   int64
	// Expiring are the points that count, by the instant they expire, soonest first; points
	// that never expire are not among them.
	Expiring []Bucket
	// Releases are the pending points, by the instant they start to count.
	Releases []Bucket
	// Held are pending points held for an anti-fraud review: no instant releases them.
	Held int64

	held bool // the ledger has the account
}

// NextExpiry returns the soonest expiry, if any points expire.
func (w WalletView) NextExpiry() (Bucket, bool) {
	if len(w.Expiring) == 0 {
		return Bucket{}, false
	}
	return w.Expiring[0], true
}

// Wallets returns the customer's wallets in the program's order (and any the program no longer
// has, after), or ports.ErrCustomerNotFound.
func (s *Service) Wallets(ctx context.Context, tenant tenants.ID, customer uuid.UUID) ([]WalletView, error) {
	if _, err := s.deps.Customers.Get(ctx, tenant, customer); err != nil {
		return nil, err
	}
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]WalletView, error) {
		return s.views(ctx, customer)
	})
}

// views reads the customer's wallets in the caller's scope.
func (s *Service) views(ctx context.Context, customer uuid.UUID) ([]WalletView, error) {
	settings, err := s.deps.Programs.Settings(ctx)
	if err != nil {
		return nil, err
	}
	states, err := s.deps.Ledger.Accounts(ctx, customer)
	if err != nil {
		return nil, err
	}
	// The book is never saved: it works out what the next sweep will do.
	b := ledger.NewBook(s.deps.Clock.Now())
	for _, st := range states {
		b.Load(customer, st.Wallet, st.Balance, st.Pending, st.Lots)
	}
	b.Maintain()
	wallets := settings.Keys()
	for _, st := range states {
		if !slices.Contains(wallets, st.Wallet) {
			wallets = append(wallets, st.Wallet)
		}
	}
	out := make([]WalletView, 0, len(wallets))
	for _, w := range wallets {
		v := WalletView{Wallet: w}
		if pw, ok := settings.Wallet(w); ok {
			v.Spendable = pw.Spendable
		}
		if a := b.Account(customer, w); a != nil {
			v.held, v.Balance, v.Pending = true, a.Balance, a.Pending
			for _, l := range a.Lots() {
				switch {
				case l.Held():
					v.Held += l.Remaining
				case l.Pending:
					v.Releases = addTo(v.Releases, l.AvailableAt, l.Remaining)
				case !l.ExpiresAt.IsZero():
					v.Expiring = addTo(v.Expiring, l.ExpiresAt, l.Remaining)
				}
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// addTo adds points at an instant to buckets kept in time order.
func addTo(bs []Bucket, at time.Time, points int64) []Bucket {
	i, found := slices.BinarySearchFunc(bs, at, func(b Bucket, t time.Time) int { return b.At.Compare(t) })
	if found {
		bs[i].Points += points
		return bs
	}
	return slices.Insert(bs, i, Bucket{At: at, Points: points})
}

// HistoryKinds are the filters of a history: the kinds of entry each shows.
var HistoryKinds = map[string][]ledger.Kind{
	"earned":   {ledger.KindEarn},
	"released": {ledger.KindRelease},
	"redeemed": {ledger.KindRedeem},
	"expired":  {ledger.KindExpire},
	"adjusted": {ledger.KindAdjust},
	"refunded": {ledger.KindRefund, ledger.KindCancel, ledger.KindReverse},
}

// History returns a page of the customer's entries, newest first, or ports.ErrCustomerNotFound.
func (s *Service) History(ctx context.Context, tenant tenants.ID, customer uuid.UUID, q HistoryQuery, page ports.Page) ([]HistoryEntry, error) {
	out, err := ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]HistoryEntry, error) {
		return s.deps.Ledger.History(ctx, customer, q, page)
	})
	if err != nil || len(out) > 0 {
		return out, err
	}
	_, err = s.deps.Customers.Get(ctx, tenant, customer)
	return out, err
}

// Settings returns the brand's points program.
func (s *Service) Settings(ctx context.Context, tenant tenants.ID) (program.Settings, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, s.deps.Programs.Settings)
}

// MemberSection implements ports.MemberSummaryProvider: the points section of a member's
// summary, each wallet's balance, pending points and next expiry; absent for a member whose
// points never moved, rather than zeros the ledger does not hold.
func (s *Service) MemberSection(ctx context.Context, customer uuid.UUID) (ports.MemberSection, bool, error) {
	views, err := s.views(ctx, customer)
	if err != nil || !slices.ContainsFunc(views, func(v WalletView) bool { return v.held }) {
		return ports.MemberSection{}, false, err
	}
	type wallet struct {
		Wallet       ledger.Wallet `json:"wallet"`
		Balance      int64         `json:"balance"`
		Pending      int64         `json:"pending"`
		NextExpiry   *time.Time    `json:"next_expiry_at,omitempty"`
		ExpiringNext int64         `json:"next_expiry_points,omitempty"`
	}
	out := make([]wallet, len(views))
	for i, v := range views {
		out[i] = wallet{Wallet: v.Wallet, Balance: v.Balance, Pending: v.Pending}
		if next, ok := v.NextExpiry(); ok {
			out[i].NextExpiry, out[i].ExpiringNext = &next.At, next.Points
		}
	}
	return ports.MemberSection{Name: "points", Data: map[string]any{"wallets": out}}, true, nil
}

var _ ports.MemberSummaryProvider = (*Service)(nil)
