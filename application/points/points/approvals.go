package points

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// RequestStatus is where an adjustment request stands.
type RequestStatus string

// Statuses of an adjustment request.
const (
	RequestPending  RequestStatus = "pending"
	RequestApproved RequestStatus = "approved"
	RequestRejected RequestStatus = "rejected"
)

// RequestStatuses are every status, for API enums.
var RequestStatuses = []RequestStatus{RequestPending, RequestApproved, RequestRejected}

// Errors of adjustment approvals.
var (
	// ErrRequestNotFound is an adjustment request the brand does not have.
	ErrRequestNotFound = errors.New("no such adjustment request")
	// ErrRequestDecided refuses to decide a request that was approved or rejected already.
	ErrRequestDecided = errors.New("this adjustment request was already decided")
	// ErrOwnRequest refuses a decision by the admin who asked for the adjustment: a second
	// admin decides.
	ErrOwnRequest = errors.New("another admin must decide on an adjustment you requested")
)

// Actor is who requested or decided, as the audit trail names them.
type Actor struct {
	Kind  ports.ActorKind
	ID    string
	Label string
}

func actorOf(ctx context.Context) Actor {
	a := ports.ActorFrom(ctx)
	return Actor{Kind: a.Kind, ID: a.ID, Label: a.Label}
}

// Same reports whether a and b are the same admin or key.
func (a Actor) Same(b Actor) bool { return a.Kind == b.Kind && a.ID == b.ID }

// AdjustmentRequest is an adjustment above the brand's threshold: pending until another admin
// approves it (it is then applied, once: OperationID) or rejects it.
type AdjustmentRequest struct {
	ID uuid.UUID
	Adjustment
	Status      RequestStatus
	RequestedBy Actor
	RequestedAt time.Time
	// DecidedBy, DecidedAt and DecisionNote are the decision's; zero while pending.
	DecidedBy    Actor
	DecidedAt    time.Time
	DecisionNote string
	OperationID  uuid.UUID
	// Fingerprint is what the request asked, to tell a retry from a reuse of its reference.
	Fingerprint []byte
}

// RequestQuery filters adjustment requests; zero fields match every request.
type RequestQuery struct {
	Status   RequestStatus
	Customer uuid.UUID
}

// Approvals keeps adjustment requests in the caller's tenant transaction.
type Approvals interface {
	// Insert stores a new request unless one with its reference exists: it returns the stored
	// request and whether it is the one given. An unknown customer is ports.ErrCustomerNotFound.
	Insert(ctx context.Context, r AdjustmentRequest) (AdjustmentRequest, bool, error)
	// ByReference returns the request with reference, if any.
	ByReference(ctx context.Context, reference string) (AdjustmentRequest, bool, error)
	// Lock returns the request, locked until the transaction ends, or ErrRequestNotFound.
	Lock(ctx context.Context, id uuid.UUID) (AdjustmentRequest, error)
	// Get returns the request, or ErrRequestNotFound.
	Get(ctx context.Context, id uuid.UUID) (AdjustmentRequest, error)
	// Decide stores a request's decision.
	Decide(ctx context.Context, r AdjustmentRequest) error
	// List returns requests newest first; the position is a request ID.
	List(ctx context.Context, q RequestQuery, page ports.Page) ([]AdjustmentRequest, error)
}

// request stores the adjustment as a request when the brand's threshold asks for a second
// admin, in its own transaction, audited, and returns it; nil when it is applied at once. A
// reference seen before returns its request (replayed), or ErrReferenceReused when it asked
// something else; a reference an adjustment applied at once already used is applied (replayed)
// by change.
func (s *Service) request(ctx context.Context, tenant tenants.ID, adj Adjustment, key string, print []byte) (*AdjustmentRequest, bool, error) {
	out, err := ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (requested, error) {
		if adj.Reference != "" {
			r, ok, err := s.deps.Approvals.ByReference(ctx, adj.Reference)
			if err != nil {
				return requested{}, err
			}
			if ok {
				return s.replay(r, adj, print)
			}
			stored, err := s.deps.Ledger.Operations(ctx, []string{key})
			if err != nil || len(stored) > 0 {
				return requested{}, err
			}
		}
		p, err := s.deps.Programs.Settings(ctx)
		if err != nil {
			return requested{}, err
		}
		if _, err := wallet(p, adj.Wallet, "wallet"); err != nil || !p.NeedsApproval(adj.Points) {
			return requested{}, err
		}
		r := AdjustmentRequest{ID: uuid.Must(uuid.NewV7()), Adjustment: adj, Status: RequestPending, RequestedBy: actorOf(ctx),
			RequestedAt: s.deps.Clock.Now().UTC().Truncate(time.Microsecond), Fingerprint: print}
		stored, created, err := s.deps.Approvals.Insert(ctx, r)
		if err != nil {
			return requested{}, err
		}
		if !created {
			return s.replay(stored, adj, print)
		}
		return requested{req: &stored}, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_adjustment.request",
			TargetType: "points_adjustment", TargetID: r.ID.String(), Reason: adj.ReasonCode, After: requestMap(r, p)})
	})
	return out.req, out.replayed, err
}

// requested is the request an adjustment made, or found made before (replayed).
type requested struct {
	req      *AdjustmentRequest
	replayed bool
}

