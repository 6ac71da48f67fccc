package ledger

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Book is the ledger changes of one transaction: the accounts it loaded (locked by the
// repository), the operations made on them with their entries and draws, the lots credited and
// the lots changed.
type Book struct {
	now      time.Time
	accounts []*Account
	index    map[AccountKey]*Account
	ops      []*Operation
	created  []*Lot
	changed  []*Lot
	touched  map[*Lot]bool // changed or created
}

// NewBook returns an empty book whose changes happen at now.
func NewBook(now time.Time) *Book {
	return &Book{now: now.UTC().Truncate(time.Microsecond), index: map[AccountKey]*Account{}, touched: map[*Lot]bool{}}
}

// Now is the time of the book's changes.
func (b *Book) Now() time.Time { return b.now }

// Load adds an account as the repository read and locked it: its balances and its open lots
// (remaining points above zero). Loading an account twice returns the first.
func (b *Book) Load(customer uuid.UUID, wallet Wallet, balance, pending int64, lots []*Lot) *Account {
	if a := b.Account(customer, wallet); a != nil {
		return a
	}
	a := &Account{Customer: customer, Wallet: wallet, Balance: balance, Pending: pending, lots: lots, book: b,
		startBalance: balance, startPending: pending}
	b.accounts = append(b.accounts, a)
	b.index[AccountKey{Customer: customer, Wallet: wallet}] = a
	return a
}

// Account returns the loaded account, or nil.
func (b *Book) Account(customer uuid.UUID, wallet Wallet) *Account {
	return b.index[AccountKey{Customer: customer, Wallet: wallet}]
}

// Accounts returns the loaded accounts, in the order they were loaded.
func (b *Book) Accounts() []*Account { return slices.Clone(b.accounts) }

// Begin starts an operation: it gets an ID and, unless set, the book's time.
func (b *Book) Begin(op Operation) *Operation {
	op.ID = newID()
	if op.OccurredAt.IsZero() {
		op.OccurredAt = b.now
	}
	p := &op
	b.ops = append(b.ops, p)
	return p
}

// Finish records op's results in the wallets of accounts: what op changed there and the
// balances after it. An operation is finished once its last entry is written.
func (b *Book) Finish(op *Operation, accounts ...*Account) {
	op.Results = op.Results[:0]
	for _, a := range accounts {
		r := Result{Wallet: a.Wallet, Balance: a.Balance, PendingBalance: a.Pending}
		for _, e := range op.Entries {
			if e.Wallet != a.Wallet || e.Customer != a.Customer {
				continue
			}
			r.Points += e.Points
			r.Pending += e.Pending
			if l := a.lot(e.LotID); l != nil && (e.Kind == KindEarn || e.Kind == KindAdjust || e.Kind == KindReverse) {
				if l.Pending && !l.Held() {
					r.ReleasesAt = &l.AvailableAt
				}
				if !l.ExpiresAt.IsZero() {
					r.ExpiresAt = &l.ExpiresAt
				}
			}
		}
		op.Results = append(op.Results, r)
	}
}

// Operations returns the operations begun, in order.
func (b *Book) Operations() []*Operation { return slices.Clone(b.ops) }

// Created returns the lots credited.
func (b *Book) Created() []*Lot { return slices.Clone(b.created) }

// Changed returns the loaded lots whose remaining points, state or warning changed.
func (b *Book) Changed() []*Lot { return slices.Clone(b.changed) }

// Empty reports whether the book changed nothing.
func (b *Book) Empty() bool { return len(b.ops) == 0 && len(b.changed) == 0 }

func (b *Book) touch(l *Lot) {
	if b.touched[l] {
		return
	}
	b.touched[l] = true
	b.changed = append(b.changed, l)
}

// Maintain brings every loaded account up to date at the book's time: pending lots due are
// released, and lots whose expiry passed expire. Each customer gets at most one release and one
// expiry operation, of source rule.
func (b *Book) Maintain() {
	release, expire := map[uuid.UUID]*Operation{}, map[uuid.UUID]*Operation{}
	opFor := func(ops map[uuid.UUID]*Operation, customer uuid.UUID, kind OpKind, reason string) *Operation {
		if op := ops[customer]; op != nil {
			return op
		}
		op := b.Begin(Operation{Customer: customer, Kind: kind, Source: SourceRule, Reason: reason, ActorKind: "system"})
		ops[customer] = op
		return op
	}
	for _, a := range b.accounts {
		for _, l := range a.lots {
			if l.Releasable(b.now) {
				a.release(opFor(release, a.Customer, OpRelease, ReasonRelease), l)
			}
		}
		if a.expiredPoints() > 0 {
			a.expire(opFor(expire, a.Customer, OpExpire, ReasonExpiry))
		}
	}
	for _, ops := range []map[uuid.UUID]*Operation{release, expire} {
		for customer, op := range ops {
			var touched []*Account
			for _, a := range b.accounts {
				if a.Customer == customer {
					touched = append(touched, a)
				}
			}
			b.Finish(op, touched...)
		}
	}
}

// Warning is an announcement that points of one account expire at one instant.
type Warning struct {
	Customer  uuid.UUID
	Wallet    Wallet
	Points    int64
	ExpiresAt time.Time
}

// Warn returns the expiries of the loaded accounts' lots due by the book's time plus ahead
// that were not announced yet, one per account and instant, and marks their lots announced.
func (b *Book) Warn(ahead time.Duration) []Warning {
	var out []Warning
	for _, a := range b.accounts {
		for _, l := range a.lots {
			if l.Pending || l.Remaining == 0 || l.ExpiresAt.IsZero() || !l.WarnedAt.IsZero() || l.Expired(b.now) ||
				l.ExpiresAt.After(b.now.Add(ahead)) {
				continue
			}
			l.WarnedAt = b.now
			b.touch(l)
			i := slices.IndexFunc(out, func(w Warning) bool {
				return w.Customer == a.Customer && w.Wallet == a.Wallet && w.ExpiresAt.Equal(l.ExpiresAt)
			})
			if i < 0 {
				out = append(out, Warning{Customer: a.Customer, Wallet: a.Wallet, ExpiresAt: l.ExpiresAt})
				i = len(out) - 1
			}
			out[i].Points += l.Remaining
		}
	}
	slices.SortStableFunc(out, func(x, y Warning) int { return x.ExpiresAt.Compare(y.ExpiresAt) })
	return out
}

// newID returns a UUIDv7, ordered by time.
func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// spendOrder orders lots soonest-expiring first (never last), then oldest first.
func spendOrder(x, y *Lot) int {
	switch {
	case x.ExpiresAt.IsZero() != y.ExpiresAt.IsZero():
		if x.ExpiresAt.IsZero() {
			return 1
		}
		return -1
	case !x.ExpiresAt.Equal(y.ExpiresAt):
		return x.ExpiresAt.Compare(y.ExpiresAt)
	case !x.EarnedAt.Equal(y.EarnedAt):
		return x.EarnedAt.Compare(y.EarnedAt)
	}
	return cmp.Compare(x.ID.String(), y.ID.String())
}
