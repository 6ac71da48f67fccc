package customersdb

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
)

// AttributeData is the custom attributes of a customer's profile as ports.CustomerData.
type AttributeData struct{}

var _ ports.CustomerData = AttributeData{}

// Section implements ports.CustomerData.
func (AttributeData) Section() string { return "attributes" }

// Merge implements ports.CustomerData: the survivor keeps its values and takes the duplicate's
// values of attributes it has none of.
func (AttributeData) Merge(ctx context.Context, from, into uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	if _, err = q.Exec(ctx, `UPDATE customers c SET attributes = d.attributes || c.attributes
		FROM customers d WHERE c.id = $2 AND d.id = $1`, from, into); err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE customers SET attributes = '{}' WHERE id = $1`, from)
	return err
}

// Export implements ports.CustomerData.
func (AttributeData) Export(ctx context.Context, customer uuid.UUID) (any, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var raw []byte
	err = q.QueryRow(ctx, `SELECT attributes FROM customers WHERE id = $1`, customer).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ports.ErrCustomerNotFound
	}
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	return out, json.Unmarshal(raw, &out)
}

// Erase implements ports.CustomerData.
func (AttributeData) Erase(ctx context.Context, customer uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE customers SET attributes = '{}' WHERE id = $1`, customer)
	return err
}

// WeChatAccountData is a customer's linked WeChat accounts as ports.CustomerData.
type WeChatAccountData struct{}

var _ ports.CustomerData = WeChatAccountData{}

// Section implements ports.CustomerData.
func (WeChatAccountData) Section() string { return "wechat_accounts" }

// Merge implements ports.CustomerData: the duplicate's accounts move to the survivor.
func (WeChatAccountData) Merge(ctx context.Context, from, into uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE wechat_accounts SET customer_id = $2 WHERE customer_id = $1`, from, into)
	return err
}

// WeChatAccountExport is one linked account in a data download.
type WeChatAccountExport struct {
	AppID     string    `json:"app_id"`
	OpenID    string    `json:"open_id"`
	UnionID   string    `json:"union_id,omitempty"`
	Nickname  string    `json:"nickname,omitempty"`
	AvatarURL string    `json:"avatar_url,omitempty"`
	LinkedAt  time.Time `json:"linked_at"`
}

// Export implements ports.CustomerData.
func (WeChatAccountData) Export(ctx context.Context, customer uuid.UUID) (any, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+wechatAccountColumns+` FROM wechat_accounts WHERE customer_id = $1
		ORDER BY linked_at, app_id, open_id`, customer)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (WeChatAccountExport, error) {
		a, err := scanWeChatAccount(r)
		return WeChatAccountExport{AppID: a.AppID, OpenID: a.OpenID, UnionID: a.UnionID, Nickname: a.Nickname,
			AvatarURL: a.AvatarURL, LinkedAt: a.LinkedAt}, err
	})
}

// Erase implements ports.CustomerData: the links go, so the WeChat user is a stranger again.
func (WeChatAccountData) Erase(ctx context.Context, customer uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `DELETE FROM wechat_accounts WHERE customer_id = $1`, customer)
	return err
}

// ActivityData is a customer's events and their aggregates as ports.CustomerData.
type ActivityData struct {
	// Activity recomputes the survivor's aggregates after a merge.
	Activity ports.ActivityRepository
}

var _ ports.CustomerData = ActivityData{}

// Section implements ports.CustomerData.
func (ActivityData) Section() string { return "activity" }

// Merge implements ports.CustomerData: the duplicate's events move to the survivor (events
// are keyed by tenant and event ID, so only their customer changes), the survivor's aggregates
// are recomputed over both histories and the duplicate's are dropped.
func (d ActivityData) Merge(ctx context.Context, from, into uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `UPDATE customer_events SET customer_id = $2 WHERE customer_id = $1`, from, into); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM customer_activity WHERE customer_id = $1`, from); err != nil {
		return err
	}
	return d.Activity.Recompute(ctx, []uuid.UUID{into})
}

// EventExport is one event of a customer's timeline in a data download.
type EventExport struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"`
	Channel    string         `json:"channel"`
	OccurredAt time.Time      `json:"occurred_at"`
	AmountFen  *int64         `json:"amount_fen,omitempty"`
	Store      string         `json:"store,omitempty"`
	Items      []event.Item   `json:"items,omitempty"`
	Payload    map[string]any `json:"payload,omitempty"`
}

// AggregatesExport is a customer's activity aggregates in a data download.
type AggregatesExport struct {
	FirstSeenAt    *time.Time `json:"first_seen_at,omitempty"`
	LastSeenAt     *time.Time `json:"last_seen_at,omitempty"`
	LastPurchaseAt *time.Time `json:"last_purchase_at,omitempty"`
	PurchaseCount  int64      `json:"purchase_count"`
	SpendFen       int64      `json:"spend_fen"`
	VisitCount     int64      `json:"visit_count"`
}

// ActivityExport is a customer's activity in a data download.
type ActivityExport struct {
	Aggregates *AggregatesExport `json:"aggregates,omitempty"`
	Timeline   []EventExport     `json:"timeline"`
}

// Export implements ports.CustomerData: the whole timeline, oldest first, and the aggregates.
func (d ActivityData) Export(ctx context.Context, customer uuid.UUID) (any, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	out := ActivityExport{Timeline: []EventExport{}}
	a, err := d.Activity.Get(ctx, customer)
	switch {
	case err == nil:
		out.Aggregates = &AggregatesExport{FirstSeenAt: a.FirstSeenAt, LastSeenAt: a.LastSeenAt, LastPurchaseAt: a.LastPurchaseAt,
			PurchaseCount: a.PurchaseCount, SpendFen: a.SpendFen, VisitCount: a.VisitCount}
	case !errors.Is(err, ports.ErrNoActivity):
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+eventColumns+` FROM customer_events WHERE customer_id = $1 ORDER BY occurred_at, id`, customer)
	if err != nil {
		return nil, err
	}
	evs, err := pgx.CollectRows(rows, scanEvent)
	for _, e := range evs {
		out.Timeline = append(out.Timeline, EventExport{ID: e.ID, Type: e.Type, Channel: e.Channel, OccurredAt: e.OccurredAt,
			AmountFen: e.AmountFen, Store: e.Store, Items: e.Items, Payload: e.Payload})
	}
	return out, err
}

// Erase implements ports.CustomerData. Each event keeps its ID, type, channel, times, amount,
// store and purchase items (products, quantities, prices), so the aggregates and every ledger
// built from them stay as they were; the rest of its payload goes. A payload is whatever the
// sender put there (survey answers in free text, a referral's target name and phone, page URLs
// with query strings), so no key of it is assumed to be harmless.
func (ActivityData) Erase(ctx context.Context, customer uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE customer_events
		SET payload = CASE WHEN payload ? 'items' THEN jsonb_build_object('items', payload -> 'items') ELSE '{}' END
		WHERE customer_id = $1 AND payload <> '{}' AND payload - 'items' <> '{}'`, customer)
	return err
}
