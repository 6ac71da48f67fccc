package points

import (
	"context"
	"fmt"
	"time"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/domain/points/report"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Reports reads the ledger for reports, in the caller's tenant scope.
type Reports interface {
	// Summary returns, for every period of q's granularity in its period and every wallet of
	// wallets, what the entries of the period did (in loc) and the balances at its end, oldest
	// first, wallets in the order given. LiabilityFen is left to the caller.
	Summary(ctx context.Context, q report.Summary, loc *time.Location, wallets []ledger.Wallet) ([]report.SummaryRow, error)
	// Custom returns the groups of q, ordered by its dimensions, at most report.MaxRows.
	Custom(ctx context.Context, q report.Custom, loc *time.Location) ([]report.CustomRow, error)
}

// zone returns the brand's time zone.
func (s *Service) zone(ctx context.Context, tenant tenants.ID) (*time.Location, error) {
	t, err := s.deps.Tenants.Resolve(ctx, tenant.UUID())
	if err != nil {
		return nil, err
	}
	name := t.Timezone
	if name == "" {
		name = tenants.DefaultTimezone
	}
	if loc, ok := s.zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("points: brand time zone: %w", err)
	}
	s.zones.Store(name, loc)
	return loc, nil
}

// Summary is the brand's summary report: per period (days, weeks from Monday or months, in the
// brand's time zone) and wallet, the points issued, redeemed, returned, taken back, expired and
// adjusted, and the outstanding points at the period's end with their liability at the
// brand's value of a point. The outstanding points of one period are those of the period
// before plus its net change; they are the sum of the ledger's entries, so points whose expiry
// passed count until the sweep expires them (within the hour).
func (s *Service) Summary(ctx context.Context, tenant tenants.ID, q report.Summary) ([]report.SummaryRow, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	loc, err := s.zone(ctx, tenant)
	if err != nil {
		return nil, err
	}
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]report.SummaryRow, error) {
		p, err := s.deps.Programs.Settings(ctx)
		if err != nil {
			return nil, err
		}
		wallets := p.Keys()
		if q.Wallet != "" {
			if _, err := wallet(p, q.Wallet, "wallet"); err != nil {
				return nil, err
			}
			wallets = []ledger.Wallet{q.Wallet}
		}
		rows, err := s.deps.Reports.Summary(ctx, q, loc, wallets)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			rows[i].LiabilityFen = p.Value.FenOf(rows[i].Outstanding)
		}
		return rows, nil
	})
}

// Custom is a custom report over the ledger's entries of a period: grouped by the dimensions
// asked (period, wallet, kind, reason, store), adding up the measures asked (points, pending,
// entries, customers).
func (s *Service) Custom(ctx context.Context, tenant tenants.ID, q report.Custom) ([]report.CustomRow, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	loc, err := s.zone(ctx, tenant)
	if err != nil {
		return nil, err
	}
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]report.CustomRow, error) {
		if q.Wallet != "" {
			p, err := s.deps.Programs.Settings(ctx)
			if err != nil {
				return nil, err
			}
			if _, err := wallet(p, q.Wallet, "wallet"); err != nil {
				return nil, err
			}
		}
		return s.deps.Reports.Custom(ctx, q, loc)
	})
}

// Value returns the brand's value of a point.
func (s *Service) Value(ctx context.Context, tenant tenants.ID) (program.PointValue, error) {
	p, err := s.Settings(ctx, tenant)
	return p.Value, err
}
