package rewards

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Errors of the repository and the use cases.
var (
	// ErrRewardNotFound is a reward the brand does not have.
	ErrRewardNotFound = errors.New("no such reward")
	// ErrVoucherNotFound is a voucher the brand did not issue (or another customer's).
	ErrVoucherNotFound = errors.New("no such voucher")
	// ErrKeyReused refuses a claim whose key named an earlier claim of something else.
	ErrKeyReused = errors.New("this key was already used for another claim")
)

// View is a reward with how many were claimed (claims not cancelled).
type View struct {
	rewards.Reward
	Claimed int64
}

// Left is how many may still be claimed; -1 for no limit.
func (v View) Left() int64 {
	if v.Stock == nil {
		return -1
	}
	return max(*v.Stock-v.Claimed, 0)
}

// Query filters the catalog; zero fields match every reward.
type Query struct {
	Statuses  []rewards.Status
	Category  string
	Kind      rewards.Kind
	MinPoints int64
	// MaxPoints 0 is no upper bound.
	MaxPoints int64
	// Search matches either title.
	Search string
	// OpenAt keeps the rewards whose validity window holds it.
	OpenAt time.Time
}

// Redemption is one claim of a reward: what it cost and under which key the client asked.
type Redemption struct {
	ID       uuid.UUID
	RewardID uuid.UUID
	Customer uuid.UUID
	// Key is the client's idempotency key, unique per customer; Fingerprint what it asked.
	Key         string
	Fingerprint []byte
	Points      int64
	CashFen     int64
	// PaymentReference is the partner's reference of the cash payment.
	PaymentReference string
	// OperationID is the points ledger's operation that debited the points.
	OperationID uuid.UUID
	ActorKind   string
	ActorID     string
	CreatedAt   time.Time
}

// Issued is a voucher with its claim and the reward's text, as lists show it.
type Issued struct {
	rewards.Voucher
	Redemption Redemption
	Title      rewards.Text
	Kind       rewards.Kind
	Images     []string
}

// VoucherQuery filters vouchers; zero fields match every voucher.
type VoucherQuery struct {
	Customer uuid.UUID
	Reward   uuid.UUID
	// Code is a normalised code.
	Code   string
	States []rewards.State
	// Now tells issued vouchers past their expiry (expired, swept or not) from the others.
	Now time.Time
}

// Repository keeps the catalog, stock, claims and vouchers in the caller's tenant transaction.
type Repository interface {
	// Insert saves a new reward and its stock.
	Insert(ctx context.Context, r rewards.Reward) error
	// Update saves a reward's fields and stock, or returns ErrRewardNotFound; a stock below
	// what was claimed is a field error (rewards.ErrStockBelowUsed).
	Update(ctx context.Context, r rewards.Reward) error
	// Get returns a reward or ErrRewardNotFound.
	Get(ctx context.Context, id uuid.UUID) (View, error)
	// List returns rewards by points, then newest; the position is a reward ID.
	List(ctx context.Context, q Query, page ports.Page) ([]View, error)
	// Categories returns the categories the brand's rewards use, most used first.
	Categories(ctx context.Context) ([]string, error)

	// RedemptionByKey returns the customer's claim under key, if any.
	RedemptionByKey(ctx context.Context, customer uuid.UUID, key string) (Redemption, bool, error)
	// Claimed counts the customer's claims of the reward not cancelled: all, and since.
	Claimed(ctx context.Context, customer, reward uuid.UUID, since time.Time) (rewards.Claimed, error)
	// TakeStock claims one of the reward's stock where some is left (a conditional update
	// that waits for concurrent claims), reporting whether it could.
	TakeStock(ctx context.Context, reward uuid.UUID) (bool, error)
	// ReturnStock gives one back.
	ReturnStock(ctx context.Context, reward uuid.UUID) error
	// InsertRedemption saves a claim and its voucher. A code taken is ErrCodeTaken.
	InsertRedemption(ctx context.Context, r Redemption, v rewards.Voucher) error

	// Voucher returns a voucher, locked until the transaction ends when lock, or
	// ErrVoucherNotFound.
	Voucher(ctx context.Context, id uuid.UUID, lock bool) (Issued, error)
	// VoucherOf returns the voucher of a claim.
	VoucherOf(ctx context.Context, redemption uuid.UUID) (Issued, error)
	// VoucherByCode returns the voucher with a normalised code, or ErrVoucherNotFound.
	VoucherByCode(ctx context.Context, code string, lock bool) (Issued, error)
	// SaveVoucher saves a voucher's state and what says how it got there.
	SaveVoucher(ctx context.Context, v rewards.Voucher) error
	// Vouchers returns vouchers newest first; the position is a voucher ID.
	Vouchers(ctx context.Context, q VoucherQuery, page ports.Page) ([]Issued, error)
	// ExpireDue marks up to limit issued vouchers whose expiry passed by now expired, and
	// returns how many.
	ExpireDue(ctx context.Context, now time.Time, limit int) (int, error)

	// LockKey serialises making the brand's voucher signing key until the transaction ends.
	LockKey(ctx context.Context) error
	// Move makes the claims and vouchers of from those of into.
	Move(ctx context.Context, from, into uuid.UUID) error
	// Download returns the customer's claims and vouchers, ready to encode as JSON.
	Download(ctx context.Context, customer uuid.UUID) (any, error)
	// EraseReasons removes the reasons staff gave for cancelling the customer's vouchers.
	EraseReasons(ctx context.Context, customer uuid.UUID) error
}

// ErrCodeTaken is an InsertRedemption whose voucher code another voucher has.
var ErrCodeTaken = errors.New("rewards: voucher code taken")

// Ledger is the points ledger inside the caller's transaction (points.Service).
type Ledger interface {
	LockIn(ctx context.Context, customer uuid.UUID) error
	RedeemIn(ctx context.Context, r points.Redemption) (points.Outcome, error)
	ReturnIn(ctx context.Context, r points.Return) (points.Outcome, error)
	// RaiseHeld puts a redemption the fraud rules refused in the review queue.
	RaiseHeld(ctx context.Context, tenant tenants.ID, err error) error
}

// FactsReader reads what eligibility is decided on, in a read scope of its own; an unknown
// customer is ports.ErrCustomerNotFound.
type FactsReader interface {
	Facts(ctx context.Context, tenant tenants.ID, customer uuid.UUID) (rewards.Facts, error)
}

// Secrets keeps the brand's voucher signing key among its tenant secrets, sealed; a secret
// the brand does not have is ports.ErrSecretNotFound. Reveal reads in a scope of its own, the
// others in the caller's transaction.
type Secrets interface {
	Reveal(ctx context.Context, tenant tenants.ID, name string) (string, error)
	RevealInTx(ctx context.Context, tenant tenants.ID, name string) (string, error)
	SetInTx(ctx context.Context, tenant tenants.ID, name, value string) error
}
