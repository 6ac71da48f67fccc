package customersdb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/customers/event"
)

// RuleFacts is what other modules' rules read of the brand's customers and their purchases,
// in the caller's tenant transaction: birthdays, segment memberships and attributes (the
// points module's earning rules; the tiers module fills the attribute its tier conditions
// read), and the stored purchases of a period (the change preview of earning rules).
type RuleFacts struct{}

// Fact is what rules may read of one customer.
type Fact struct {
	BirthDate  *time.Time
	Segments   []uuid.UUID
	Attributes map[string]any
}

// Facts returns what rules may read of customers, in one statement; unknown IDs are left out.
func (RuleFacts) Facts(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]Fact, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT c.id, c.birth_date, c.attributes,
			coalesce((SELECT array_agg(m.segment_id) FROM segment_members m WHERE m.customer_id = c.id), '{}')
		FROM customers c WHERE c.id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]Fact, len(ids))
	var (
		id       uuid.UUID
		birth    *time.Time
		attrs    []byte
		segments []uuid.UUID
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &birth, &attrs, &segments}, func() error {
		f := Fact{BirthDate: birth, Segments: segments}
		if err := json.Unmarshal(attrs, &f.Attributes); err != nil {
			return err
		}
		out[id] = f
		return nil
	})
	return out, err
}

// Purchases calls fn with each stored purchase that occurred in [from, to), by time.
func (RuleFacts) Purchases(ctx context.Context, from, to time.Time, fn func(event.Event) error) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	rows, err := q.Query(ctx, `SELECT `+eventColumns+` FROM customer_events
		WHERE type = 'purchase' AND occurred_at >= $1 AND occurred_at < $2 ORDER BY occurred_at, id`, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
