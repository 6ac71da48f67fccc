package platformdb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// WebhookData implements ports.CustomerData for the webhook delivery log, which keeps for 30
// days copies of the profiles sent to the brand's endpoints.
type WebhookData struct{}

var _ ports.CustomerData = WebhookData{}

// Section implements ports.CustomerData.
func (WebhookData) Section() string { return "webhook_deliveries" }

// Merge implements ports.CustomerData: what was sent about from is now about into, so erasing
// the survivor reaches it.
func (WebhookData) Merge(ctx context.Context, from, into uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE webhook_events SET subject_id = $2 WHERE subject_id = $1`, from, into)
	return err
}

// SentEvent is an event about the customer sent to the brand's webhook endpoints, as a data
// download lists it: what was disclosed, when, and to which hosts.
type SentEvent struct {
	WebhookID string          `json:"webhook_id"`
	Type      string          `json:"type"`
	Body      json.RawMessage `json:"body"`
	SentAt    time.Time       `json:"sent_at"`
	Endpoints []string        `json:"endpoints"`
}

// Export implements ports.CustomerData.
func (WebhookData) Export(ctx context.Context, customer uuid.UUID) (any, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT e.id, e.type, e.body, e.created_at,
			coalesce(array_agg(DISTINCT substring(w.url FROM '^[a-z]+://[^/?#]+')) FILTER (WHERE w.url IS NOT NULL), '{}')
		FROM webhook_events e
		LEFT JOIN webhook_deliveries d ON d.tenant_id = e.tenant_id AND d.event_id = e.id
		LEFT JOIN webhook_endpoints w ON w.tenant_id = d.tenant_id AND w.id = d.endpoint_id
		WHERE e.subject_id = $1 GROUP BY e.id, e.type, e.body, e.created_at ORDER BY e.created_at, e.id`, customer)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []SentEvent{}
	for rows.Next() {
		var e SentEvent
		var body []byte
		if err := rows.Scan(&e.WebhookID, &e.Type, &body, &e.SentAt, &e.Endpoints); err != nil {
			return nil, err
		}
		e.Body = body
		out = append(out, e)
	}
	return out, rows.Err()
}

// Erase implements ports.CustomerData: the copies of the customer's data in the log go, with
// any delivery of them still waiting.
func (WebhookData) Erase(ctx context.Context, customer uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `DELETE FROM webhook_events WHERE subject_id = $1`, customer)
	return err
}
