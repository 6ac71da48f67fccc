package customersdb

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
)

// EventTypes implements ports.EventTypeRepository on custom_event_types.
type EventTypes struct{}

var _ ports.EventTypeRepository = EventTypes{}

// storedField is a custom type's field as custom_event_types.fields keeps it.
type storedField struct {
	Key        string   `json:"key"`
	Label      string   `json:"label,omitempty"`
	Type       string   `json:"type"`
	Required   bool     `json:"required,omitempty"`
	EnumValues []string `json:"enum_values,omitempty"`
	MaxLength  int      `json:"max_length,omitempty"`
}

func scanEventType(row pgx.CollectableRow) (event.CustomType, error) {
	var (
		t      event.CustomType
		fields []storedField
	)
	if err := row.Scan(&t.Key, &t.Label, &t.Description, &fields); err != nil {
		return t, err
	}
	for _, f := range fields {
		t.Fields = append(t.Fields, event.CustomField(f))
	}
	return t, nil
}

const eventTypeColumns = `key, label, description, fields`

// List implements ports.EventTypeRepository.
func (EventTypes) List(ctx context.Context) ([]event.CustomType, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+eventTypeColumns+` FROM custom_event_types ORDER BY key`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanEventType)
}

// Get implements ports.EventTypeRepository.
func (EventTypes) Get(ctx context.Context, key string) (event.CustomType, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return event.CustomType{}, err
	}
	rows, err := q.Query(ctx, `SELECT `+eventTypeColumns+` FROM custom_event_types WHERE key = $1`, key)
	if err != nil {
		return event.CustomType{}, err
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanEventType)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, ports.ErrEventTypeNotFound
	}
	return t, err
}

// Save implements ports.EventTypeRepository.
func (EventTypes) Save(ctx context.Context, t event.CustomType) (bool, error) {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return false, err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	fields := make([]storedField, len(t.Fields))
	for i, f := range t.Fields {
		fields[i] = storedField(f)
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return false, err
	}
	var created bool
	err = tx.QueryRow(ctx, `INSERT INTO custom_event_types (tenant_id, key, label, description, fields) VALUES ($1, $2, $3, $4, $5::jsonb)
		ON CONFLICT (tenant_id, key) DO UPDATE SET label = EXCLUDED.label, description = EXCLUDED.description,
			fields = EXCLUDED.fields, updated_at = now()
		RETURNING xmax = 0`, tenant.UUID(), t.Key, t.Label, t.Description, string(raw)).Scan(&created)
	return created, err
}

// Delete implements ports.EventTypeRepository.
func (EventTypes) Delete(ctx context.Context, key string) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `DELETE FROM custom_event_types WHERE key = $1`, key)
	if err == nil && tag.RowsAffected() == 0 {
		err = ports.ErrEventTypeNotFound
	}
	return err
}
