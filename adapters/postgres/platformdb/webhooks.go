package platformdb

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Webhooks implements ports.WebhookRepository on webhook_endpoints, webhook_events,
// webhook_deliveries and webhook_attempts. Secrets arrive sealed; it never sees a plaintext.
type Webhooks struct{}

var _ ports.WebhookRepository = Webhooks{}

// Tenant implements ports.WebhookRepository.
func (Webhooks) Tenant(ctx context.Context) (tenants.ID, error) {
	_, t, err := postgres.TenantTx(ctx)
	return t, err
}

const endpointColumns = `id, url, description, event_types, status, disabled_reason, disabled_at, consecutive_failures,
	failing_since, created_at, updated_at, secret_key_id, secret_sealed, coalesce(previous_key_id, ''), previous_sealed, previous_until,
	last_failure_at, last_failure_status, last_failure_error`

func scanEndpoint(row pgx.Row) (ports.StoredWebhook, error) {
	var (
		e         ports.StoredWebhook
		status    string
		failureAt *time.Time
		failure   webhook.Failure
	)
	err := row.Scan(&e.ID, &e.URL, &e.Description, &e.EventTypes, &status, &e.DisabledReason, &e.DisabledAt, &e.ConsecutiveFailures,
		&e.FailingSince, &e.CreatedAt, &e.UpdatedAt, &e.SecretKeyID, &e.SecretSealed, &e.PreviousKeyID, &e.PreviousSealed, &e.PreviousUntil,
		&failureAt, &failure.Status, &failure.Error)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, ports.ErrWebhookNotFound
	}
	e.Status = webhook.Status(status)
	if failureAt != nil {
		failure.At = *failureAt
		e.LastFailure = &failure
	}
	return e, err
}

// lastFailure is e's last failure as its three columns.
func lastFailure(e ports.StoredWebhook) (*time.Time, int, string) {
	if e.LastFailure == nil {
		return nil, 0, ""
	}
	return &e.LastFailure.At, e.LastFailure.Status, e.LastFailure.Error
}

func collectEndpoints(rows pgx.Rows, err error) ([]ports.StoredWebhook, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ports.StoredWebhook
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// nullBytes stores an empty slice as NULL.
func nullBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// InsertEndpoint implements ports.WebhookRepository.
func (Webhooks) InsertEndpoint(ctx context.Context, e ports.StoredWebhook) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO webhook_endpoints (tenant_id, id, url, description, event_types, status, disabled_reason,
		disabled_at, consecutive_failures, failing_since, created_at, updated_at, secret_key_id, secret_sealed, previous_key_id,
		previous_sealed, previous_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		tenant.UUID(), e.ID, e.URL, e.Description, e.EventTypes, string(e.Status), e.DisabledReason, e.DisabledAt, e.ConsecutiveFailures,
		e.FailingSince, e.CreatedAt, e.UpdatedAt, e.SecretKeyID, e.SecretSealed, nullString(e.PreviousKeyID), nullBytes(e.PreviousSealed), e.PreviousUntil)
	return err
}

// GetEndpoint implements ports.WebhookRepository; in an InTenant transaction it locks the row.
func (Webhooks) GetEndpoint(ctx context.Context, id uuid.UUID) (ports.StoredWebhook, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.StoredWebhook{}, err
	}
	query := `SELECT ` + endpointColumns + ` FROM webhook_endpoints WHERE id = $1`
	if _, werr := postgres.WriteTx(ctx); werr == nil {
		query += ` FOR UPDATE`
	}
	return scanEndpoint(q.QueryRow(ctx, query, id))
}

