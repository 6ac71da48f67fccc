package points

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/fraud"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Anti-fraud in earning: while a brand has fraud rules, every earning is counted under its
// customer, store and device (fraud.Activity.Keys) and judged by the rules against what was
// counted before it (purchases of one batch add up in order); an earning a rule flags is
// credited held (ledger.HeldUntil) in every wallet and raises a flag in the review queue in the
// same transaction. A brand without rules costs earning one read of its settings.

// The event payload keys earning reads the device and the client's IP address from: the Mini
// Program or the till puts them there (`{"device_id": "...", "client_ip": "..."}`).
// A referral event's payload may carry the new customer's phone (PayloadPhone) for the rule
// on phone prefixes.
const (
	PayloadDevice = "device_id"
	PayloadIP     = "client_ip"
	PayloadPhone  = "phone"
)

// receiptPurchase is the prefix of the purchase IDs of approved receipts.
const receiptPurchase = "receipt-"

// FraudStore keeps the brand's fraud rules, what they count and the review queue, in the
// caller's tenant transaction.
type FraudStore interface {
	// Settings returns the brand's rules; the zero fraud.Settings when it set none.
	Settings(ctx context.Context) (fraud.Settings, error)
	PutSettings(ctx context.Context, s fraud.Settings) error
	// Totals answers each query with what is counted, in one statement.
	Totals(ctx context.Context, qs []fraud.Query) ([]fraud.Total, error)
	// Count stores the rows of activities.
	Count(ctx context.Context, rows []FraudRow) error
	// Recent returns the customer's earnings counted since, and whether an admin approved
	// their redemption flag.
	Recent(ctx context.Context, customer uuid.UUID, since time.Time) ([]RecentEarning, error)
	// RiskRanks returns the customers' last known risk ranks; those unknown are missing.
	RiskRanks(ctx context.Context, customers []uuid.UUID) (map[uuid.UUID]int, error)
	// PutRiskRank stores a customer's risk rank.
	PutRiskRank(ctx context.Context, customer uuid.UUID, rank int, at time.Time) error
	// InsertFlag stores a flag unless one with its key exists; it returns the stored flag and
	// whether it is the one given.
	InsertFlag(ctx context.Context, f Flag) (Flag, bool, error)
	// LockFlag returns the flag, locked until the transaction ends, or ErrFlagNotFound.
	LockFlag(ctx context.Context, id uuid.UUID) (Flag, error)
	// Flag returns the flag, or ErrFlagNotFound.
	Flag(ctx context.Context, id uuid.UUID) (Flag, error)
	// DecideFlag stores a pending flag's decision, ErrFlagDecided when it is not pending.
	DecideFlag(ctx context.Context, f Flag) error
	// Flags returns flags newest first; the position is a flag ID.
	Flags(ctx context.Context, q FlagQuery, page ports.Page) ([]Flag, error)
}

// FraudRow is one row the rules count: an activity under one of its keys.
type FraudRow struct {
	Kind        fraud.Kind
	Key         fraud.Key
	Customer    uuid.UUID
	Points      int64
	OperationID uuid.UUID
	At          time.Time
}

// RecentEarning is an earning of a customer a redemption is judged against.
type RecentEarning struct {
	OperationID uuid.UUID
	fraud.Earned
}

// rowsOf returns the rows of a, credited by op.
func rowsOf(a fraud.Activity, op uuid.UUID) []FraudRow {
	var out []FraudRow
	for kind, keys := range a.Keys() {
		for _, k := range keys {
			out = append(out, FraudRow{Kind: kind, Key: k, Customer: a.Customer, Points: a.Points, OperationID: op, At: a.At})
		}
	}
	return out
}

// guard is the fraud rules at work over one transaction's earnings: the totals read once, and
// what the earnings judged so far added to them.
type guard struct {
	s        *Service
	settings fraud.Settings
	loc      *time.Location
	totals   map[fraud.Query]fraud.Total
	// byKey are the queries of each kind and key, to add an activity to those it falls in.
	byKey map[kindKey][]fraud.Query
	ranks map[uuid.UUID]int
	rows  []FraudRow
	flags []Flag
}

