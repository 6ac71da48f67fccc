package customersdb

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
)

// Events implements ports.EventRepository on customer_events.
type Events struct{}

var _ ports.EventRepository = Events{}

// encodePayload is the stored payload: the sender's payload with a purchase's items under
// "items" (the domain refuses a payload that has its own).
func encodePayload(e event.Event) (string, error) {
	if len(e.Items) == 0 && len(e.Payload) == 0 {
		return "{}", nil
	}
	var items []byte
	if len(e.Items) > 0 {
		var err error
		if items, err = json.Marshal(e.Items); err != nil {
			return "", err
		}
	}
	if len(e.Payload) == 0 {
		return `{"items":` + string(items) + `}`, nil
	}
	rest, err := json.Marshal(e.Payload)
	if err != nil {
		return "", err
	}
	if items == nil {
		return string(rest), nil
	}
	return `{"items":` + string(items) + `,` + string(rest[1:]), nil
}

// InsertNew implements ports.EventRepository: one INSERT over arrays, whatever the batch size.
// Rows go in by customer, then event ID, so that the foreign key checks lock the customers
// (FOR KEY SHARE) in ascending ID order, as every other locker of customers does, and two
// batches with the same events claim their IDs in the same order.
func (Events) InsertNew(ctx context.Context, evs []event.Event) ([]string, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	n := len(evs)
	var (
		ids       = make([]string, n)
		customers = make([]uuid.UUID, n)
		types     = make([]string, n)
		channels  = make([]string, n)
		occurred  = make([]time.Time, n)
		amounts   = make([]*int64, n)
		stores    = make([]*string, n)
		payloads  = make([]string, n)
	)
	for i, e := range evs {
		ids[i], customers[i], types[i], channels[i], occurred[i], amounts[i] = e.ID, e.CustomerID, e.Type, e.Channel, e.OccurredAt, e.AmountFen
		if e.Store != "" {
			stores[i] = &evs[i].Store
		}
		if payloads[i], err = encodePayload(e); err != nil {
			return nil, err
		}
	}
	rows, err := q.Query(ctx, `INSERT INTO customer_events (tenant_id, id, customer_id, type, channel, occurred_at, amount_fen, store, payload)
		SELECT $1, u.id, u.customer_id, u.type, u.channel, u.occurred_at, u.amount_fen, u.store, u.payload::jsonb
		FROM unnest($2::text[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::bigint[], $8::text[], $9::text[])
			AS u (id, customer_id, type, channel, occurred_at, amount_fen, store, payload)
		ORDER BY u.customer_id, u.id
		ON CONFLICT (tenant_id, id) DO NOTHING
		RETURNING id`, tenant.UUID(), ids, customers, types, channels, occurred, amounts, stores, payloads)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// ExistingCustomers implements ports.EventRepository.
func (Events) ExistingCustomers(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT id, erased_at IS NOT NULL FROM customers WHERE id = ANY($1::uuid[])`, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]bool, len(ids))
	var (
		id     uuid.UUID
		erased bool
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &erased}, func() error {
		out[id] = erased
		return nil
	})
	return out, err
}

// CustomersByKeys implements ports.EventRepository.
func (Events) CustomersByKeys(ctx context.Context, externalIDs, phones []string) (map[string]uuid.UUID, map[string]uuid.UUID, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, nil, err
	}
	rows, err := q.Query(ctx, `SELECT id, coalesce(external_id, ''), coalesce(phone, '') FROM customers
		WHERE external_id = ANY($1::text[]) OR phone = ANY($2::text[])`, externalIDs, phones)
	if err != nil {
		return nil, nil, err
	}
	byExternalID, byPhone := map[string]uuid.UUID{}, map[string]uuid.UUID{}
	var (
		id              uuid.UUID
		external, phone string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &external, &phone}, func() error {
		if external != "" && slices.Contains(externalIDs, external) {
			byExternalID[external] = id
		}
		if phone != "" && slices.Contains(phones, phone) {
			byPhone[phone] = id
		}
		return nil
	})
	return byExternalID, byPhone, err
}

const eventColumns = `id, customer_id, type, channel, occurred_at, received_at, amount_fen, coalesce(store, ''), payload`

func scanEvent(row pgx.CollectableRow) (event.Event, error) {
	var (
		e       event.Event
		payload []byte
	)
	if err := row.Scan(&e.ID, &e.CustomerID, &e.Type, &e.Channel, &e.OccurredAt, &e.ReceivedAt, &e.AmountFen, &e.Store, &payload); err != nil {
		return e, err
	}
	var stored struct {
		Items []event.Item `json:"items"`
	}
	if err := json.Unmarshal(payload, &stored); err != nil {
		return e, err
	}
	if err := json.Unmarshal(payload, &e.Payload); err != nil {
		return e, err
	}
	delete(e.Payload, "items")
	if len(e.Payload) == 0 {
		e.Payload = nil
	}
	e.Items = stored.Items
	return e, nil
}

// ByIDs implements ports.EventRepository.
func (Events) ByIDs(ctx context.Context, ids []string) ([]event.Event, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+eventColumns+` FROM customer_events WHERE id = ANY($1::text[])`, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanEvent)
}

// Timeline implements ports.EventRepository.
func (Events) Timeline(ctx context.Context, customer uuid.UUID, tq ports.TimelineQuery, page ports.Page) ([]event.Event, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var w postgres.Where
	w.And("customer_id = $1", customer)
	if tq.Type != "" {
		w.And("type = $1", tq.Type)
	}
	if tq.Channel != "" {
		w.And("channel = $1", tq.Channel)
	}
	if page.After != "" {
		w.And("(occurred_at, id) < (SELECT occurred_at, id FROM customer_events WHERE id = $1 AND customer_id = $2)", page.After, customer)
	}
	rows, err := q.Query(ctx, `SELECT `+eventColumns+` FROM customer_events WHERE `+w.String()+
		` ORDER BY occurred_at DESC, id DESC LIMIT `+w.Arg(page.Limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanEvent)
}

// Activity implements ports.ActivityRepository on customer_activity.
type Activity struct{}

var _ ports.ActivityRepository = Activity{}

// Recompute implements ports.ActivityRepository. In one round trip it locks the tenant's
// customers among customers in ID order (concurrent jobs on the same customers wait instead of
// deadlocking), makes sure their rows exist, then recomputes them: under READ COMMITTED that
// last statement's snapshot is taken once the locks are held, so it sees every event whose
// job might be waiting on them. The customers themselves are locked, first, FOR NO KEY
// UPDATE: every writer of a customer's rows locks the customer before them (a merge, the
// stages that follow in a reaction), and ingest's foreign key checks do not conflict with it.
func (Activity) Recompute(ctx context.Context, customers []uuid.UUID) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	b := &pgx.Batch{}
	b.Queue(`SELECT id FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`, customers)
	b.Queue(`INSERT INTO customer_activity (tenant_id, customer_id)
		SELECT $1, c FROM unnest($2::uuid[]) AS c WHERE EXISTS (SELECT 1 FROM customers WHERE id = c) ORDER BY c
		ON CONFLICT (tenant_id, customer_id) DO NOTHING`, tenant.UUID(), customers)
	b.Queue(`UPDATE customer_activity a SET first_seen_at = s.first_seen, last_seen_at = s.last_seen,
			last_purchase_at = s.last_purchase, purchase_count = s.purchases, spend_fen = s.spend, visit_count = s.visits,
			updated_at = now()
		FROM (SELECT c AS customer_id, e.*
			FROM unnest($1::uuid[]) AS c
			CROSS JOIN LATERAL (
				SELECT min(occurred_at) AS first_seen, max(occurred_at) AS last_seen,
					max(occurred_at) FILTER (WHERE type = 'purchase') AS last_purchase,
					count(*) FILTER (WHERE type = 'purchase') AS purchases,
					coalesce(sum(amount_fen) FILTER (WHERE type = 'purchase'), 0) AS spend,
					count(*) FILTER (WHERE type = 'visit') AS visits
				FROM customer_events WHERE customer_id = c) AS e) AS s
		WHERE a.customer_id = s.customer_id`, customers)
	return tx.SendBatch(ctx, b).Close()
}

// Get implements ports.ActivityRepository.
func (Activity) Get(ctx context.Context, customer uuid.UUID) (event.Activity, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return event.Activity{}, err
	}
	var a event.Activity
	err = q.QueryRow(ctx, `SELECT customer_id, first_seen_at, last_seen_at, last_purchase_at, purchase_count, spend_fen,
		visit_count, updated_at FROM customer_activity WHERE customer_id = $1`, customer).
		Scan(&a.CustomerID, &a.FirstSeenAt, &a.LastSeenAt, &a.LastPurchaseAt, &a.PurchaseCount, &a.SpendFen, &a.VisitCount, &a.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, ports.ErrNoActivity
	}
	return a, err
}
