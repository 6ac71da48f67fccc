package points

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// LotScope says which lots Ledger.Lock loads with the accounts.
type LotScope int

// Lot scopes.
const (
	// NoLots loads balances only: enough to credit.
	NoLots LotScope = iota
	// OpenLots loads every lot with points left: needed to release, expire, spend or merge.
	OpenLots
)

// ErrKeyTaken is a Ledger.Save that met an operation stored with one of its keys since the
// caller looked: the use case runs again and finds it.
var ErrKeyTaken = errors.New("points: idempotency key taken concurrently")

// ErrOverdrawn is a Ledger.Save whose debit would take a balance below zero that the book did
// not allow to go there: the conditional debit refused it and nothing is saved.
var ErrOverdrawn = errors.New("points: balance would fall below zero")

// Stored is an operation as the ledger keeps it: Details is its JSON.
type Stored struct {
	ledger.Operation
	// Drawn are the lots its entries took points from (kept for a refund to return them).
	Drawn []Drawn
}

// Drawn is what an operation took from one lot.
type Drawn struct {
	Wallet    ledger.Wallet
	Points    int64
	EarnedAt  time.Time
	ExpiresAt time.Time
}

// DetailsOf returns the details of a stored operation decoded as T.
func DetailsOf[T any](s Stored) (T, error) {
	var out T
	raw, _ := s.Details.(json.RawMessage)
	if len(raw) == 0 {
		return out, nil
	}
	return out, json.Unmarshal(raw, &out)
}

// AccountState is one of a customer's accounts as stored: its balances and its open lots.
type AccountState struct {
	Wallet           ledger.Wallet
	Balance, Pending int64
	Lots             []*ledger.Lot
}

// HistoryQuery filters a customer's history; zero fields match every entry.
type HistoryQuery struct {
	Wallet ledger.Wallet
	Kinds  []ledger.Kind
}

// HistoryEntry is one entry of a customer's history with what its operation says.
type HistoryEntry struct {
	ledger.Entry
	Source     ledger.Source
	Note       string
	Reference  string
	PurchaseID string
	// ReleasesAt and ExpiresAt are those of the lot an entry credited.
	ReleasesAt, ExpiresAt time.Time
}

// Ledger keeps customers' points in the caller's tenant transaction.
type Ledger interface {
	// Lock locks the accounts of keys (making those missing, with nothing in them) in customer
	// and wallet order, and returns them in a book at now with the lots scope says. It
	// returns ports.ErrCustomerNotFound when a customer does not exist.
	Lock(ctx context.Context, now time.Time, keys []ledger.AccountKey, scope LotScope) (*ledger.Book, error)
	// LockFor is Lock followed by Operations(opKeys), read after the locks, in one round trip.
	LockFor(ctx context.Context, now time.Time, keys []ledger.AccountKey, scope LotScope, opKeys []string) (*ledger.Book, map[string]Stored, error)
	// Operations returns the stored operations with keys, by key, without their draws.
	Operations(ctx context.Context, keys []string) (map[string]Stored, error)
	// ByPurchase returns the operations about a purchase (its earning, refunds, and
	// redemptions that paid for it as an order), oldest first, with their draws.
	ByPurchase(ctx context.Context, purchaseID string) ([]Stored, error)
	// Save persists what the book recorded: operations, entries, lots, draws and balances.
	// A stored key is ErrKeyTaken; an unallowed negative balance ErrOverdrawn.
	Save(ctx context.Context, b *ledger.Book) error
	// Accounts returns a customer's accounts, with their open lots, in one statement.
	Accounts(ctx context.Context, customer uuid.UUID) ([]AccountState, error)
	// History returns a customer's entries newest first; the position is an entry ID.
	History(ctx context.Context, customer uuid.UUID, q HistoryQuery, page ports.Page) ([]HistoryEntry, error)
	// Due returns up to limit accounts with lots due by now for release or expiry, or due by
	// warnBy for an expiry warning not given yet.
	Due(ctx context.Context, now, warnBy time.Time, limit int) ([]ledger.AccountKey, error)
	// Wallets returns the wallets customer has accounts in.
	Wallets(ctx context.Context, customer uuid.UUID) ([]ledger.Wallet, error)
	// WalletInUse reports whether any customer of the brand has an account in wallet.
	WalletInUse(ctx context.Context, wallet ledger.Wallet) (bool, error)
	// Move makes the lots, entries and operations of from those of into, whose accounts exist.
	Move(ctx context.Context, from, into uuid.UUID) error
	// Drop deletes customer's accounts, once Move emptied them.
	Drop(ctx context.Context, customer uuid.UUID) error
	// Download returns what the ledger keeps about a customer, ready to encode as JSON.
	Download(ctx context.Context, customer uuid.UUID) (any, error)
	// EraseNotes removes the notes on a customer's operations.
	EraseNotes(ctx context.Context, customer uuid.UUID) error
}

// Programs keeps each brand's points program in the caller's tenant transaction.
type Programs interface {
	// Settings returns the brand's program, program.Defaults() when it set none.
	Settings(ctx context.Context) (program.Settings, error)
	// Put replaces the brand's program.
	Put(ctx context.Context, s program.Settings) error
}

// Customers finds the brand's customers, in a scope of its own.
type Customers interface {
	Get(ctx context.Context, tenant tenants.ID, id uuid.UUID) (customer.Customer, error)
}

// Purchases records purchases in the activity stream, in the caller's tenant write transaction.
type Purchases interface {
	IngestIn(ctx context.Context, drafts []event.Draft) ([]events.Result, error)
}
