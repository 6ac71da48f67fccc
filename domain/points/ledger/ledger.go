// Package ledger is the loyalty points ledger: each customer's account per wallet, the lots of
// points credited to it with their release and expiry, and the operations that change accounts,
// each a list of entries (the history) and draws (which lots a debit took from, so that no lot
// is spent twice). A change is worked out here, on accounts a repository loaded and locked, in
// a Book, which the repository then persists as it was recorded.
//
// An account's invariants: its balance is the sum of its entries' points and its pending points
// the sum of their pending; the active lots' remaining points (once due lots are released and
// expired, see Book.Maintain) are the balance when it is positive and none when it is not; a
// pending lot's remaining points are pending. A balance is below zero only by a debt a refund
// left where the brand allows it, repaid by the next points credited.
package ledger

import (
	"errors"
	"regexp"
	"time"

	"github.com/google/uuid"
)

// Wallet names one of a customer's balances.
type Wallet string

// The wallets every brand has.
const (
	// Points are spendable points (积分).
	Points Wallet = "points"
	// Status points (成长值) are never spent: tiers qualify on them.
	Status Wallet = "status"
)

var walletKey = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// ValidWallet reports whether w is a well-formed wallet key.
func ValidWallet(w Wallet) bool { return walletKey.MatchString(string(w)) }

// Kind is what an entry did to a wallet.
type Kind string

// Kinds of entry.
const (
	// KindEarn credits points earned (a purchase), pending or at once.
	KindEarn Kind = "earn"
	// KindRelease makes pending points count.
	KindRelease Kind = "release"
	// KindRedeem spends points.
	KindRedeem Kind = "redeem"
	// KindExpire takes points whose expiry passed.
	KindExpire Kind = "expire"
	// KindAdjust is an admin's or partner's correction, either way.
	KindAdjust Kind = "adjust"
	// KindRefund takes back points of a refunded purchase that already counted.
	KindRefund Kind = "refund"
	// KindReverse returns points spent on an order that was refunded.
	KindReverse Kind = "reverse"
	// KindCancel takes back pending points of a refunded purchase.
	KindCancel Kind = "cancel"
)

// Kinds are every kind of entry.
var Kinds = []Kind{KindEarn, KindRelease, KindRedeem, KindExpire, KindAdjust, KindRefund, KindReverse, KindCancel}

// OpKind is what an operation was.
type OpKind string

// Kinds of operation.
const (
	OpPurchase OpKind = "purchase"
	OpRedeem   OpKind = "redeem"
	OpAdjust   OpKind = "adjust"
	OpRefund   OpKind = "refund"
	OpRelease  OpKind = "release"
	OpExpire   OpKind = "expire"
	OpMerge    OpKind = "merge"
	// OpAward credits an action rule's points (joining, a check-in, a referral, a survey).
	OpAward OpKind = "award"
)

// Source is who or what caused an operation.
type Source string

// Sources of an operation.
const (
	// SourceEvent is a customer event of the activity stream (a purchase).
	SourceEvent Source = "event"
	// SourceRule is the program's own rules: releases and expiries.
	SourceRule     Source = "rule"
	SourceCampaign Source = "campaign"
	// SourceAdmin is a signed-in admin; SourcePartner a partner's API key.
	SourceAdmin   Source = "admin"
	SourcePartner Source = "partner"
)

// Reasons the ledger itself writes.
const (
	ReasonRelease = "release"
	ReasonExpiry  = "expiry"
	// ReasonNegativeBalance is the part of a take-back the balance lacked: a debt.
	ReasonNegativeBalance = "negative_balance"
	// ReasonMerge settles a merged account's debt from the lots merged into it.
	ReasonMerge = "merge"
)

// Errors of the ledger.
var (
	// ErrInsufficient refuses a spend of more points than the balance.
	ErrInsufficient = errors.New("not enough points")
	// ErrNotPositive refuses an amount of points that is zero or negative.
	ErrNotPositive = errors.New("points must be more than zero")
	// ErrUnmaintained refuses a spend from an account with lots due for release or expiry:
	// Book.Maintain comes first.
	ErrUnmaintained = errors.New("ledger: account has due lots; maintain it first")
)

// Lot is points credited to an account in one go, and what is left of them.
type Lot struct {
	ID          uuid.UUID
	Customer    uuid.UUID
	Wallet      Wallet
	OperationID uuid.UUID
	Amount      int64
	Remaining   int64
	// Pending lots count from AvailableAt on.
	Pending     bool
	EarnedAt    time.Time
	AvailableAt time.Time
	// ExpiresAt is the instant the points stop counting; zero for never.
	ExpiresAt time.Time
	// WarnedAt is when the expiry was announced; zero before.
	WarnedAt time.Time
}

// Expired reports whether the lot's points no longer count at now.
func (l *Lot) Expired(now time.Time) bool { return !l.ExpiresAt.IsZero() && !now.Before(l.ExpiresAt) }

// Releasable reports whether a pending lot is due to count at now.
func (l *Lot) Releasable(now time.Time) bool {
	return l.Pending && l.Remaining > 0 && !now.Before(l.AvailableAt)
}

// Entry is one change an operation made to one wallet.
type Entry struct {
	ID          uuid.UUID
	OperationID uuid.UUID
	Customer    uuid.UUID
	Wallet      Wallet
	Kind        Kind
	Reason      string
	// Points is the change to the balance, Pending to the pending points.
	Points, Pending int64
	// LotID is the lot an entry credited, released or cancelled from; uuid.Nil for none.
	LotID uuid.UUID
	At    time.Time
}

// Draw is what an entry took from a lot.
type Draw struct {
	EntryID, LotID uuid.UUID
	Points         int64
}

// Result is an operation's outcome in one wallet: what it changed and the balances after it.
type Result struct {
	Wallet         Wallet     `json:"wallet"`
	Points         int64      `json:"points"`
	Pending        int64      `json:"pending"`
	Balance        int64      `json:"balance"`
	PendingBalance int64      `json:"pending_balance"`
	ReleasesAt     *time.Time `json:"releases_at,omitempty"`
	ExpiresAt      *time.Time `json:"expires_at,omitempty"`
}

// Operation is what one request, event or sweep did to one customer's points.
type Operation struct {
	ID       uuid.UUID
	Customer uuid.UUID
	Kind     OpKind
	// Key makes the operation idempotent: one operation per key in a brand. Empty for the
	// ledger's own operations.
	Key string
	// Fingerprint is what the request with Key asked, to tell a retry from a reuse of the key.
	Fingerprint []byte
	Source      Source
	Reason      string
	Note        string
	Reference   string
	// PurchaseID is the purchase an earning or refund is about, or the order a redemption
	// paid for.
	PurchaseID string
	ActorKind  string
	ActorID    string
	// Details are what the operation was computed from, JSON-encodable.
	Details    any
	Results    []Result
	OccurredAt time.Time
	Entries    []Entry
	Draws      []Draw
}

// AccountKey names one customer's wallet.
type AccountKey struct {
	Customer uuid.UUID
	Wallet   Wallet
}
