// Package points is the use cases of the loyalty points ledger: earning from purchases (as a
// subscriber of the activity stream and synchronously at the till, crediting once either way),
// redemptions, manual adjustments, refunds under the brand's policy, the release of pending
// points and expiry (a periodic sweep, and before any spend), expiry warnings, what customers
// and admins read, the brand's program settings, and the points part of a customer's data.
//
// Every change locks the customer's balance rows first (in customer and wallet order), so
// concurrent changes for one customer happen one after the other; an idempotency key makes a
// retried change return the first outcome instead of happening again.
package points

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Errors of the points use cases.
var (
	// ErrReferenceReused refuses an operation whose reference (its idempotency key) names an
	// earlier operation that asked something else.
	ErrReferenceReused = errors.New("this reference was already used for another operation")
	// ErrUnknownWallet refuses a wallet the brand's program does not have.
	ErrUnknownWallet = errors.New("no such wallet")
	// ErrNotSpendable refuses a redemption from a wallet that is not spent (status points).
	ErrNotSpendable = errors.New("this wallet's points cannot be spent")
	// ErrPurchaseNotFound refuses a refund of a purchase that earned the customer nothing yet.
	ErrPurchaseNotFound = errors.New("no earning of this customer for this purchase")
	// ErrRefundTooLarge refuses refunds adding up to more than the purchase's amount.
	ErrRefundTooLarge = errors.New("the refunds add up to more than the purchase's amount")
	// ErrWalletInUse refuses a program that drops a wallet customers hold points in.
	ErrWalletInUse = errors.New("customers hold points in this wallet")
)

// invalid names the input at fault of a refused request ("points", "reference").
func invalid(field string, err error) error { return fielderr.New(field, err) }

// Deps are what the service needs.
type Deps struct {
	Tx     ports.Transactor
	Locals ports.TxLocals
	Ledger Ledger
	// Programs keeps the brands' program settings.
	Programs  Programs
	Publisher ports.EventPublisher
	Audit     ports.AuditLog
	Jobs      ports.JobScheduler
	Tenants   *tenants.Directory
	Clock     ports.Clock
	// Customers tells unknown customers from customers without points, for reads.
	Customers Customers
	// Purchases records the purchases the till reports in the activity stream.
	Purchases Purchases
	// Approvals keeps adjustment requests awaiting a second admin; nil applies every
	// adjustment at once.
	Approvals Approvals
	// Reports reads the ledger for reports; Exports keeps scheduled exports and Files encodes
	// them; Mail is the brand's mail server and Email sends through it.
	Reports Reports
	Exports Exports
	Files   Encoder
	Mail    interface {
		SMTPCredentials(ctx context.Context, tenant tenants.ID) (ports.SMTPAccount, string, error)
	}
	Email ports.EmailSender
	// Actions keeps the action rules, check-ins and referrals.
	Actions ActionRules
	// Rules keeps the brands' earning rule versions; Facts tells what rules read of customers;
	// History reads stored purchases for the change preview.
	Rules   RuleStore
	Facts   CustomerFacts
	History PurchaseHistory
	// Fraud keeps the anti-fraud rules, what they count and the review queue; nil judges
	// nothing.
	Fraud FraudStore
	// Risk asks an external service (WeChat) how risky a customer is; nil never asks.
	Risk RiskSource
	// Campaigns keeps the bonus campaigns; nil: no campaign gives points.
	Campaigns CampaignStore
}

// Service runs the points use cases.
type Service struct {
	deps  Deps
	zones sync.Map // time zone name -> *time.Location
}

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{deps: d}
}

// Outcome is what a change did: its operation and, per wallet, what it changed and the balances
// after it. Replayed says a retry found the change made before, whose outcome this is.
type Outcome struct {
	OperationID uuid.UUID
	Wallets     []ledger.Result
	Replayed    bool
	// Approval is set when the change waits for a second admin (an adjustment above the
	// brand's threshold): nothing changed yet, OperationID and Wallets are empty.
	Approval *AdjustmentRequest
}

func outcomeOf(op *ledger.Operation, replayed bool) Outcome {
	return Outcome{OperationID: op.ID, Wallets: op.Results, Replayed: replayed}
}

// location returns the time zone of the tenant of the transaction of ctx, whose calendar
// expiry dates follow.
func (s *Service) location(ctx context.Context) (*time.Location, error) {
	id, err := s.deps.Locals.Tenant(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.deps.Tenants.Resolve(ctx, id.UUID())
	if err != nil {
		return nil, err
	}
	name := t.Timezone
	if name == "" {
		name = tenants.DefaultTimezone
	}
	if loc, ok := s.zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("points: brand time zone: %w", err)
	}
	s.zones.Store(name, loc)
	return loc, nil
}

