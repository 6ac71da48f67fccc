package points

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Purchase is a purchase to earn points for.
type Purchase struct {
	// ID is the purchase's event ID in the activity stream: one purchase earns once, whichever
	// way it arrives.
	ID         string
	Customer   uuid.UUID
	AmountFen  int64
	OccurredAt time.Time
	Channel    string
	Store      string
	Items      []event.Item
}

// Earning is what a purchase earned.
type Earning struct {
	PurchaseID string
	Customer   uuid.UUID
	Outcome
}

// RejectedError is a purchase the activity stream refused, with its code (events.CodeInvalid,
// events.CodeUnknownCustomer, ...) and the fields at fault.
type RejectedError struct {
	Code   string
	Errors []*fielderr.Error
}

func (e *RejectedError) Error() string { return "purchase rejected: " + e.Code }

// Unwrap returns the field errors, for the API to name them.
func (e *RejectedError) Unwrap() []error {
	out := make([]error, len(e.Errors))
	for i, fe := range e.Errors {
		out[i] = fe
	}
	return out
}

// purchaseDetails is what a purchase's earning was computed from: refunds recompute with it.
type purchaseDetails struct {
	AmountFen int64      `json:"amount_fen"`
	Rates     []rateJSON `json:"rates"`
	// Store is where the purchase was made, when it said so: reports group by it.
	Store string `json:"store,omitempty"`
}

type rateJSON struct {
	Wallet      ledger.Wallet `json:"wallet"`
	Points      int64         `json:"points"`
	PerFen      int64         `json:"per_fen"`
	MinSpendFen int64         `json:"min_spend_fen"`
	MaxPerOrder int64         `json:"max_points_per_order"`
}

func (r rateJSON) rate() program.Rate {
	return program.Rate{Points: r.Points, PerFen: r.PerFen, MinSpendFen: r.MinSpendFen, MaxPerOrder: r.MaxPerOrder}
}

func purchaseKey(id string) string { return "purchase:" + id }

func purchaseFingerprint(customer uuid.UUID, amountFen int64) []byte {
	return fingerprint("purchase", customer, amountFen)
}

// EarnPurchase is the till's way in: it records the purchase in the activity stream (one
// already there is no error) and credits what it earns at once, answering with the points
// earned and pending and the balances after. The activity stream's subscriber then finds the
// purchase credited, as a retry with the same purchase ID does: it credits once. The same
// purchase ID with another customer or amount is ErrReferenceReused; a purchase the activity
// stream refuses a *RejectedError.
func (s *Service) EarnPurchase(ctx context.Context, tenant tenants.ID, p Purchase) (Earning, error) {
	if p.OccurredAt.IsZero() {
		p.OccurredAt = s.deps.Clock.Now()
	}
	if p.Channel == "" {
		p.Channel = "pos"
	}
	amount := p.AmountFen
	results, err := s.deps.Purchases.IngestBatch(ctx, tenant, []event.Draft{{ID: p.ID, CustomerID: p.Customer.String(),
		Type: event.TypePurchase, Channel: p.Channel, OccurredAt: p.OccurredAt, AmountFen: &amount, Store: p.Store, Items: p.Items}})
	if err != nil {
		return Earning{}, err
	}
	if r := results[0]; r.Status == events.Rejected {
		return Earning{}, &RejectedError{Code: r.Code, Errors: r.Errors}
	}
	for attempt := 0; ; attempt++ {
		out, err := ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]Earning, error) {
			return s.earn(ctx, []Purchase{p}, ledger.SourcePartner, true)
		})
		if errors.Is(err, ErrKeyTaken) && attempt == 0 {
			continue
		}
		if err != nil {
			return Earning{}, err
		}
		return out[0], nil
	}
}

