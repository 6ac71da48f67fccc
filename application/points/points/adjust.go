package points

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// AdjustmentReasons are the reason codes of a manual adjustment.
var AdjustmentReasons = []string{"goodwill", "compensation", "complaint", "correction", "migration", "promotion", "other"}

// Adjustment is a manual change of a customer's points, either way.
type Adjustment struct {
	Customer uuid.UUID
	// Wallet is the wallet changed; empty for the spendable points.
	Wallet ledger.Wallet
	// Points are added when positive, deducted when negative.
	Points int64
	// ReasonCode is one of AdjustmentReasons; Note says more, for admins.
	ReasonCode string
	Note       string
	// Reference is the partner's ID of the adjustment; when set, the same reference is the
	// same adjustment, done once.
	Reference string
}

func (a Adjustment) check() error {
	var errs []error
	switch {
	case a.Points == 0:
		errs = append(errs, invalid("points", errors.New("not zero: positive adds, negative deducts")))
	case a.Points > MaxPoints || a.Points < -MaxPoints:
		errs = append(errs, invalid("points", fmt.Errorf("between -%d and %d", MaxPoints, MaxPoints)))
	}
	if !slices.Contains(AdjustmentReasons, a.ReasonCode) {
		errs = append(errs, invalid("reason_code", fmt.Errorf("one of %v", AdjustmentReasons)))
	}
	if !utf8.ValidString(a.Note) || utf8.RuneCountInString(a.Note) > MaxNote ||
		slices.ContainsFunc([]rune(a.Note), func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) {
		errs = append(errs, invalid("note", fmt.Errorf("at most %d characters, no control characters", MaxNote)))
	}
	errs = append(errs, checkReference("reference", a.Reference, false))
	return errors.Join(errs...)
}

// Adjust adds or deducts points by hand, audited with its reason (never its note). Added points
// expire as the wallet's earned points do; a deduction takes the soonest-expiring first and
// never more than the balance (ledger.ErrInsufficient). With a reference, a retry returns the
// first outcome. An adjustment of more points than the brand's threshold changes nothing yet:
// it is stored as a request (Outcome.Approval) that another admin approves or rejects.
func (s *Service) Adjust(ctx context.Context, tenant tenants.ID, adj Adjustment) (Outcome, error) {
	adj.Wallet = walletsOrDefault(adj.Wallet)
	if err := adj.check(); err != nil {
		return Outcome{}, err
	}
	key := adj.key()
	print := adj.fingerprint()
	if s.deps.Approvals != nil {
		req, replayed, err := s.request(ctx, tenant, adj, key, print)
		if err != nil || req != nil {
			return Outcome{Approval: req, Replayed: replayed}, err
		}
	}
	return s.change(ctx, tenant, adj.Customer, key, print, adj.wallets, func(ctx context.Context, b *ledger.Book, p program.Settings) (*ledger.Operation, error) {
		return s.adjust(ctx, b, p, adj)
	})
}

// key is the adjustment's idempotency key: its reference's.
func (a Adjustment) key() string {
	if a.Reference == "" {
		return ""
	}
	return "adjust:" + a.Reference
}

// fingerprint digests what the adjustment asks.
func (a Adjustment) fingerprint() []byte {
	return fingerprint("adjust", a.Customer, a.Wallet, a.Points, a.ReasonCode, a.Note)
}

// wallets checks the adjustment's wallet is the program's and names it.
func (a Adjustment) wallets(_ context.Context, p program.Settings) ([]ledger.Wallet, error) {
	_, err := wallet(p, a.Wallet, "wallet")
	return []ledger.Wallet{a.Wallet}, err
}

// adjust records the adjustment in the book and audits it.
func (s *Service) adjust(ctx context.Context, b *ledger.Book, p program.Settings, adj Adjustment) (*ledger.Operation, error) {
	w, err := wallet(p, adj.Wallet, "wallet")
	if err != nil {
		return nil, err
	}
	loc, err := s.location(ctx)
	if err != nil {
		return nil, err
	}
	op := begin(ctx, b, ledger.Operation{Customer: adj.Customer, Kind: ledger.OpAdjust, Reason: adj.ReasonCode, Note: adj.Note,
		Reference: adj.Reference, Details: map[string]any{}})
	a := b.Account(adj.Customer, adj.Wallet)
	if adj.Points > 0 {
		_, err = a.Credit(op, ledger.KindAdjust, adj.ReasonCode, adj.Points,
			ledger.Terms{EarnedAt: b.Now(), ExpiresAt: w.Expiry.ExpiresAt(b.Now(), loc)})
	} else {
		err = a.Spend(op, ledger.KindAdjust, adj.ReasonCode, -adj.Points, uuid.Nil)
	}
	if err != nil {
		return nil, invalid("points", err)
	}
	b.Finish(op, a)
	return op, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points.adjust", TargetType: "customer",
		TargetID: adj.Customer.String(), Reason: adj.ReasonCode,
		After: map[string]any{"wallet": adj.Wallet, "points": adj.Points, "reference": adj.Reference, "balance": a.Balance}})
}
