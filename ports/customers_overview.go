package ports

import (
	"context"
	"time"

	"github.com/engagehq/engage/domain/customers/lifecycle"
)

// PeriodSales is what a brand sold in one period.
type PeriodSales struct {
	SpendFen  int64
	Purchases int64
}

// CityCount is how many of a brand's customers live in a city.
type CityCount struct {
	City      string
	Customers int64
}

// StoreSales is what a store sold in a period, and to how many customers.
type StoreSales struct {
	Store     string
	SpendFen  int64
	Purchases int64
	Customers int64
}

// CustomerOverviewRepository reads the brand-wide figures about customers of the console's
// dashboard. Periods are cut by bounds, ascending instants: period i is [bounds[i],
// bounds[i+1]), so the caller decides where days and months begin (in the brand's zone).
type CustomerOverviewRepository interface {
	// Joined returns the number of customers and, for each period of bounds, how many joined
	// in it. Joining is the earlier of the profile's creation and the first event, as the
	// lifecycle rules read it, so imported history is dated by its events.
	Joined(ctx context.Context, bounds []time.Time) (total int64, joined []int64, err error)
	// StagesAt returns, for each instant of at (ascending), how many customers were at each
	// lifecycle stage then, every stage listed in lifecycle.Stages order. The stages are those
	// s gives when applied at every moment to each customer's purchases up to it, so a brand's
	// history (imported or not) has a past; a stored stage is the same rule applied by the
	// sweep and the event reactions.
	StagesAt(ctx context.Context, s lifecycle.Settings, at []time.Time) ([][]StageCount, error)
	// Sales returns the purchases of each period of bounds.
	Sales(ctx context.Context, bounds []time.Time) ([]PeriodSales, error)
	// Buyers returns how many customers bought in [from, to) and how many of them bought more
	// than once in it.
	Buyers(ctx context.Context, from, to time.Time) (buyers, repeat int64, err error)
	// TopCities returns the limit cities with the most customers, most first (ties by name);
	// customers without a city are not counted.
	TopCities(ctx context.Context, limit int) ([]CityCount, error)
	// TopStores returns the limit stores that sold the most in [from, to), most first (ties by
	// name); purchases that name no store are not counted.
	TopStores(ctx context.Context, from, to time.Time, limit int) ([]StoreSales, error)
}
