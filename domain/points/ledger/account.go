package ledger

import (
	"slices"
	"time"

	"github.com/google/uuid"
)

// Account is one customer's wallet as a book loaded it.
type Account struct {
	Customer uuid.UUID
	Wallet   Wallet
	// Balance counts; Pending is held until release.
	Balance, Pending int64

	lots                       []*Lot
	book                       *Book
	startBalance, startPending int64
	negative                   bool
}

// Terms are when credited points count and expire.
type Terms struct {
	// EarnedAt is when they were earned (a purchase's time).
	EarnedAt time.Time
	// AvailableAt holds the points until then when it is after the book's time.
	AvailableAt time.Time
	// ExpiresAt is when they stop counting; zero for never.
	ExpiresAt time.Time
}

// Delta returns how much the book changed the balance and the pending points.
func (a *Account) Delta() (balance, pending int64) {
	return a.Balance - a.startBalance, a.Pending - a.startPending
}

// MayGoNegative reports whether the book left the balance below zero on purpose (a debt).
func (a *Account) MayGoNegative() bool { return a.negative }

// Lots returns the account's open lots: those loaded and those credited, with points left.
func (a *Account) Lots() []*Lot {
	return slices.DeleteFunc(slices.Clone(a.lots), func(l *Lot) bool { return l.Remaining == 0 })
}