// ListEndpoints implements ports.WebhookRepository.
func (Webhooks) ListEndpoints(ctx context.Context) ([]ports.StoredWebhook, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	return collectEndpoints(q.Query(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints ORDER BY created_at, id`))
}

// UpdateEndpoint implements ports.WebhookRepository.
func (Webhooks) UpdateEndpoint(ctx context.Context, e ports.StoredWebhook) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	failureAt, failureStatus, failureError := lastFailure(e)
	tag, err := q.Exec(ctx, `UPDATE webhook_endpoints SET url = $2, description = $3, event_types = $4, status = $5,
		disabled_reason = $6, disabled_at = $7, consecutive_failures = $8, failing_since = $9, updated_at = $10, secret_key_id = $11,
		secret_sealed = $12, previous_key_id = $13, previous_sealed = $14, previous_until = $15, last_failure_at = $16,
		last_failure_status = $17, last_failure_error = $18 WHERE id = $1`,
		e.ID, e.URL, e.Description, e.EventTypes, string(e.Status), e.DisabledReason, e.DisabledAt, e.ConsecutiveFailures,
		e.FailingSince, e.UpdatedAt, e.SecretKeyID, e.SecretSealed, nullString(e.PreviousKeyID), nullBytes(e.PreviousSealed), e.PreviousUntil,
		failureAt, failureStatus, failureError)
	if err == nil && tag.RowsAffected() == 0 {
		err = ports.ErrWebhookNotFound
	}
	return err
}

// DeleteEndpoint implements ports.WebhookRepository.
func (Webhooks) DeleteEndpoint(ctx context.Context, id uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `DELETE FROM webhook_endpoints WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		err = ports.ErrWebhookNotFound
	}
	return err
}

// Subscribed implements ports.WebhookRepository.
func (Webhooks) Subscribed(ctx context.Context, eventType string) ([]ports.StoredWebhook, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	return collectEndpoints(q.Query(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints
		WHERE status <> 'disabled' AND event_types @> ARRAY[$1::text] ORDER BY created_at, id`, eventType))
}

// ReceivedTypes implements ports.WebhookRepository.
func (Webhooks) ReceivedTypes(ctx context.Context) (map[string]bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT DISTINCT unnest(event_types) FROM webhook_endpoints WHERE status <> 'disabled'`)
	if err != nil {
		return nil, err
	}
	types, err := pgx.CollectRows(rows, pgx.RowTo[string])
	out := make(map[string]bool, len(types))
	for _, t := range types {
		out[t] = true
	}
	return out, err
}

// InsertEvent implements ports.WebhookRepository.
func (Webhooks) InsertEvent(ctx context.Context, e ports.WebhookEvent) (bool, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return false, err
	}
	var subject *uuid.UUID
	if e.Subject != uuid.Nil {
		subject = &e.Subject
	}
	tag, err := q.Exec(ctx, `INSERT INTO webhook_events (tenant_id, id, type, body, test, subject_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, id) DO NOTHING`,
		tenant.UUID(), e.ID, e.Type, e.Body, e.Test, subject, e.CreatedAt)
	return tag.RowsAffected() == 1, err
}

// GetEvent implements ports.WebhookRepository.
func (Webhooks) GetEvent(ctx context.Context, id string) (ports.WebhookEvent, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.WebhookEvent{}, err
	}
	var e ports.WebhookEvent
	err = q.QueryRow(ctx, `SELECT id, type, body, test, created_at FROM webhook_events WHERE id = $1`, id).
		Scan(&e.ID, &e.Type, &e.Body, &e.Test, &e.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ports.ErrDeliveryNotFound
	}
	return e, err
}

const deliveryColumns = `d.id, d.endpoint_id, d.event_id, d.status, d.attempts, d.next_attempt_at, coalesce(d.last_status, 0),
	d.created_at, d.updated_at`

func scanDelivery(row pgx.Row, extra ...any) (ports.WebhookDelivery, error) {
	var d ports.WebhookDelivery
	err := row.Scan(append([]any{&d.ID, &d.EndpointID, &d.EventID, &d.Status, &d.Attempts, &d.NextAttemptAt, &d.LastStatus,
		&d.CreatedAt, &d.UpdatedAt}, extra...)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, ports.ErrDeliveryNotFound
	}
	return d, err
}

func nullStatus(s int) *int {
	if s == 0 {
		return nil
	}
	return &s
}

// InsertDelivery implements ports.WebhookRepository.
func (Webhooks) InsertDelivery(ctx context.Context, d ports.WebhookDelivery) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, status, attempts, next_attempt_at,
		last_status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		tenant.UUID(), d.ID, d.EndpointID, d.EventID, d.Status, d.Attempts, d.NextAttemptAt, nullStatus(d.LastStatus), d.CreatedAt, d.UpdatedAt)
	return err
}

