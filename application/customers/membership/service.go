// Package membership is the summary of a member's membership the Mini Program shows: since
// when, their lifecycle stage, what they bought, and the sections the points, tier and
// gamification modules add as they land.
package membership

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Deps are what the service needs.
type Deps struct {
	Tx       ports.Transactor
	Members  ports.MemberStatusReader
	Activity ports.ActivityRepository
	// Providers add their sections, in order; none yet.
	Providers []ports.MemberSummaryProvider
}

// Service builds membership summaries.
type Service struct{ d Deps }

// NewService returns the service.
func NewService(d Deps) *Service { return &Service{d: d} }

// Summary is a member's membership.
type Summary struct {
	Status ports.MemberStatus
	// Activity is zero for a member without events yet.
	Activity event.Activity
	// Sections are the modules' parts; a module with nothing to say is absent.
	Sections []ports.MemberSection
}

// Summary returns the member's summary, or ports.ErrCustomerNotFound.
func (s *Service) Summary(ctx context.Context, tenant tenants.ID, customer uuid.UUID) (Summary, error) {
	var out Summary
	err := s.d.Tx.ReadInTenant(ctx, tenant, func(ctx context.Context) error {
		var err error
		if out.Status, err = s.d.Members.MemberStatus(ctx, customer); err != nil {
			return err
		}
		out.Activity, err = s.d.Activity.Get(ctx, customer)
		if errors.Is(err, ports.ErrNoActivity) {
			out.Activity, err = event.Activity{CustomerID: customer}, nil
		}
		if err != nil {
			return err
		}
		for _, p := range s.d.Providers {
			section, ok, err := p.MemberSection(ctx, customer)
			if err != nil {
				return err
			}
			if ok {
				out.Sections = append(out.Sections, section)
			}
		}
		return nil
	})
	return out, err
}
