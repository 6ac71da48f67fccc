package points

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/fraud"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// FlagKind is what a flag holds: an earning of a kind (fraud.Kind) or a refused redemption.
type FlagKind string

// FlagRedemption is a refused redemption's flag.
const FlagRedemption FlagKind = "redemption"

// FlagKinds are every kind of flag, for API enums.
var FlagKinds = []FlagKind{FlagKind(fraud.Earn), FlagKind(fraud.Receipt), FlagKind(fraud.Referral), FlagRedemption}

// FlagStatus is where a flag stands.
type FlagStatus string

// Statuses of a flag.
const (
	FlagPending  FlagStatus = "pending"
	FlagApproved FlagStatus = "approved"
	FlagRejected FlagStatus = "rejected"
)

// FlagStatuses are every status, for API enums.
var FlagStatuses = []FlagStatus{FlagPending, FlagApproved, FlagRejected}

// DecisionReasons are the reasons an admin picks for a decision on a flag.
var DecisionReasons = []string{"legitimate", "known_customer", "store_event", "confirmed_fraud", "duplicate", "other"}

// Errors of the review queue.
var (
	ErrFlagNotFound = errors.New("no such fraud flag")
	ErrFlagDecided  = errors.New("this fraud flag was already decided")
	// ErrDecisionReason refuses a reason that is not one of DecisionReasons.
	ErrDecisionReason = errors.New("one of legitimate, known_customer, store_event, confirmed_fraud, duplicate, other")
)

// HeldPoints are the points a flag holds in one wallet.
type HeldPoints struct {
	Wallet ledger.Wallet `json:"wallet"`
	Points int64         `json:"points"`
}

// Flag is an earning whose points are held, or a refused redemption, waiting for an admin.
type Flag struct {
	ID uuid.UUID
	// Key makes raising a flag idempotent: earn:<operation>, redeem:<the unusual earning>.
	Key         string
	Kind        FlagKind
	Customer    uuid.UUID
	OperationID uuid.UUID
	PurchaseID  string
	Held        []HeldPoints
	// ReleaseAt is when the held points would have counted without the hold; zero for at once.
	ReleaseAt time.Time
	Reasons   []fraud.Reason
	Status    FlagStatus
	CreatedAt time.Time
	// The decision's; zero while pending.
	DecidedBy         Actor
	DecidedAt         time.Time
	DecisionReason    string
	DecisionNote      string
	DecisionOperation uuid.UUID
}

// FlagQuery filters flags; zero fields match every flag.
type FlagQuery struct {
	Status   FlagStatus
	Customer uuid.UUID
}

// Decision is an admin's decision on a flag.
type Decision struct {
	Reason string
	Note   string
}

func (d Decision) check() error {
	var errs []error
	if !slices.Contains(DecisionReasons, d.Reason) {
		errs = append(errs, fielderr.New("reason", ErrDecisionReason))
	}
	return errors.Join(append(errs, checkDecisionNote(d.Note))...)
}

// FraudSettings returns the brand's fraud rules.
func (s *Service) FraudSettings(ctx context.Context, tenant tenants.ID) (fraud.Settings, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (fraud.Settings, error) {
		return s.deps.Fraud.Settings(ctx)
	})
}

// PutFraudSettings replaces the brand's fraud rules, audited; they judge what is earned and
// redeemed afterwards.
func (s *Service) PutFraudSettings(ctx context.Context, tenant tenants.ID, fs fraud.Settings) (fraud.Settings, error) {
	if err := fs.Check(); err != nil {
		return fs, err
	}
	if fs.Limits == nil {
		fs.Limits = []fraud.Limit{}
	}
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (fraud.Settings, error) {
		before, err := s.deps.Fraud.Settings(ctx)
		if err != nil {
			return fs, err
		}
		if err := s.deps.Fraud.PutSettings(ctx, fs); err != nil {
			return fs, err
		}
		return fs, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_fraud.settings", TargetType: "points_fraud_settings",
			TargetID: tenant.String(), Before: before, After: fs})
	})
}

// FraudFlag returns one of the brand's flags.
func (s *Service) FraudFlag(ctx context.Context, tenant tenants.ID, id uuid.UUID) (Flag, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Flag, error) {
		return s.deps.Fraud.Flag(ctx, id)
	})
}

