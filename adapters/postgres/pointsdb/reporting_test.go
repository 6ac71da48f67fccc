package pointsdb_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	"github.com/engagehq/engage/tenants"
)

// A brand's BI login reads its brand's rows of the reporting views and nothing else: not
// another brand's (even when it sets that brand's ID), not the tables under the views, and it
// writes nowhere.
func TestABrandsBILoginSeesOnlyItsBrandAndCannotWrite(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	brands := []tenants.Tenant{pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)}
	for i, tn := range brands {
		require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			for range i + 2 { // the first brand gets two entries, the second three
				c, err := newCustomer(ctx)
				if err != nil {
					return err
				}
				if _, err := credit(ctx, c, 100, ""); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	super := b.pg.SuperConn(t)
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	role := "bi_test_" + hex.EncodeToString(suffix)
	t.Cleanup(func() {
		_, _ = super.Exec(context.Background(), `DROP OWNED BY `+role)
		_, _ = super.Exec(context.Background(), `DROP ROLE IF EXISTS `+role)
	})
	require.NoError(t, pointsdb.CreateReportingLogin(ctx, super, brands[0].ID.UUID(), role, "s3cret'pass"))
	require.NoError(t, pointsdb.CreateReportingLogin(ctx, super, brands[0].ID.UUID(), role, "s3cret'pass"), "run again")
	require.ErrorIs(t, pointsdb.CreateReportingLogin(ctx, super, brands[0].ID.UUID(), "Robert'); DROP", "x"), pointsdb.ErrReportingRole)

	cfg, err := pgx.ParseConfig(b.pg.AppURL)
	require.NoError(t, err)
	cfg.User, cfg.Password = role, "s3cret'pass"
	bi, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(t, err)
	defer bi.Close(ctx)

	var n, brandsSeen int
	require.NoError(t, bi.QueryRow(ctx, `SELECT count(*), count(DISTINCT tenant_id) FROM reporting.points_entries`).Scan(&n, &brandsSeen))
	require.Equal(t, 2, n, "its brand's two entries")
	require.Equal(t, 1, brandsSeen)
	var tenant string
	require.NoError(t, bi.QueryRow(ctx, `SELECT DISTINCT tenant_id::text FROM reporting.points_balances`).Scan(&tenant))
	require.Equal(t, brands[0].ID.String(), tenant)
	var issued int64
	require.NoError(t, bi.QueryRow(ctx, `SELECT sum(issued) FROM reporting.points_daily`).Scan(&issued))
	require.Zero(t, issued, "adjustments are not issued points")
	require.NoError(t, bi.QueryRow(ctx, `SELECT sum(adjusted) FROM reporting.points_daily`).Scan(&issued))
	require.Equal(t, int64(200), issued)

	// Setting the other brand's ID shows nothing of either.
	_, err = bi.Exec(ctx, `SET app.tenant_id = '`+brands[1].ID.String()+`'`)
	require.NoError(t, err)
	require.NoError(t, bi.QueryRow(ctx, `SELECT count(*) FROM reporting.points_entries`).Scan(&n))
	require.Zero(t, n)
	_, err = bi.Exec(ctx, `RESET app.tenant_id`)
	require.NoError(t, err)

	_, err = bi.Exec(ctx, `SET default_transaction_read_only = off`)
	require.NoError(t, err)
	for _, stmt := range []string{
		`SELECT count(*) FROM points_entries`,
		`SELECT count(*) FROM reporting_logins`,
		`SELECT count(*) FROM customers`,
		`INSERT INTO reporting.points_balances (tenant_id, customer_id, wallet, balance, pending, updated_at) VALUES ('` +
			brands[0].ID.String() + `', gen_random_uuid(), 'points', 1, 0, now())`,
		`DELETE FROM reporting.points_balances`, // an updatable view: only the grant refuses it
		`UPDATE points_balances SET balance = balance + 1`,
		`INSERT INTO reporting_logins (tenant_id, role_name) VALUES ('` + brands[1].ID.String() + `', '` + role + `x')`,
		`CREATE TABLE public.bi_scratch (x int)`,
		`CREATE VIEW reporting.mine AS SELECT 1`,
	} {
		_, err := bi.Exec(ctx, stmt)
		require.Error(t, err, stmt)
		require.Contains(t, err.Error(), "SQLSTATE 42501", "%s: permission denied, not another failure", stmt)
	}
}
