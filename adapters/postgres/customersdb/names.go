package customersdb

import (
	"context"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// Names names the customers module's things for the audit trail: customers by name or else
// their external ID (an erased customer has neither), segments by name, auto-tags by the tag
// they give, custom event types by their labels.
func Names() ports.Namers {
	return ports.Namers{
		"customer": func(ctx context.Context, ids []string) (map[string]string, error) {
			return postgres.NamesByID(ctx, `SELECT id::text, COALESCE(NULLIF(name, ''), external_id, '') FROM customers WHERE id = ANY($1)`, ids)
		},
		"segment": func(ctx context.Context, ids []string) (map[string]string, error) {
			return postgres.NamesByID(ctx, `SELECT id::text, name FROM segments WHERE id = ANY($1)`, ids)
		},
		"tag_rule": func(ctx context.Context, ids []string) (map[string]string, error) {
			return postgres.NamesByID(ctx, `SELECT id::text, tag FROM tag_rules WHERE id = ANY($1)`, ids)
		},
		// A brand's custom attributes by key, named in Chinese (the brand's first language) and
		// in English, each falling back on the other, as AttributeDef.LabelIn.
		"customer_attribute": func(ctx context.Context, keys []string) (map[string]string, error) {
			return postgres.NamesByKey(ctx, `SELECT key, COALESCE(NULLIF(label, ''), NULLIF(label_en, ''), key) FROM customer_attribute_defs WHERE key = ANY($1)`, keys)
		},
		"customer_attribute.en": func(ctx context.Context, keys []string) (map[string]string, error) {
			return postgres.NamesByKey(ctx, `SELECT key, COALESCE(NULLIF(label_en, ''), NULLIF(label, ''), key) FROM customer_attribute_defs WHERE key = ANY($1)`, keys)
		},
		"event_type": func(ctx context.Context, keys []string) (map[string]string, error) {
			return postgres.NamesByKey(ctx, `SELECT key, label FROM custom_event_types WHERE key = ANY($1)`, keys)
		},
	}
}
