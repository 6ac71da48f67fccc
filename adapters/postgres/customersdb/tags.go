package customersdb

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// Tags keeps customers' tags in the tenant transaction.
type Tags struct{}

var (
	_ ports.TagRepository = Tags{}
	_ ports.CustomerData  = Tags{}
)

// AssignTags implements ports.TagAssigner: tags the customer already has keep their source.
func (t Tags) AssignTags(ctx context.Context, customer uuid.UUID, tags []string, source ports.TagSource) error {
	_, err := t.assign(ctx, customer, tags, source)
	return err
}

func (Tags) assign(ctx context.Context, customer uuid.UUID, tags []string, source ports.TagSource) (int64, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := q.Exec(ctx, `INSERT INTO customer_tags (tenant_id, customer_id, tag, source)
		SELECT $1, $2, t, $4 FROM unnest($3::text[]) AS t
		ON CONFLICT DO NOTHING`, tenant.UUID(), customer, tags, string(source))
	return tag.RowsAffected(), err
}

// Of implements ports.TagRepository.
func (Tags) Of(ctx context.Context, customer uuid.UUID) ([]ports.CustomerTag, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT tag, source, created_at FROM customer_tags WHERE customer_id = $1 ORDER BY tag`, customer)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ports.CustomerTag, error) {
		var t ports.CustomerTag
		return t, r.Scan(&t.Tag, &t.Source, &t.CreatedAt)
	})
}

// Names implements ports.TagRepository.
func (Tags) Names(ctx context.Context, customers []uuid.UUID) (map[uuid.UUID][]string, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT customer_id, tag FROM customer_tags WHERE customer_id = ANY($1::uuid[]) ORDER BY customer_id, tag`, customers)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID][]string{}
	var (
		id  uuid.UUID
		tag string
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &tag}, func() error {
		out[id] = append(out[id], tag)
		return nil
	})
	return out, err
}

// Remove implements ports.TagRepository.
func (Tags) Remove(ctx context.Context, customer uuid.UUID, tags []string) (int64, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := q.Exec(ctx, `DELETE FROM customer_tags WHERE customer_id = $1 AND tag = ANY($2::text[])`, customer, tags)
	return tag.RowsAffected(), err
}

// Counts implements ports.TagRepository.
func (Tags) Counts(ctx context.Context) ([]ports.TagCount, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT tag, count(*) FROM customer_tags GROUP BY tag ORDER BY count(*) DESC, tag`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ports.TagCount, error) {
		var c ports.TagCount
		return c, r.Scan(&c.Tag, &c.Customers)
	})
}

// Missing implements ports.TagRepository.
func (Tags) Missing(ctx context.Context, ids []uuid.UUID) ([]uuid.UUID, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT i FROM unnest($1::uuid[]) WITH ORDINALITY AS u (i, n)
		WHERE NOT EXISTS (SELECT 1 FROM customers WHERE id = i) ORDER BY n`, ids)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// BulkAssign implements ports.TagRepository. Customers gone since the caller checked them are
// left out rather than failing the statement.
func (Tags) BulkAssign(ctx context.Context, ids []uuid.UUID, tag string, source ports.TagSource) ([]uuid.UUID, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `INSERT INTO customer_tags (tenant_id, customer_id, tag, source)
		SELECT $1, c.id, $3, $4 FROM customers c WHERE c.id = ANY($2::uuid[]) ORDER BY c.id
		ON CONFLICT DO NOTHING
		RETURNING customer_id`, tenant.UUID(), ids, tag, string(source))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// BulkRemove implements ports.TagRepository.
func (Tags) BulkRemove(ctx context.Context, ids []uuid.UUID, tag string) (int64, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	ct, err := q.Exec(ctx, `DELETE FROM customer_tags WHERE tag = $1 AND customer_id = ANY($2::uuid[])`, tag, ids)
	return ct.RowsAffected(), err
}

// Section implements ports.CustomerData.
func (Tags) Section() string { return "tags" }

// Merge implements ports.CustomerData: the survivor keeps its own tags and gains the others,
// one row per tag; where both had a tag, the survivor's source and date stay.
func (Tags) Merge(ctx context.Context, from, into uuid.UUID) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO customer_tags (tenant_id, customer_id, tag, source, created_at)
		SELECT $1, $3, tag, source, created_at FROM customer_tags WHERE customer_id = $2
		ON CONFLICT DO NOTHING`, tenant.UUID(), from, into)
	b.Queue(`DELETE FROM customer_tags WHERE customer_id = $1`, from)
	return tx.SendBatch(ctx, b).Close()
}

// ExportedTag is a tag in a customer's data download.
type ExportedTag struct {
	Tag       string    `json:"tag"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
}

// Export implements ports.CustomerData.
func (t Tags) Export(ctx context.Context, customer uuid.UUID) (any, error) {
	tags, err := t.Of(ctx, customer)
	out := make([]ExportedTag, len(tags))
	for i, tg := range tags {
		out[i] = ExportedTag{Tag: tg.Tag, Source: string(tg.Source), CreatedAt: tg.CreatedAt}
	}
	return out, err
}

// Erase implements ports.CustomerData by deleting the customer's tags. A tag alone names no one,
// but on a person it says something about them that staff chose to write down ("孕期",
// "投诉过"), so it is the customer's personal data; the brand's counts per tag drop by one.
func (Tags) Erase(ctx context.Context, customer uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `DELETE FROM customer_tags WHERE customer_id = $1`, customer)
	return err
}
