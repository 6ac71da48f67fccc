package events

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// MonthlySpend returns what a customer spent in each of the months calendar months (in loc)
// up to the month of end, oldest first, months without purchases included as zero.
func (s *Service) MonthlySpend(ctx context.Context, tenant tenants.ID, customer uuid.UUID, end time.Time, months int, loc *time.Location) ([]ports.MonthSpend, error) {
	end = end.In(loc)
	last := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, loc)
	first := last.AddDate(0, 1-months, 0)
	found, err := ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]ports.MonthSpend, error) {
		return s.deps.Spend.MonthlySpend(ctx, customer, first, last, loc)
	})
	if err != nil {
		return nil, err
	}
	out := make([]ports.MonthSpend, months)
	for i := range out {
		out[i].Month = first.AddDate(0, i, 0)
		for _, m := range found {
			if m.Month.Equal(out[i].Month) {
				out[i] = m
			}
		}
	}
	return out, nil
}