// FraudFlags lists the brand's flags, newest first: the review queue is FlagPending.
func (s *Service) FraudFlags(ctx context.Context, tenant tenants.ID, q FlagQuery, page ports.Page) ([]Flag, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]Flag, error) {
		return s.deps.Fraud.Flags(ctx, q, page)
	})
}

// ApproveFlag decides a pending flag for the customer, audited, in one transaction: an
// earning's held points count (at once, or at the release the credit would have had); a
// redemption's unusual earning no longer refuses the customer's redemptions. Of approvals
// racing for one flag one decides and the others are ErrFlagDecided.
func (s *Service) ApproveFlag(ctx context.Context, tenant tenants.ID, id uuid.UUID, d Decision) (Flag, error) {
	return s.decideFlag(ctx, tenant, id, d, FlagApproved)
}

// RejectFlag decides a pending flag against the customer, audited: an earning's held points
// are cancelled; a redemption stays refused until the rule's minutes pass.
func (s *Service) RejectFlag(ctx context.Context, tenant tenants.ID, id uuid.UUID, d Decision) (Flag, error) {
	return s.decideFlag(ctx, tenant, id, d, FlagRejected)
}

func (s *Service) decideFlag(ctx context.Context, tenant tenants.ID, id uuid.UUID, d Decision, status FlagStatus) (Flag, error) {
	if err := d.check(); err != nil {
		return Flag{}, err
	}
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Flag, error) {
		f, err := s.deps.Fraud.LockFlag(ctx, id)
		if err != nil {
			return f, err
		}
		if f.Status != FlagPending {
			return f, ErrFlagDecided
		}
		if f.Kind != FlagRedemption && len(f.Held) > 0 {
			o, err := s.changeIn(ctx, f.Customer, "review:"+f.ID.String(), fingerprint("review", f.ID, status),
				func(context.Context, program.Settings) ([]ledger.Wallet, error) { return heldWallets(f), nil },
				func(ctx context.Context, b *ledger.Book, _ program.Settings) (*ledger.Operation, error) {
					return s.decideHeld(ctx, b, f, d, status), nil
				})
			if err != nil {
				return f, err
			}
			f.DecisionOperation = o.OperationID
		}
		f.Status, f.DecidedBy, f.DecidedAt = status, actorOf(ctx), s.deps.Clock.Now().UTC().Truncate(time.Microsecond)
		f.DecisionReason, f.DecisionNote = d.Reason, d.Note
		if err := s.deps.Fraud.DecideFlag(ctx, f); err != nil {
			return f, err
		}
		action := "points_fraud.approve"
		if status == FlagRejected {
			action = "points_fraud.reject"
		}
		return f, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: action, TargetType: "points_fraud_flag", TargetID: f.ID.String(),
			Reason: d.Reason, Before: map[string]any{"status": string(FlagPending)},
			After: map[string]any{"status": string(status), "customer_id": f.Customer.String(), "held": f.Held}})
	})
}

func heldWallets(f Flag) []ledger.Wallet {
	ws := make([]ledger.Wallet, len(f.Held))
	for i, h := range f.Held {
		ws[i] = h.Wallet
	}
	return unique(ws)
}

// decideHeld releases (approved) or cancels (rejected) what is still held of the flag's
// earning: a refund may have cancelled some of it since.
func (s *Service) decideHeld(ctx context.Context, b *ledger.Book, f Flag, d Decision, status FlagStatus) *ledger.Operation {
	kind, reason := ledger.OpRelease, ledger.ReasonReviewApproved
	if status == FlagRejected {
		kind, reason = ledger.OpAdjust, ledger.ReasonReviewRejected
	}
	op := begin(ctx, b, ledger.Operation{Customer: f.Customer, Kind: kind, Source: ledger.SourceAdmin, Reason: reason,
		Note: d.Note, PurchaseID: f.PurchaseID, Details: map[string]any{"flag_id": f.ID.String(), "decision": d.Reason}})
	var touched []*ledger.Account
	for _, w := range heldWallets(f) {
		a := b.Account(f.Customer, w)
		l := a.LotOf(f.OperationID)
		if l == nil || !l.Held() {
			continue
		}
		if status == FlagApproved {
			release := f.ReleaseAt
			if release.IsZero() {
				release = b.Now()
			}
			a.Unhold(op, l, release)
		} else {
			a.CancelPending(op, ledger.ReasonReviewRejected, l, l.Remaining)
		}
		touched = append(touched, a)
	}
	b.Finish(op, touched...)
	return op
}
