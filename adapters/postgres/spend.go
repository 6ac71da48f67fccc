package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/ports"
)

var _ ports.SpendHistory = Events{}

// MonthlySpend implements ports.SpendHistory from the customer's timeline index.
func (Events) MonthlySpend(ctx context.Context, customer uuid.UUID, from, to time.Time, loc *time.Location) ([]ports.MonthSpend, error) {
	q, _, err := TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT date_trunc('month', occurred_at AT TIME ZONE $2)::date, sum(amount_fen)::bigint, count(*)
		FROM customer_events
		WHERE customer_id = $1 AND type = 'purchase' AND occurred_at >= $3 AND occurred_at < $4
		GROUP BY 1 ORDER BY 1`, customer, loc.String(), from, to.AddDate(0, 1, 0))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ports.MonthSpend, error) {
		var (
			m   ports.MonthSpend
			day time.Time
		)
		err := row.Scan(&day, &m.SpendFen, &m.Purchases)
		m.Month = time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, loc)
		return m, err
	})
}