// earn credits purchases in the caller's transaction: the accounts of their customers are
// locked, purchases credited before are left as they are (strict refuses one credited with
// another customer or amount), the others earn by the brand's base rate into each wallet, pending
// for the program's days, expiring as the wallet says in the brand's calendar.
func (s *Service) earn(ctx context.Context, purchases []Purchase, source ledger.Source, strict bool) ([]Earning, error) {
	settings, err := s.deps.Programs.Settings(ctx)
	if err != nil {
		return nil, err
	}
	loc, err := s.location(ctx)
	if err != nil {
		return nil, err
	}
	wallets := settings.Keys()
	keys := make([]string, len(purchases))
	var accounts []ledger.AccountKey
	for i, p := range purchases {
		keys[i] = purchaseKey(p.ID)
		for _, w := range wallets {
			accounts = append(accounts, ledger.AccountKey{Customer: p.Customer, Wallet: w})
		}
	}
	b, err := s.deps.Ledger.Lock(ctx, s.deps.Clock.Now(), accounts, NoLots)
	if err != nil {
		return nil, err
	}
	stored, err := s.deps.Ledger.Operations(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]Earning, len(purchases))
	for i, p := range purchases {
		out[i] = Earning{PurchaseID: p.ID, Customer: p.Customer}
		fp := purchaseFingerprint(p.Customer, p.AmountFen)
		if st, ok := stored[keys[i]]; ok {
			if strict && (st.Customer != p.Customer || string(st.Fingerprint) != string(fp)) {
				return nil, invalid("purchase_id", ErrReferenceReused)
			}
			out[i].Outcome = outcomeOf(&st.Operation, true)
			continue
		}
		details := purchaseDetails{AmountFen: p.AmountFen, Store: p.Store}
		for _, w := range settings.Wallets {
			details.Rates = append(details.Rates, rateJSON{Wallet: w.Key, Points: w.Rate.Points, PerFen: w.Rate.PerFen,
				MinSpendFen: w.Rate.MinSpendFen, MaxPerOrder: w.Rate.MaxPerOrder})
		}
		op := begin(ctx, b, ledger.Operation{Customer: p.Customer, Kind: ledger.OpPurchase, Key: keys[i], Fingerprint: fp,
			Source: source, Reason: "purchase", PurchaseID: p.ID, Details: details})
		for _, w := range settings.Wallets {
			points := w.Rate.Earn(p.AmountFen)
			if points == 0 {
				continue
			}
			terms := ledger.Terms{EarnedAt: p.OccurredAt, ExpiresAt: w.Expiry.ExpiresAt(p.OccurredAt, loc)}
			if settings.PendingDays > 0 {
				terms.AvailableAt = p.OccurredAt.In(loc).AddDate(0, 0, settings.PendingDays)
			}
			if _, err := b.Account(p.Customer, w.Key).Credit(op, ledger.KindEarn, "purchase", points, terms); err != nil {
				return nil, fmt.Errorf("points: credit purchase %s: %w", p.ID, err)
			}
		}
		b.Finish(op, accountsOf(b, p.Customer, wallets)...)
		out[i].Outcome = outcomeOf(op, false)
	}
	return out, s.save(ctx, b)
}

// Reactor earns the purchases of every batch the activity stream stores: the points module's
// subscriber to stored customer events.
type Reactor struct{ s *Service }

var _ ports.EventReactor = (*Reactor)(nil)

// Reactor returns the subscriber's reactor.
func (s *Service) Reactor() *Reactor { return &Reactor{s: s} }

// Name implements ports.EventReactor.
func (*Reactor) Name() string { return "points" }

// React implements ports.EventReactor: each purchase earns under its event's ID, so a batch
// seen twice (or a purchase the till reported first) credits nothing the second time.
func (r *Reactor) React(ctx context.Context, evs []event.Event) error {
	var purchases []Purchase
	for _, e := range evs {
		if e.Type != event.TypePurchase || e.AmountFen == nil {
			continue
		}
		purchases = append(purchases, Purchase{ID: e.ID, Customer: e.CustomerID, AmountFen: *e.AmountFen, OccurredAt: e.OccurredAt,
			Channel: e.Channel, Store: e.Store, Items: e.Items})
	}
	if len(purchases) == 0 {
		return nil
	}
	_, err := r.s.earn(ctx, purchases, ledger.SourceEvent, false)
	return err
}
