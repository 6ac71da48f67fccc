package ports

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// MonthSpend is what a customer spent in one calendar month.
type MonthSpend struct {
	// Month is the month's first day, in the zone asked for.
	Month     time.Time
	SpendFen  int64
	Purchases int64
}

// SpendHistory reads a customer's purchases month by month, for the 360° view.
type SpendHistory interface {
	// MonthlySpend returns the months from..to (first days, in loc) in which the customer
	// bought something, oldest first.
	MonthlySpend(ctx context.Context, customer uuid.UUID, from, to time.Time, loc *time.Location) ([]MonthSpend, error)
}