// replay answers a request's reference used again.
func (s *Service) replay(r AdjustmentRequest, adj Adjustment, print []byte) (requested, error) {
	if r.Customer != adj.Customer || string(r.Fingerprint) != string(print) {
		return requested{}, ErrReferenceReused
	}
	return requested{req: &r, replayed: true}, nil
}

func requestMap(r AdjustmentRequest, p program.Settings) map[string]any {
	return map[string]any{"customer_id": r.Customer.String(), "wallet": r.Wallet, "points": r.Points,
		"reference": r.Reference, "status": string(r.Status), "threshold": p.ApprovalAbove}
}

// checkDecisionNote refuses a note that is too long or has control characters.
func checkDecisionNote(note string) error {
	if !utf8.ValidString(note) || utf8.RuneCountInString(note) > MaxNote {
		return invalid("note", fmt.Errorf("at most %d characters", MaxNote))
	}
	for _, r := range note {
		if unicode.IsControl(r) && r != '\n' {
			return invalid("note", errors.New("no control characters"))
		}
	}
	return nil
}

// decide locks a pending request that the actor of ctx did not make.
func (s *Service) decide(ctx context.Context, id uuid.UUID) (AdjustmentRequest, error) {
	r, err := s.deps.Approvals.Lock(ctx, id)
	switch {
	case err != nil:
		return r, err
	case r.Status != RequestPending:
		return r, ErrRequestDecided
	case r.RequestedBy.Same(actorOf(ctx)):
		return r, ErrOwnRequest
	}
	return r, nil
}

// Approve applies a pending adjustment request, once, as the approving admin's adjustment, and
// records the decision, audited, in one transaction: approvals racing for one request apply it
// once and the others are ErrRequestDecided. The admin who requested it cannot approve it
// (ErrOwnRequest). A deduction larger than the balance now is refused as Adjust refuses it and
// leaves the request pending.
func (s *Service) Approve(ctx context.Context, tenant tenants.ID, id uuid.UUID, note string) (AdjustmentRequest, Outcome, error) {
	if err := checkDecisionNote(note); err != nil {
		return AdjustmentRequest{}, Outcome{}, err
	}
	type result struct {
		r AdjustmentRequest
		o Outcome
	}
	out, err := ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (result, error) {
		r, err := s.decide(ctx, id)
		if err != nil {
			return result{}, err
		}
		key := r.key()
		if key == "" {
			key = "approval:" + r.ID.String()
		}
		o, err := s.changeIn(ctx, r.Customer, key, r.Fingerprint, r.wallets,
			func(ctx context.Context, b *ledger.Book, p program.Settings) (*ledger.Operation, error) {
				return s.adjust(ctx, b, p, r.Adjustment)
			})
		if err != nil {
			return result{}, err
		}
		r.Status, r.DecidedBy, r.DecidedAt, r.DecisionNote = RequestApproved, actorOf(ctx), s.deps.Clock.Now().UTC().Truncate(time.Microsecond), note
		r.OperationID = o.OperationID
		if err := s.deps.Approvals.Decide(ctx, r); err != nil {
			return result{}, err
		}
		return result{r: r, o: o}, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_adjustment.approve",
			TargetType: "points_adjustment", TargetID: r.ID.String(), Reason: r.ReasonCode,
			Before: map[string]any{"status": string(RequestPending)},
			After:  map[string]any{"status": string(r.Status), "operation_id": o.OperationID.String(), "points": r.Points}})
	})
	return out.r, out.o, err
}

// Reject closes a pending adjustment request without changing any points, audited. The admin
// who requested it cannot reject it (ErrOwnRequest); a decided request is ErrRequestDecided.
func (s *Service) Reject(ctx context.Context, tenant tenants.ID, id uuid.UUID, note string) (AdjustmentRequest, error) {
	if err := checkDecisionNote(note); err != nil {
		return AdjustmentRequest{}, err
	}
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (AdjustmentRequest, error) {
		r, err := s.decide(ctx, id)
		if err != nil {
			return r, err
		}
		r.Status, r.DecidedBy, r.DecidedAt, r.DecisionNote = RequestRejected, actorOf(ctx), s.deps.Clock.Now().UTC().Truncate(time.Microsecond), note
		if err := s.deps.Approvals.Decide(ctx, r); err != nil {
			return r, err
		}
		return r, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_adjustment.reject",
			TargetType: "points_adjustment", TargetID: r.ID.String(), Reason: r.ReasonCode,
			Before: map[string]any{"status": string(RequestPending)}, After: map[string]any{"status": string(r.Status)}})
	})
}

// AdjustmentRequest returns one of the brand's adjustment requests.
func (s *Service) AdjustmentRequest(ctx context.Context, tenant tenants.ID, id uuid.UUID) (AdjustmentRequest, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (AdjustmentRequest, error) {
		return s.deps.Approvals.Get(ctx, id)
	})
}

// AdjustmentRequests lists the brand's adjustment requests, newest first.
func (s *Service) AdjustmentRequests(ctx context.Context, tenant tenants.ID, q RequestQuery, page ports.Page) ([]AdjustmentRequest, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]AdjustmentRequest, error) {
		return s.deps.Approvals.List(ctx, q, page)
	})
}
