package customersdb

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

var _ ports.SpendHistory = Events{}

// MonthlySpend implements ports.SpendHistory from the customer's timeline index. Months are
// cut in Go, in loc: a zone Go knows may have no name PostgreSQL reads the same way.
func (Events) MonthlySpend(ctx context.Context, customer uuid.UUID, from, to time.Time, loc *time.Location) ([]ports.MonthSpend, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT occurred_at, coalesce(amount_fen, 0) FROM customer_events
		WHERE customer_id = $1 AND type = 'purchase' AND occurred_at >= $2 AND occurred_at < $3
		ORDER BY occurred_at`, customer, from, to.AddDate(0, 1, 0))
	if err != nil {
		return nil, err
	}
	var out []ports.MonthSpend
	var at time.Time
	var fen int64
	_, err = pgx.ForEachRow(rows, []any{&at, &fen}, func() error {
		at = at.In(loc)
		month := time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, loc)
		if len(out) == 0 || !out[len(out)-1].Month.Equal(month) {
			out = append(out, ports.MonthSpend{Month: month})
		}
		out[len(out)-1].SpendFen += fen
		out[len(out)-1].Purchases++
		return nil
	})
	return out, err
}