// GetDelivery implements ports.WebhookRepository; in an InTenant transaction it locks the row.
func (Webhooks) GetDelivery(ctx context.Context, id uuid.UUID) (ports.WebhookDelivery, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.WebhookDelivery{}, err
	}
	query := `SELECT ` + deliveryColumns + ` FROM webhook_deliveries d WHERE d.id = $1`
	if _, werr := postgres.WriteTx(ctx); werr == nil {
		query += ` FOR UPDATE`
	}
	return scanDelivery(q.QueryRow(ctx, query, id))
}

// UpdateDelivery implements ports.WebhookRepository.
func (Webhooks) UpdateDelivery(ctx context.Context, d ports.WebhookDelivery) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at = $4, last_status = $5,
		updated_at = $6 WHERE id = $1`, d.ID, d.Status, d.Attempts, d.NextAttemptAt, nullStatus(d.LastStatus), d.UpdatedAt)
	if err == nil && tag.RowsAffected() == 0 {
		err = ports.ErrDeliveryNotFound
	}
	return err
}

// ReleaseHeld implements ports.WebhookRepository.
func (Webhooks) ReleaseHeld(ctx context.Context, endpoint uuid.UUID) ([]ports.WebhookDelivery, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `UPDATE webhook_deliveries d SET status = 'pending', updated_at = now()
		WHERE endpoint_id = $1 AND status = 'held' RETURNING `+deliveryColumns, endpoint)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ports.WebhookDelivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FailOpen implements ports.WebhookRepository.
func (Webhooks) FailOpen(ctx context.Context, endpoint uuid.UUID) (int64, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := q.Exec(ctx, `UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, updated_at = now()
		WHERE endpoint_id = $1 AND status IN ('pending', 'held')`, endpoint)
	return tag.RowsAffected(), err
}

// InsertAttempt implements ports.WebhookRepository.
func (Webhooks) InsertAttempt(ctx context.Context, a ports.WebhookAttempt) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, request_headers, response_status,
		response_body, error, latency_ms, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		tenant.UUID(), a.DeliveryID, a.Attempt, a.RequestHeaders, nullStatus(a.ResponseStatus), a.ResponseBody, a.Error,
		a.Latency.Milliseconds(), a.CreatedAt)
	return err
}

// Deliveries implements ports.WebhookRepository, in two statements: the page of deliveries
// with their events, then their attempts.
func (Webhooks) Deliveries(ctx context.Context, endpoint uuid.UUID, page ports.Page) ([]ports.WebhookDeliveryLog, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var w postgres.Where
	w.And("d.endpoint_id = $1", endpoint)
	if page.After != "" {
		after, err := uuid.Parse(page.After)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		w.And("(d.created_at, d.id) < (SELECT created_at, id FROM webhook_deliveries WHERE id = $1)", after)
	}
	rows, err := q.Query(ctx, `SELECT `+deliveryColumns+`, e.id, e.type, e.body, e.test, e.created_at
		FROM webhook_deliveries d JOIN webhook_events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id
		WHERE `+w.String()+` ORDER BY d.created_at DESC, d.id DESC LIMIT `+w.Arg(page.Limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	var out []ports.WebhookDeliveryLog
	index := map[uuid.UUID]int{}
	ids := []uuid.UUID{}
	for rows.Next() {
		var l ports.WebhookDeliveryLog
		if l.WebhookDelivery, err = scanDelivery(rows, &l.Event.ID, &l.Event.Type, &l.Event.Body, &l.Event.Test, &l.Event.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		index[l.ID] = len(out)
		ids = append(ids, l.ID)
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = q.Query(ctx, `SELECT delivery_id, attempt, request_headers, coalesce(response_status, 0), response_body, error,
		latency_ms, created_at FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY delivery_id, attempt`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a ports.WebhookAttempt
		var ms int64
		if err := rows.Scan(&a.DeliveryID, &a.Attempt, &a.RequestHeaders, &a.ResponseStatus, &a.ResponseBody, &a.Error, &ms, &a.CreatedAt); err != nil {
			return nil, err
		}
		a.Latency = time.Duration(ms) * time.Millisecond
		l := &out[index[a.DeliveryID]]
		l.Log = append(l.Log, a)
	}
	return out, rows.Err()
}

// Purge implements ports.WebhookRepository.
func (Webhooks) Purge(ctx context.Context, before time.Time) (int64, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := q.Exec(ctx, `DELETE FROM webhook_events WHERE created_at < $1`, before)
	return tag.RowsAffected(), err
}
