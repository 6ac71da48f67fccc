package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
)

// DomainEvents implements ports.DomainEventRepository on domain_events, and ports.CustomerData
// for the events that carry a customer's personal data.
type DomainEvents struct{}

var (
	_ ports.DomainEventRepository = DomainEvents{}
	_ ports.CustomerData          = DomainEvents{}
)

// Insert implements ports.DomainEventRepository: one INSERT over arrays.
func (DomainEvents) Insert(ctx context.Context, evs []ports.DomainEvent) error {
	q, tenant, err := TenantTx(ctx)
	if err != nil {
		return err
	}
	ids, types, data := make([]uuid.UUID, len(evs)), make([]string, len(evs)), make([]string, len(evs))
	subjects, at := make([]*uuid.UUID, len(evs)), make([]time.Time, len(evs))
	for i, e := range evs {
		ids[i], types[i], data[i], at[i] = e.ID, e.Type, string(e.Data), e.OccurredAt
		if e.Subject != uuid.Nil {
			subjects[i] = &evs[i].Subject
		}
	}
	_, err = q.Exec(ctx, `INSERT INTO domain_events (tenant_id, id, type, data, subject_id, occurred_at)
		SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::json[], $5::uuid[], $6::timestamptz[])`,
		tenant.UUID(), ids, types, data, subjects, at)
	return err
}

// ByIDs implements ports.DomainEventRepository.
func (DomainEvents) ByIDs(ctx context.Context, ids []uuid.UUID) ([]ports.DomainEvent, error) {
	return queryDomainEvents(ctx, `WHERE id = ANY($1)`, ids)
}

func queryDomainEvents(ctx context.Context, where string, arg any) ([]ports.DomainEvent, error) {
	q, _, err := TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT id, type, data, coalesce(subject_id, '00000000-0000-0000-0000-000000000000'), occurred_at
		FROM domain_events `+where+` ORDER BY id`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ports.DomainEvent
	for rows.Next() {
		var e ports.DomainEvent
		if err := rows.Scan(&e.ID, &e.Type, &e.Data, &e.Subject, &e.OccurredAt); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Purge implements ports.DomainEventRepository.
func (DomainEvents) Purge(ctx context.Context, before time.Time) (int64, error) {
	q, _, err := TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := q.Exec(ctx, `DELETE FROM domain_events WHERE occurred_at < $1`, before)
	return tag.RowsAffected(), err
}

// Section implements ports.CustomerData.
func (DomainEvents) Section() string { return "domain_events" }

// Merge implements ports.CustomerData: what was published about from is now about into.
func (DomainEvents) Merge(ctx context.Context, from, into uuid.UUID) error {
	q, _, err := TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE domain_events SET subject_id = $2 WHERE subject_id = $1`, from, into)
	return err
}

// PublishedEvent is an event about the customer kept for the modules that react to it, as a
// data download lists it.
type PublishedEvent struct {
	Type       string    `json:"type"`
	Data       any       `json:"data"`
	OccurredAt time.Time `json:"occurred_at"`
}

// Export implements ports.CustomerData.
func (DomainEvents) Export(ctx context.Context, customer uuid.UUID) (any, error) {
	evs, err := queryDomainEvents(ctx, `WHERE subject_id = $1`, customer)
	if err != nil {
		return nil, err
	}
	out := make([]PublishedEvent, len(evs))
	for i, e := range evs {
		out[i] = PublishedEvent{Type: e.Type, Data: e.Data, OccurredAt: e.OccurredAt}
	}
	return out, nil
}

// Erase implements ports.CustomerData: the events carrying the customer's data go; a
// subscriber job that named them finds nothing to do.
func (DomainEvents) Erase(ctx context.Context, customer uuid.UUID) error {
	q, _, err := TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `DELETE FROM domain_events WHERE subject_id = $1`, customer)
	return err
}
