// Package overview is the brand-wide picture of its customers that the console's dashboard
// shows: members and who joined day by day, lifecycle stages over time, the repeat-purchase
// rate, sales month by month, and the cities and stores with the most customers and sales.
package overview

import (
	"context"
	"time"

	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Deps are what the service needs.
type Deps struct {
	Tx ports.Transactor
	// Repo reads the figures; Lifecycle gives the brand's recency rules the stages follow.
	Repo      ports.CustomerOverviewRepository
	Lifecycle ports.LifecycleRepository
	Clock     ports.Clock
}

// Service serves the overview.
type Service struct{ deps Deps }

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{deps: d}
}

// Months is how many calendar months of sales the overview shows, the current one last.
const Months = 12

// Tops is how many cities and stores the overview ranks.
const Tops = 10

// Overview is the brand's customers over the last days, in the brand's zone.
type Overview struct {
	// Days are the first instants of the days, oldest first, today last.
	Days []time.Time
	// Members is the number of customers now; MembersAt how many there were at the end of each
	// day (now for today), Joined how many joined on each day.
	Members   int64
	MembersAt []int64
	Joined    []int64
	// Stages are the customers at each stage at the end of each day (now for today).
	Stages [][]ports.StageCount
	// Buyers are the customers who bought in the days, Repeat those of them who bought more
	// than once; EverBuyers and EverRepeat the same over all time.
	Buyers, Repeat         int64
	EverBuyers, EverRepeat int64
	// Sales are the days' purchases, in all.
	Sales ports.PeriodSales
	// Months are the first instants of the last Months calendar months, the current one last,
	// and MonthSales their purchases.
	Months     []time.Time
	MonthSales []ports.PeriodSales
	// Cities and Stores are the top Tops: cities by customers, stores by the days' sales.
	Cities []ports.CityCount
	Stores []ports.StoreSales
}

// RepeatRate is the share of the buyers who bought more than once, 0 without buyers.
func RepeatRate(buyers, repeat int64) float64 {
	if buyers == 0 {
		return 0
	}
	return float64(repeat) / float64(buyers)
}

// Overview returns the brand's overview of the last days days (today included) in loc. Its
// reads run in the brand's read scope, one statement each.
func (s *Service) Overview(ctx context.Context, tenant tenants.ID, days int, loc *time.Location) (Overview, error) {
	now := s.deps.Clock.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	o := Overview{Days: make([]time.Time, days)}
	bounds := make([]time.Time, days+1)
	for i := range bounds {
		bounds[i] = time.Date(today.Year(), today.Month(), today.Day()-days+1+i, 0, 0, 0, 0, loc)
	}
	copy(o.Days, bounds)
	// The stages at the end of each day: the next day's first instant, and now for today.
	ends := append(append([]time.Time(nil), bounds[1:days]...), now)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	months := make([]time.Time, Months+1)
	for i := range months {
		months[i] = month.AddDate(0, i-Months+1, 0)
	}
	o.Months = months[:Months]
	from, to := bounds[0], bounds[days]
	err := s.deps.Tx.ReadInTenant(ctx, tenant, func(ctx context.Context) error {
		var err error
		if o.Members, o.Joined, err = s.deps.Repo.Joined(ctx, bounds); err != nil {
			return err
		}
		settings, err := s.deps.Lifecycle.Settings(ctx)
		if err != nil {
			return err
		}
		if o.Stages, err = s.deps.Repo.StagesAt(ctx, settings, ends); err != nil {
			return err
		}
		if o.Buyers, o.Repeat, err = s.deps.Repo.Buyers(ctx, from, to); err != nil {
			return err
		}
		if o.EverBuyers, o.EverRepeat, err = s.deps.Repo.Buyers(ctx, time.Time{}, to); err != nil {
			return err
		}
		if o.MonthSales, err = s.deps.Repo.Sales(ctx, months); err != nil {
			return err
		}
		period, err := s.deps.Repo.Sales(ctx, []time.Time{from, to})
		if err != nil {
			return err
		}
		o.Sales = period[0]
		if o.Cities, err = s.deps.Repo.TopCities(ctx, Tops); err != nil {
			return err
		}
		o.Stores, err = s.deps.Repo.TopStores(ctx, from, to, Tops)
		return err
	})
	if err != nil {
		return Overview{}, err
	}
	o.MembersAt = make([]int64, days)
	for i := range o.MembersAt {
		for _, c := range o.Stages[i] {
			o.MembersAt[i] += c.Customers
		}
	}
	return o, nil
}

// Stage returns the count of stage at day i.
func (o Overview) Stage(i int, stage lifecycle.Stage) int64 {
	for _, c := range o.Stages[i] {
		if c.Stage == stage {
			return c.Customers
		}
	}
	return 0
}
