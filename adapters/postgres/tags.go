package postgres

import (
	"context"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
)

// Tags keeps customers' tags in the tenant transaction.
type Tags struct{}

var _ ports.TagAssigner = Tags{}

// AssignTags implements ports.TagAssigner: tags the customer already has keep their source.
func (Tags) AssignTags(ctx context.Context, customer uuid.UUID, tags []string, source ports.TagSource) error {
	q, tenant, err := TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO customer_tags (tenant_id, customer_id, tag, source)
		SELECT $1, $2, t, $4 FROM unnest($3::text[]) AS t
		ON CONFLICT DO NOTHING`, tenant.UUID(), customer, tags, string(source))
	return err
}