// newGuard reads the brand's rules and, when it has any, the totals and risk ranks the
// activities need; nil when it has none.
func (s *Service) newGuard(ctx context.Context, loc *time.Location, acts []fraud.Activity) (*guard, error) {
	if s.deps.Fraud == nil {
		return nil, nil
	}
	settings, err := s.deps.Fraud.Settings(ctx)
	if err != nil || !settings.On() {
		return nil, err
	}
	g := &guard{s: s, settings: settings, loc: loc, totals: map[fraud.Query]fraud.Total{}, byKey: map[kindKey][]fraud.Query{},
		ranks: map[uuid.UUID]int{}}
	var qs []fraud.Query
	var customers []uuid.UUID
	for _, a := range acts {
		for _, q := range settings.Queries(a, loc) {
			if _, ok := g.totals[q]; !ok {
				g.totals[q] = fraud.Total{}
				qs = append(qs, q)
				k := kindKey{q.Kind, q.Key}
				g.byKey[k] = append(g.byKey[k], q)
			}
		}
		customers = append(customers, a.Customer)
	}
	if len(qs) > 0 {
		ts, err := s.deps.Fraud.Totals(ctx, qs)
		if err != nil {
			return nil, err
		}
		for i, q := range qs {
			g.totals[q] = ts[i]
		}
	}
	if settings.RiskRank > 0 {
		if g.ranks, err = s.deps.Fraud.RiskRanks(ctx, customers); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// judge returns why a is held (none to allow it) and counts it for the activities after it.
func (g *guard) judge(a fraud.Activity) []fraud.Reason {
	if g == nil {
		return nil
	}
	a.RiskRank = -1
	if r, ok := g.ranks[a.Customer]; ok {
		a.RiskRank = r
	}
	reasons := g.settings.Evaluate(a, g.loc, func(q fraud.Query) fraud.Total { return g.totals[q] })
	for kind, keys := range a.Keys() {
		for _, k := range keys {
			for _, q := range g.byKey[kindKey{kind, k}] {
				if q.Contains(kind, k, a.At) {
					t := g.totals[q]
					g.totals[q] = fraud.Total{Count: t.Count + 1, Points: t.Points + a.Points}
				}
			}
		}
	}
	return reasons
}

// kindKey is what a query counts: one kind of activity under one key.
type kindKey struct {
	kind fraud.Kind
	key  fraud.Key
}

// counted records that a, credited by op, is counted; with reasons, that op's points are held.
func (g *guard) counted(a fraud.Activity, op *ledger.Operation, reasons []fraud.Reason, releaseAt time.Time) {
	if g == nil {
		return
	}
	g.rows = append(g.rows, rowsOf(a, op.ID)...)
	g.held(a.Kind, op, reasons, releaseAt)
}

// held raises the flag of op, whose points reasons hold.
func (g *guard) held(kind fraud.Kind, op *ledger.Operation, reasons []fraud.Reason, releaseAt time.Time) {
	if g == nil || len(reasons) == 0 {
		return
	}
	f := Flag{ID: uuid.Must(uuid.NewV7()), Key: "earn:" + op.ID.String(), Kind: FlagKind(kind), Customer: op.Customer,
		OperationID: op.ID, PurchaseID: op.PurchaseID, ReleaseAt: releaseAt, Reasons: reasons, Status: FlagPending,
		CreatedAt: g.s.deps.Clock.Now().UTC().Truncate(time.Microsecond)}
	for _, e := range op.Entries {
		if e.Pending > 0 {
			f.Held = append(f.Held, HeldPoints{Wallet: e.Wallet, Points: e.Pending})
		}
	}
	// An earning of no points holds nothing: there is nothing to decide.
	if len(f.Held) > 0 {
		g.flags = append(g.flags, f)
	}
}

// save stores the rows counted and the flags raised, after the ledger's operations they name.
func (g *guard) save(ctx context.Context) error {
	if g == nil {
		return nil
	}
	if len(g.rows) > 0 {
		if err := g.s.deps.Fraud.Count(ctx, g.rows); err != nil {
			return err
		}
	}
	for _, f := range g.flags {
		if _, _, err := g.s.deps.Fraud.InsertFlag(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// activityOf is a purchase as the fraud rules see it.
func activityOf(p Purchase) fraud.Activity {
	kind := fraud.Earn
	if strings.HasPrefix(p.ID, receiptPurchase) {
		kind = fraud.Receipt
	}
	return fraud.Activity{Kind: kind, Customer: p.Customer, Store: p.Store, Device: p.Device, IP: p.IP, At: p.OccurredAt.UTC()}
}

// payloadText returns the text at key of an event's payload, "" when missing or not text.
func payloadText(e event.Event, key string) string {
	s, _ := e.Payload[key].(string)
	if len(s) > 200 {
		return ""
	}
	return s
}

// ErrRedemptionHeld refuses a redemption the fraud rules flag: an admin reviews it first.
var ErrRedemptionHeld = errors.New("this redemption waits for a review of the customer's recent points")

// HeldError is a refused redemption and the flag it raises.
type HeldError struct{ Flag Flag }

func (e *HeldError) Error() string { return ErrRedemptionHeld.Error() }

// Is makes errors.Is(err, ErrRedemptionHeld) hold.
func (e *HeldError) Is(target error) bool { return target == ErrRedemptionHeld }

// checkRedemption refuses a redemption of customer at now right after an unusual earning no
// admin approved, with the flag to raise.
func (s *Service) checkRedemption(ctx context.Context, customer uuid.UUID, now time.Time) error {
	if s.deps.Fraud == nil {
		return nil
	}
	settings, err := s.deps.Fraud.Settings(ctx)
	if err != nil || !settings.Redeem.On() {
		return err
	}
	recent, err := s.deps.Fraud.Recent(ctx, customer, settings.RedeemSince(now))
	if err != nil {
		return err
	}
	for _, e := range recent {
		r := settings.EvaluateRedemption(now, []fraud.Earned{e.Earned})
		if r == nil {
			continue
		}
		return &HeldError{Flag: Flag{ID: uuid.Must(uuid.NewV7()), Key: "redeem:" + e.OperationID.String(), Kind: FlagRedemption,
			Customer: customer, OperationID: e.OperationID, Reasons: []fraud.Reason{*r}, Status: FlagPending,
			CreatedAt: now.UTC().Truncate(time.Microsecond)}}
	}
	return nil
}

// RaiseHeld puts the flag of a refused redemption (a *HeldError in err) in the review queue, in
// a transaction of its own: the refusal rolled back the redemption's. One flag per unusual
// earning, however often the customer tries. Any other err is returned as it is.
func (s *Service) RaiseHeld(ctx context.Context, tenant tenants.ID, err error) error {
	var held *HeldError
	if !errors.As(err, &held) {
		return err
	}
	if _, ierr := ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Flag, error) {
		f, _, err := s.deps.Fraud.InsertFlag(ctx, held.Flag)
		return f, err
	}); ierr != nil {
		return errors.Join(err, ierr)
	}
	return err
}

// heldIn reports whether an earning's results hold points for a review: pending with no
// release date.
func heldIn(rs []ledger.Result) bool {
	for _, r := range rs {
		if r.Pending > 0 && r.ReleasesAt == nil {
			return true
		}
	}
	return false
}