// change is the shape of every change to one customer's points under an idempotency key: in
// one tenant transaction it does changeIn, and a key taken by a concurrent transaction runs it
// all again, once.
func (s *Service) change(ctx context.Context, tenant tenants.ID, customer uuid.UUID, key string, fingerprint []byte,
	wallets func(ctx context.Context, p program.Settings) ([]ledger.Wallet, error),
	do func(ctx context.Context, b *ledger.Book, p program.Settings) (*ledger.Operation, error)) (Outcome, error) {
	for attempt := 0; ; attempt++ {
		out, err := ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Outcome, error) {
			return s.changeIn(ctx, customer, key, fingerprint, wallets, do)
		})
		if errors.Is(err, ErrKeyTaken) && attempt == 0 {
			continue
		}
		return out, err
	}
}

// changeIn is one change in the caller's tenant transaction: it locks the customer's accounts
// in the wallets named, returns the first outcome when key was used before
// (ErrReferenceReused when it asked something else), brings the accounts up to date (releases
// and expiries), lets do record the operation, saves the book and publishes what it did.
func (s *Service) changeIn(ctx context.Context, customer uuid.UUID, key string, fingerprint []byte,
	wallets func(ctx context.Context, p program.Settings) ([]ledger.Wallet, error),
	do func(ctx context.Context, b *ledger.Book, p program.Settings) (*ledger.Operation, error)) (Outcome, error) {
	settings, err := s.deps.Programs.Settings(ctx)
	if err != nil {
		return Outcome{}, err
	}
	ws, err := wallets(ctx, settings)
	if err != nil {
		return Outcome{}, err
	}
	keys := make([]ledger.AccountKey, len(ws))
	for i, w := range ws {
		keys[i] = ledger.AccountKey{Customer: customer, Wallet: w}
	}
	var opKeys []string
	if key != "" {
		opKeys = []string{key}
	}
	b, stored, err := s.deps.Ledger.LockFor(ctx, s.deps.Clock.Now(), keys, OpenLots, opKeys)
	if err != nil {
		return Outcome{}, err
	}
	if st, ok := stored[key]; ok && key != "" {
		if st.Customer != customer || string(st.Fingerprint) != string(fingerprint) {
			return Outcome{}, ErrReferenceReused
		}
		return outcomeOf(&st.Operation, true), nil
	}
	b.Maintain()
	op, err := do(ctx, b, settings)
	if err != nil {
		return Outcome{}, err
	}
	op.Key, op.Fingerprint = key, fingerprint
	if err := s.save(ctx, b); err != nil {
		return Outcome{}, err
	}
	return outcomeOf(op, false), nil
}

// save persists the book and publishes an event for every operation that changed a balance.
func (s *Service) save(ctx context.Context, b *ledger.Book) error {
	if b.Empty() {
		return nil
	}
	if err := s.deps.Ledger.Save(ctx, b); err != nil {
		return err
	}
	for _, op := range b.Operations() {
		if typ, data := ledger.ChangedBy(op); typ != "" {
			if err := s.deps.Publisher.Publish(ctx, typ, data); err != nil {
				return err
			}
		}
	}
	return nil
}

// begin starts an operation of the request's actor, as its source.
func begin(ctx context.Context, b *ledger.Book, op ledger.Operation) *ledger.Operation {
	a := ports.ActorFrom(ctx)
	op.ActorKind, op.ActorID = string(a.Kind), a.ID
	if op.Source == "" {
		op.Source = ledger.SourcePartner
		if a.Kind == ports.ActorUser {
			op.Source = ledger.SourceAdmin
		}
	}
	return b.Begin(op)
}

// accountsOf returns the book's accounts of customer, in wallets' order.
func accountsOf(b *ledger.Book, customer uuid.UUID, wallets []ledger.Wallet) []*ledger.Account {
	out := make([]*ledger.Account, 0, len(wallets))
	for _, w := range wallets {
		if a := b.Account(customer, w); a != nil {
			out = append(out, a)
		}
	}
	return out
}

// fingerprint digests what a request asked.
func fingerprint(parts ...any) []byte {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%v\x00", p)
	}
	return h.Sum(nil)
}

// wallet returns the program's wallet named key, or ErrUnknownWallet at field.
func wallet(p program.Settings, key ledger.Wallet, field string) (program.Wallet, error) {
	w, ok := p.Wallet(key)
	if !ok {
		return w, invalid(field, fmt.Errorf("%w %q: one of %v", ErrUnknownWallet, key, p.Keys()))
	}
	return w, nil
}

// walletsOrDefault is the wallet asked for, or the spendable points.
func walletsOrDefault(w ledger.Wallet) ledger.Wallet {
	if w == "" {
		return ledger.Points
	}
	return w
}

// unique returns ws without repeats, in order.
func unique(ws []ledger.Wallet) []ledger.Wallet {
	var out []ledger.Wallet
	for _, w := range ws {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// Limits of a request.
const (
	// MaxPoints bounds the points of one redemption or adjustment.
	MaxPoints = 100_000_000
	// MaxReference bounds a partner's reference, in characters.
	MaxReference = 200
	// MaxNote bounds an admin's note, in characters.
	MaxNote = 500
)

// checkPoints refuses a number of points that is not positive or too large.
func checkPoints(points int64) error {
	switch {
	case points <= 0:
		return invalid("points", ledger.ErrNotPositive)
	case points > MaxPoints:
		return invalid("points", fmt.Errorf("at most %d", MaxPoints))
	}
	return nil
}
