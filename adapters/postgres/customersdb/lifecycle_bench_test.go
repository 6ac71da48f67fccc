package customersdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/tenants"
)

// BenchmarkLifecycleSweep recomputes the stages of a brand of 1,000,000 customers who joined
// over the last three years, three in four with purchases: the daily sweep's work. A first,
// untimed sweep moves most customers out of "new"; each op is the sweep of the next day.
func BenchmarkLifecycleSweep(b *testing.B) {
	const customers = 1_000_000
	pg := pgtest.New(b)
	db := pg.OpenApp(b)
	tn := pgtest.NewTenant(b, tenants.NewDirectory(platformdb.NewTenantStore(db)))
	ctx := context.Background()
	require.NoError(b, db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		q, tenant, _ := postgres.TenantTx(ctx)
		if _, err := q.Exec(ctx, `INSERT INTO customers (tenant_id, id, created_at, lifecycle_since)
			SELECT $1, gen_random_uuid(), j, j FROM (SELECT now() - random() * interval '1095 days' AS j FROM generate_series(1, $2)) s`,
			tenant.UUID(), customers); err != nil {
			return err
		}
		_, err := q.Exec(ctx, `INSERT INTO customer_activity (tenant_id, customer_id, first_seen_at, last_seen_at, last_purchase_at, purchase_count)
			SELECT $1, id, created_at, p, p, 1 FROM (
				SELECT id, created_at, created_at + random() * (now() - created_at) AS p FROM customers) s
			WHERE random() < 0.75`, tenant.UUID())
		return err
	}))
	super, err := pgx.Connect(ctx, pg.SuperuserURL)
	require.NoError(b, err)
	_, err = super.Exec(ctx, `ANALYZE customers; ANALYZE customer_activity`)
	require.NoError(b, err)
	require.NoError(b, super.Close(ctx))
	now := time.Now()
	require.NoError(b, db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		_, err := customersdb.Lifecycle{}.RecomputeAll(ctx, lifecycle.Defaults, now)
		return err
	}))
	var changed int64
	for b.Loop() {
		now = now.Add(lifecycle.Day)
		require.NoError(b, db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			n, err := customersdb.Lifecycle{}.RecomputeAll(ctx, lifecycle.Defaults, now)
			changed += int64(len(n))
			return err
		}))
	}
	b.ReportMetric(float64(changed)/float64(b.N), "changed/op")
}