func (a *Account) lot(id uuid.UUID) *Lot {
	if id == uuid.Nil {
		return nil
	}
	for _, l := range a.lots {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// LotOf returns the open lot op credited to the account, or nil.
func (a *Account) LotOf(op uuid.UUID) *Lot {
	for _, l := range a.lots {
		if l.OperationID == op && l.Remaining > 0 {
			return l
		}
	}
	return nil
}

func (a *Account) entry(op *Operation, kind Kind, reason string, points, pending int64, lot uuid.UUID) *Entry {
	op.Entries = append(op.Entries, Entry{ID: newID(), OperationID: op.ID, Customer: a.Customer, Wallet: a.Wallet, Kind: kind,
		Reason: reason, Points: points, Pending: pending, LotID: lot, At: a.book.now})
	return &op.Entries[len(op.Entries)-1]
}

func (a *Account) draw(op *Operation, entry uuid.UUID, l *Lot, points int64) {
	l.Remaining -= points
	a.book.touch(l)
	op.Draws = append(op.Draws, Draw{EntryID: entry, LotID: l.ID, Points: points})
}

// Credit adds points to the account as a new lot: pending when t.AvailableAt is after the
// book's time, else counting at once, repaying a debt first. It returns the lot.
func (a *Account) Credit(op *Operation, kind Kind, reason string, points int64, t Terms) (*Lot, error) {
	if points <= 0 {
		return nil, ErrNotPositive
	}
	l := &Lot{ID: newID(), Customer: a.Customer, Wallet: a.Wallet, OperationID: op.ID, Amount: points, Remaining: points,
		EarnedAt: t.EarnedAt, AvailableAt: t.AvailableAt, ExpiresAt: t.ExpiresAt}
	if l.EarnedAt.IsZero() {
		l.EarnedAt = a.book.now
	}
	if l.AvailableAt.Before(l.EarnedAt) {
		l.AvailableAt = l.EarnedAt
	}
	a.lots = append(a.lots, l)
	a.book.created = append(a.book.created, l)
	a.book.touched[l] = true
	if l.AvailableAt.After(a.book.now) {
		l.Pending = true
		a.Pending += points
		a.entry(op, kind, reason, 0, points, l.ID)
		return l, nil
	}
	e := a.entry(op, kind, reason, points, 0, l.ID)
	a.Balance += points
	a.repay(op, e.ID, l, points)
	return l, nil
}

// repay takes from l, just credited with points, what the balance owed before.
func (a *Account) repay(op *Operation, entry uuid.UUID, l *Lot, points int64) {
	if owed := -(a.Balance - points); owed > 0 {
		a.draw(op, entry, l, min(owed, l.Remaining))
	}
}

// usable returns the lots that count, the one named prefer first, then soonest-expiring.
func (a *Account) usable(prefer uuid.UUID) []*Lot {
	var out []*Lot
	for _, l := range a.lots {
		if !l.Pending && l.Remaining > 0 && !l.Expired(a.book.now) {
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(x, y *Lot) int {
		switch {
		case x.ID == prefer:
			return -1
		case y.ID == prefer:
			return 1
		}
		return spendOrder(x, y)
	})
	return out
}

func (a *Account) due() bool {
	for _, l := range a.lots {
		if l.Releasable(a.book.now) || (!l.Pending && l.Remaining > 0 && l.Expired(a.book.now)) {
			return true
		}
	}
	return false
}

// take writes one entry that takes points from the usable lots, prefer first.
func (a *Account) take(op *Operation, kind Kind, reason string, points int64, prefer uuid.UUID) {
	e := a.entry(op, kind, reason, -points, 0, uuid.Nil)
	a.Balance -= points
	left := points
	for _, l := range a.usable(prefer) {
		if left == 0 {
			break
		}
		n := min(left, l.Remaining)
		a.draw(op, e.ID, l, n)
		left -= n
	}
}

// Spend takes points from the account, from the lot named prefer first (uuid.Nil for none),
// then soonest-expiring first, as one entry of kind. More than the balance is ErrInsufficient
// and changes nothing.
func (a *Account) Spend(op *Operation, kind Kind, reason string, points int64, prefer uuid.UUID) error {
	switch {
	case points <= 0:
		return ErrNotPositive
	case a.due():
		return ErrUnmaintained
	case points > a.Balance:
		return ErrInsufficient
	}
	a.take(op, kind, reason, points, prefer)
	return nil
}

// TakeBack takes up to points that count, as Spend does, as far as the balance goes; with
// negative, the rest too, as an entry of its own (ReasonNegativeBalance) that leaves a debt. It
// returns how many it took.
func (a *Account) TakeBack(op *Operation, kind Kind, reason string, points int64, prefer uuid.UUID, negative bool) (int64, error) {
	if points <= 0 {
		return 0, ErrNotPositive
	}
	if a.due() {
		return 0, ErrUnmaintained
	}
	from := min(points, max(a.Balance, 0))
	if from > 0 {
		a.take(op, kind, reason, from, prefer)
	}
	rest := points - from
	if rest == 0 || !negative {
		return from, nil
	}
	a.entry(op, kind, ReasonNegativeBalance, -rest, 0, uuid.Nil)
	a.Balance -= rest
	a.negative = true
	return points, nil
}

// CancelPending cancels up to points still pending in l and returns how many.
func (a *Account) CancelPending(op *Operation, reason string, l *Lot, points int64) int64 {
	if l == nil || !l.Pending || points <= 0 {
		return 0
	}
	n := min(points, l.Remaining)
	if n == 0 {
		return 0
	}
	e := a.entry(op, KindCancel, reason, 0, -n, l.ID)
	a.Pending -= n
	a.draw(op, e.ID, l, n)
	return n
}

// release makes the pending lot l count, repaying a debt first.
func (a *Account) release(op *Operation, l *Lot) { a.releaseAs(op, l, ReasonRelease) }

func (a *Account) releaseAs(op *Operation, l *Lot, reason string) {
	n := l.Remaining
	e := a.entry(op, KindRelease, reason, n, -n, l.ID)
	l.Pending = false
	a.book.touch(l)
	a.Pending -= n
	a.Balance += n
	a.repay(op, e.ID, l, n)
}

func (a *Account) expiredPoints() int64 {
	var n int64
	for _, l := range a.lots {
		if !l.Pending && l.Remaining > 0 && l.Expired(a.book.now) {
			n += l.Remaining
		}
	}
	return n
}

// expire takes, as one entry, every point of the lots whose expiry passed.
func (a *Account) expire(op *Operation) {
	n := a.expiredPoints()
	e := a.entry(op, KindExpire, ReasonExpiry, -n, 0, uuid.Nil)
	a.Balance -= n
	for _, l := range a.lots {
		if !l.Pending && l.Remaining > 0 && l.Expired(a.book.now) {
			a.draw(op, e.ID, l, l.Remaining)
		}
	}
}

// Absorb adds another account's balances to this one, whose lots it already holds (a merge
// moved them): the merged account owes nothing while it has points, so a debt of either is
// settled from the lots, soonest-expiring first, as an entry of no points.
func (a *Account) Absorb(op *Operation, balance, pending int64) {
	a.Balance += balance
	a.Pending += pending
	a.negative = true
	var active int64
	for _, l := range a.usable(uuid.Nil) {
		active += l.Remaining
	}
	excess := active - max(a.Balance, 0)
	if excess <= 0 {
		return
	}
	e := a.entry(op, KindAdjust, ReasonMerge, 0, 0, uuid.Nil)
	for _, l := range a.usable(uuid.Nil) {
		if excess == 0 {
			break
		}
		n := min(excess, l.Remaining)
		a.draw(op, e.ID, l, n)
		excess -= n
	}
}
