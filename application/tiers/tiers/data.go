package tiers

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
)

// CustomerData is the tiers module's part of a customer: their tier, its history, their
// figures by day and their uses of the tiers' benefits (moved by a merge, kept by erasure).
func (s *Service) CustomerData() ports.CustomerData { return customerData{s: s} }

type customerData struct{ s *Service }

// Section implements ports.CustomerData.
func (customerData) Section() string { return "tiers" }

// Merge implements ports.CustomerData: the figures add up day by day, the histories join, and
// the survivor keeps the higher of the two tiers (with its validity and manual end); the next
// event or evaluation decides on the merged figures.
func (d customerData) Merge(ctx context.Context, from, into uuid.UUID) error {
	store := d.s.deps.Store
	a, hasFrom, err := store.Member(ctx, from)
	if err != nil {
		return err
	}
	b, hasInto, err := store.Member(ctx, into)
	if err != nil {
		return err
	}
	keepFrom := hasFrom && !hasInto
	if hasFrom && hasInto {
		p, ok, err := d.s.inEffect(ctx, d.s.now())
		if err != nil {
			return err
		}
		keepFrom = ok && p.Ladder.Index(a.Tier) > p.Ladder.Index(b.Tier)
	}
	if err := store.MoveCustomer(ctx, from, into, keepFrom); err != nil {
		return err
	}
	if keepFrom {
		return d.s.deps.Attributes.SetTiers(ctx, map[uuid.UUID]tier.Code{into: a.Tier})
	}
	return nil
}

// DataTier is a member's tier in their data download.
type DataTier struct {
	Tier        tier.Code  `json:"tier"`
	Since       time.Time  `json:"since"`
	ValidUntil  *time.Time `json:"valid_until,omitempty"`
	Manual      bool       `json:"manual"`
	ManualUntil *time.Time `json:"manual_until,omitempty"`
	Reason      string     `json:"reason,omitempty"`
}

// DataDay is a day's figures in a data download.
type DataDay struct {
	Day            string `json:"day"`
	SpendFen       int64  `json:"spend_fen"`
	RefundFen      int64  `json:"refund_fen"`
	Visited        bool   `json:"visited"`
	StatusPoints   int64  `json:"status_points"`
	StatusRefunded int64  `json:"status_refunded"`
}

// Data is the tiers module's part of a data download.
type Data struct {
	Tier    *DataTier `json:"tier,omitempty"`
	History []Change  `json:"history"`
	Days    []DataDay `json:"days"`
	// Benefits are the rewards the tiers' benefits gave and the perks claimed.
	Benefits []Use `json:"benefits"`
}

// Export implements ports.CustomerData; nil for a customer the module knows nothing of.
func (d customerData) Export(ctx context.Context, customer uuid.UUID) (any, error) {
	store := d.s.deps.Store
	m, ok, err := store.Member(ctx, customer)
	if err != nil {
		return nil, err
	}
	history, err := store.History(ctx, customer, 1<<20)
	if err != nil {
		return nil, err
	}
	days, err := store.Days(ctx, customer)
	if err != nil {
		return nil, err
	}
	uses, err := d.s.deps.Benefits.CustomerUses(ctx, customer)
	if err != nil {
		return nil, err
	}
	if !ok && len(history) == 0 && len(days) == 0 && len(uses) == 0 {
		return nil, nil
	}
	out := Data{History: history, Days: make([]DataDay, len(days)), Benefits: uses}
	if ok {
		out.Tier = &DataTier{Tier: m.Tier, Since: m.Since, ValidUntil: m.ValidUntil, Manual: m.Manual, ManualUntil: m.ManualUntil,
			Reason: m.Reason}
	}
	for i, f := range days {
		out.Days[i] = DataDay{Day: f.Day.Format(time.DateOnly), SpendFen: f.SpendFen, RefundFen: f.RefundFen, Visited: f.Visited,
			StatusPoints: f.StatusPoints, StatusRefunded: f.StatusRefunded}
	}
	return out, nil
}

// Erase implements ports.CustomerData: tiers, history and figures stay (they are aggregates);
// the reasons admins wrote for manual changes go.
func (d customerData) Erase(ctx context.Context, customer uuid.UUID) error {
	return d.s.deps.Store.EraseReasons(ctx, customer)
}
