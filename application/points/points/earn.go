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
	"github.com/engagehq/engage/domain/points/fraud"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
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
	// Device and IP are what the fraud rules count it under besides its customer and store.
	Device, IP string
}

// Earning is what a purchase earned.
type Earning struct {
	PurchaseID string
	Customer   uuid.UUID
	Outcome
	// Held says the fraud rules hold its points for a review.
	Held bool
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
// An earning by the default rule set (no rule version in effect) keeps the wallets' base rates;
// one under a rule version keeps its number and what its rules read beyond the amount, so that
// a refund evaluates the same rules on what the customer kept.
type purchaseDetails struct {
	AmountFen int64      `json:"amount_fen"`
	Rates     []rateJSON `json:"rates,omitempty"`
	// RuleVersion is the rule version the purchase earned under; 0: the base rates.
	RuleVersion int        `json:"rule_version,omitempty"`
	OccurredAt  *time.Time `json:"occurred_at,omitempty"`
	Store       string     `json:"store,omitempty"`
	// Items are kept when the rules read product categories.
	Items []itemJSON `json:"items,omitempty"`
	// Customer is what the rules decided of the customer (the rules whose conditions on the
	// customer held), when they read it: never the facts themselves.
	Customer *rules.Customer `json:"customer,omitempty"`
	// EarnedToday is what the customer had earned that day before, when a cap per day applied.
	EarnedToday map[ledger.Wallet]int64 `json:"earned_today,omitempty"`
	// Lines are the rules that gave points (and the caps that took some off), then the
	// campaigns that gave some.
	Lines []lineJSON `json:"lines,omitempty"`
	// Campaigns are what bonus campaigns gave, beside the rules.
	Campaigns []campaignJSON `json:"campaigns,omitempty"`
}

type itemJSON struct {
	Category string `json:"category,omitempty"`
	Quantity int64  `json:"quantity"`
	PriceFen *int64 `json:"price_fen,omitempty"`
}

type lineJSON struct {
	Rule   string        `json:"rule,omitempty"`
	Wallet ledger.Wallet `json:"wallet"`
	Kind   string        `json:"kind"`
	Points int64         `json:"points"`
}

type rateJSON struct {
	Wallet      ledger.Wallet `json:"wallet"`
	Points      int64         `json:"points"`
	PerFen      int64         `json:"per_fen"`
	MinSpendFen int64         `json:"min_spend_fen"`
	MaxPerOrder int64         `json:"max_points_per_order"`
}

func (r rateJSON) rate() rules.Rate {
	return rules.Rate{Wallet: r.Wallet, Points: r.Points, PerFen: r.PerFen, MinSpendFen: r.MinSpendFen, MaxPerOrder: r.MaxPerOrder}
}

// rulePurchase is p as rules see it.
func rulePurchase(p Purchase) rules.Purchase {
	rp := rules.Purchase{AmountFen: p.AmountFen, OccurredAt: p.OccurredAt, Store: p.Store, Items: make([]rules.Item, len(p.Items))}
	for i, it := range p.Items {
		rp.Items[i] = rules.Item{SKU: it.SKU, Category: it.Category, Quantity: it.Quantity, PriceFen: it.PriceFen}
	}
	return rp
}

func purchaseKey(id string) string { return "purchase:" + id }

func purchaseFingerprint(customer uuid.UUID, amountFen int64) []byte {
	return fingerprint("purchase", customer, amountFen)
}

// EarnPurchase is the till's way in: in one transaction it records the purchase in the
// activity stream (one already there is no error) and credits what it earns, answering with
// the points earned and pending and the balances after. The activity stream's subscriber then
// finds the purchase credited, as a retry with the same purchase ID does: it credits once. The
// same purchase ID with another customer or amount is ErrReferenceReused; a purchase the
// activity stream refuses a *RejectedError.
func (s *Service) EarnPurchase(ctx context.Context, tenant tenants.ID, p Purchase) (Earning, error) {
	if p.OccurredAt.IsZero() {
		p.OccurredAt = s.deps.Clock.Now()
	}
	if p.Channel == "" {
		p.Channel = "pos"
	}
	amount := p.AmountFen
	draft := event.Draft{ID: p.ID, CustomerID: p.Customer.String(), Type: event.TypePurchase, Channel: p.Channel,
		OccurredAt: p.OccurredAt, AmountFen: &amount, Store: p.Store, Items: p.Items}
	for key, v := range map[string]string{PayloadDevice: p.Device, PayloadIP: p.IP} {
		if v != "" {
			if draft.Payload == nil {
				draft.Payload = map[string]any{}
			}
			draft.Payload[key] = v
		}
	}
	// One purchase of one customer: every statement finds its rows by key.
	keyed := ports.KeyedStatements(ctx)
	for attempt := 0; ; attempt++ {
		out, err := ports.InTenant(keyed, s.deps.Tx, tenant, func(ctx context.Context) (Earning, error) {
			results, err := s.deps.Purchases.IngestIn(ctx, []event.Draft{draft})
			if err != nil {
				return Earning{}, err
			}
			if r := results[0]; r.Status == events.Rejected {
				return Earning{}, &RejectedError{Code: r.Code, Errors: r.Errors}
			}
			// The purchase is credited here: the points subscriber need not look at it again.
			if err := s.deps.Publisher.Handled(ctx, s.Reactor().Name()); err != nil {
				return Earning{}, err
			}
			earned, err := s.earn(ctx, []Purchase{p}, ledger.SourcePartner, true)
			if err != nil {
				return Earning{}, err
			}
			return earned[0], nil
		})
		if errors.Is(err, ErrKeyTaken) && attempt == 0 {
			continue
		}
		return out, err
	}
}

// earn credits purchases in the caller's transaction: the accounts of their customers are
// locked, purchases credited before are left as they are (strict refuses one credited with
// another customer or amount), the others earn by the rules in effect when they happened (the
// brand's base rates when no rule version was), and what the campaigns covering them give within
// their budgets, into each wallet, pending for the program's days, expiring as the wallet says
// in the brand's calendar.
func (s *Service) earn(ctx context.Context, purchases []Purchase, source ledger.Source, strict bool) ([]Earning, error) {
	settings, err := s.deps.Programs.Settings(ctx)
	if err != nil {
		return nil, err
	}
	loc, err := s.location(ctx)
	if err != nil {
		return nil, err
	}
	versions, err := s.versions(ctx)
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
	b, stored, err := s.deps.Ledger.LockFor(ctx, s.deps.Clock.Now(), accounts, NoLots, keys)
	if err != nil {
		return nil, err
	}
	var fresh []Purchase
	for i, p := range purchases {
		if _, ok := stored[keys[i]]; !ok {
			fresh = append(fresh, p)
		}
	}
	// Read after the lock: what the customers earned those days is what the transactions
	// before this one committed.
	ev, err := s.evaluator(ctx, versions, settings, fresh, loc)
	if err != nil {
		return nil, err
	}
	acts := make([]fraud.Activity, len(fresh))
	for i, p := range fresh {
		acts[i] = activityOf(p)
	}
	guard, err := s.newGuard(ctx, loc, acts)
	if err != nil {
		return nil, err
	}
	cr, err := s.campaignRound(ctx, fresh, ev)
	if err != nil {
		return nil, err
	}
	out := make([]Earning, len(purchases))
	evaluated := make([]*ruled, len(purchases))
	for i, p := range purchases {
		out[i] = Earning{PurchaseID: p.ID, Customer: p.Customer}
		if st, ok := stored[keys[i]]; ok {
			if strict && (st.Customer != p.Customer || string(st.Fingerprint) != string(purchaseFingerprint(p.Customer, p.AmountFen))) {
				return nil, invalid("purchase_id", ErrReferenceReused)
			}
			out[i].Outcome = outcomeOf(&st.Operation, true)
			out[i].Held = heldIn(st.Results)
			continue
		}
		r := ev.evaluate(p)
		evaluated[i] = &r
		cr.claim(ev, p, &r)
	}
	// The campaigns' budgets are shared after every purchase claimed, under their rows' locks.
	if err := cr.issue(ctx); err != nil {
		return nil, err
	}
	for i, p := range purchases {
		ruled := evaluated[i]
		if ruled == nil {
			continue
		}
		fp := purchaseFingerprint(p.Customer, p.AmountFen)
		op := begin(ctx, b, ledger.Operation{Customer: p.Customer, Kind: ledger.OpPurchase, Key: keys[i], Fingerprint: fp,
			Source: source, Reason: "purchase", PurchaseID: p.ID, Details: ruled.details})
		act := activityOf(p)
		act.Points = ruled.result.Points(ledger.Points)
		reasons := guard.judge(act)
		var releaseAt time.Time
		for _, w := range settings.Wallets {
			points := ruled.result.Points(w.Key)
			if points == 0 {
				continue
			}
			terms := ledger.Terms{EarnedAt: p.OccurredAt, ExpiresAt: w.Expiry.ExpiresAt(p.OccurredAt, loc)}
			if settings.PendingDays > 0 {
				terms.AvailableAt = p.OccurredAt.In(loc).AddDate(0, 0, settings.PendingDays)
			}
			if len(reasons) > 0 {
				releaseAt, terms.AvailableAt = terms.AvailableAt, ledger.HeldUntil
			}
			if _, err := b.Account(p.Customer, w.Key).Credit(op, ledger.KindEarn, "purchase", points, terms); err != nil {
				return nil, fmt.Errorf("points: credit purchase %s: %w", p.ID, err)
			}
		}
		b.Finish(op, accountsOf(b, p.Customer, wallets)...)
		guard.counted(act, op, reasons, releaseAt)
		out[i].Outcome = outcomeOf(op, false)
		out[i].Held = heldIn(op.Results)
	}
	if err := s.save(ctx, b); err != nil {
		return nil, err
	}
	return out, guard.save(ctx)
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
			Channel: e.Channel, Store: e.Store, Items: e.Items, Device: payloadText(e, PayloadDevice), IP: payloadText(e, PayloadIP)})
	}
	if len(purchases) == 0 {
		return nil
	}
	_, err := r.s.earn(ctx, purchases, ledger.SourceEvent, false)
	return err
}
