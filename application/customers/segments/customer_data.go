package segments

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
)

// CustomerData is segment membership's part of merging, downloading and erasing a customer.
type CustomerData struct {
	svc *Service
}

var _ ports.CustomerData = CustomerData{}

// CustomerData returns the service's ports.CustomerData.
func (s *Service) CustomerData() CustomerData { return CustomerData{svc: s} }

// Section implements ports.CustomerData.
func (CustomerData) Section() string { return "segments" }

// Merge implements ports.CustomerData: from leaves every segment, and every segment and rule
// is evaluated anew for the survivor. List it after the modules whose data conditions read
// (events, activity, tags), so that they have moved theirs by then.
func (d CustomerData) Merge(ctx context.Context, from, into uuid.UUID) error {
	if err := d.svc.deps.Membership.Forget(ctx, from); err != nil {
		return err
	}
	return d.svc.refresh(ctx, uuid.Nil, uuid.Nil, []uuid.UUID{into})
}

// SegmentRef names a segment a customer is in.
type SegmentRef struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
}

// Export implements ports.CustomerData: the segments the customer is in, by name.
func (d CustomerData) Export(ctx context.Context, customer uuid.UUID) (any, error) {
	in, err := d.svc.deps.Membership.SegmentsOf(ctx, customer)
	if err != nil {
		return nil, err
	}
	out := make([]SegmentRef, 0, len(in))
	for id, name := range in {
		out = append(out, SegmentRef{ID: id, Name: name})
	}
	slices.SortFunc(out, func(a, b SegmentRef) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out, nil
}

// Erase implements ports.CustomerData: the customer leaves every segment.
func (d CustomerData) Erase(ctx context.Context, customer uuid.UUID) error {
	return d.svc.deps.Membership.Forget(ctx, customer)
}
