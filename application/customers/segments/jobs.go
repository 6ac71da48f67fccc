package segments

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// RefreshArgs is the job that brings segment members and rule tags up to date for one tenant:
// one segment (SegmentID) or one rule (RuleID) for every customer; or, when neither is set,
// every segment and enabled rule, for the customers listed (every customer when none are).
type RefreshArgs struct {
	TenantID    uuid.UUID   `json:"tenant_id"`
	SegmentID   uuid.UUID   `json:"segment_id,omitempty"`
	RuleID      uuid.UUID   `json:"rule_id,omitempty"`
	CustomerIDs []uuid.UUID `json:"customer_ids,omitempty"`
}

// Kind names the job.
func (RefreshArgs) Kind() string { return "segments_refresh" }

// SweepArgs asks for a full refresh of every tenant's segments and rules; it runs
// periodically, so conditions that change with time alone ("no purchase in 90 days") and
// changes that announce no customers (CSV imports) are caught up.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "segments_sweep" }

func (s *Service) enqueue(ctx context.Context, tenant tenants.ID, args RefreshArgs) error {
	args.TenantID = tenant.UUID()
	return s.deps.Jobs.Enqueue(ctx, args, ports.JobOptions{})
}

// Sweep enqueues a full refresh for every tenant, each in that tenant's transaction.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	n := 0
	err := s.deps.Tenants.Each(ctx, func(t tenants.Tenant) error {
		if err := s.deps.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error { return s.enqueue(ctx, t.ID, RefreshArgs{}) }); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}

// Refresh does the work of a RefreshArgs job in one tenant transaction. It computes from
// scratch, so a job run twice changes nothing the second time.
func (s *Service) Refresh(ctx context.Context, args RefreshArgs) error {
	t, err := s.deps.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return err
	}
	return s.deps.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
		var customers []uuid.UUID
		if args.SegmentID == uuid.Nil && args.RuleID == uuid.Nil && len(args.CustomerIDs) > 0 {
			customers = args.CustomerIDs
		}
		return s.refresh(ctx, args.SegmentID, args.RuleID, customers)
	})
}

// nobody is what a saved tree that no longer checks (it names an attribute the brand has
// since removed) matches.
var nobody = segment.Tree{Root: segment.Node{Or: []segment.Node{}}}

// refresh brings up to date, in the tenant transaction of ctx, one segment or one rule, or
// (both nil) all of them, for customers (nil: everyone).
func (s *Service) refresh(ctx context.Context, segmentID, ruleID uuid.UUID, customers []uuid.UUID) error {
	cat, err := s.catalogue(ctx)
	if err != nil {
		return err
	}
	tree := func(def []byte) segment.Tree {
		t, err := segment.ParseJSON(def, cat)
		if err != nil {
			return nobody
		}
		return t
	}
	now := s.deps.Clock.Now()
	var segs []segment.Segment
	switch {
	case segmentID != uuid.Nil:
		seg, err := s.deps.Segments.Get(ctx, segmentID)
		if errors.Is(err, ports.ErrSegmentNotFound) {
			return nil // deleted since
		} else if err != nil {
			return err
		}
		segs = []segment.Segment{seg}
	case ruleID == uuid.Nil:
		if segs, err = s.deps.Segments.All(ctx); err != nil {
			return err
		}
	}
	for _, seg := range segs {
		entered, left, err := s.deps.Eval.RefreshMembers(ctx, seg.ID, tree(seg.Definition), now, customers)
		if err != nil {
			return err
		}
		if err := s.announce(ctx, seg, segment.TypeEntered, entered); err != nil {
			return err
		}
		if err := s.announce(ctx, seg, segment.TypeLeft, left); err != nil {
			return err
		}
	}
	if segmentID != uuid.Nil {
		return nil
	}
	rules, err := s.deps.Rules.List(ctx)
	if err != nil {
		return err
	}
	for _, r := range rules {
		if !r.Enabled || (ruleID != uuid.Nil && r.ID != ruleID) {
			continue
		}
		if err := s.deps.Eval.ApplyTagRule(ctx, r.Tag, tree(r.Definition), now, customers); err != nil {
			return err
		}
	}
	return nil
}

// announce publishes that customers entered or left (eventType) seg, webhook.BatchSize
// customers an event, in the caller's transaction.
func (s *Service) announce(ctx context.Context, seg segment.Segment, eventType string, customers []uuid.UUID) error {
	if s.deps.Publisher == nil {
		return nil
	}
	for part := range slices.Chunk(customers, webhook.BatchSize) {
		if err := s.deps.Publisher.Publish(ctx, eventType, segment.MembersChanged{SegmentID: seg.ID, SegmentName: seg.Name,
			CustomerIDs: part}); err != nil {
			return err
		}
	}
	return nil
}

// Reactor re-evaluates every segment and rule for the customers of each ingested batch of
// events. It runs after the activity aggregates, which some conditions read.
type Reactor struct {
	svc *Service
}

var _ ports.CustomersReactor = Reactor{}

// Reactor returns the service's reactor to customer events.
func (s *Service) Reactor() Reactor { return Reactor{svc: s} }

// Name implements ports.CustomersReactor.
func (Reactor) Name() string { return "segments" }

// ReactCustomers implements ports.CustomersReactor.
func (r Reactor) ReactCustomers(ctx context.Context, customers []uuid.UUID) error {
	return r.svc.refresh(ctx, uuid.Nil, uuid.Nil, customers)
}

var _ ports.CustomersChangedListener = (*Service)(nil)

// CustomersChanged implements ports.CustomersChangedListener: a refresh of every segment and
// rule for those customers is enqueued in the change's transaction.
func (s *Service) CustomersChanged(ctx context.Context, tenant tenants.ID, customers []uuid.UUID) error {
	if len(customers) == 0 {
		return nil
	}
	return s.enqueue(ctx, tenant, RefreshArgs{CustomerIDs: customers})
}
