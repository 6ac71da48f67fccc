package customersdb

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres"
)

// SetAttribute sets the attribute key of customers to their values (text), in one statement
// in the caller's tenant transaction: how another module fills an attribute the rules read
// (the tiers module's `tier`). Unknown IDs are left out.
func (RuleFacts) SetAttribute(ctx context.Context, key string, values map[uuid.UUID]string) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil || len(values) == 0 {
		return err
	}
	ids, vals := make([]uuid.UUID, 0, len(values)), make([]string, 0, len(values))
	for id, v := range values {
		ids, vals = append(ids, id), append(vals, v)
	}
	_, err = q.Exec(ctx, `UPDATE customers c SET attributes = c.attributes || jsonb_build_object($1::text, u.v), updated_at = now()
		FROM unnest($2::uuid[], $3::text[]) AS u(id, v) WHERE c.id = u.id AND c.attributes->>$1 IS DISTINCT FROM u.v`, key, ids, vals)
	return err
}
