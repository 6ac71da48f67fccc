package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/tenants"
)

// demoVersion names the cached demo database; bump it when the demo's data change.
const demoVersion = "v2"

// BenchmarkDashboardOnTheDemo measures each query of the console's dashboard over the demo
// brand (the whole CDNOW history, shifted to end the day the cache was built), seeded as engage
// seed --demo does and with the reactions to its purchases worked, once, into a cached
// database.
// Run it with: go test -run '^$' -bench DashboardOnTheDemo -benchtime 20x ./cmd/engage/
func BenchmarkDashboardOnTheDemo(b *testing.B) {
	ctx := context.Background()
	d := demoDatabase(b)
	db := d.OpenApp(b)
	tn, err := tenants.NewDirectory(platformdb.NewTenantStore(db)).Lookup(ctx, demoBrands[0].Slug)
	require.NoError(b, err)
	loc, err := time.LoadLocation(tn.Timezone)
	require.NoError(b, err)
	now := time.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	days := func(n int) []time.Time {
		out := make([]time.Time, n+1)
		for i := range out {
			out[i] = today.AddDate(0, 0, i-n+1)
		}
		return out
	}
	ends := func(n int) []time.Time { ds := days(n); return append(ds[1:n], now) }
	months := make([]time.Time, 13)
	for i := range months {
		months[i] = time.Date(now.Year(), now.Month()-11+time.Month(i), 1, 0, 0, 0, 0, loc)
	}
	repo := customersdb.Overview{}
	for _, q := range []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"joined-90d", func(ctx context.Context) error { _, _, err := repo.Joined(ctx, days(90)); return err }},
		{"stages-30d", func(ctx context.Context) error {
			_, err := repo.StagesAt(ctx, lifecycle.Defaults, ends(30))
			return err
		}},
		{"stages-90d", func(ctx context.Context) error {
			_, err := repo.StagesAt(ctx, lifecycle.Defaults, ends(90))
			return err
		}},
		{"buyers-90d", func(ctx context.Context) error { _, _, err := repo.Buyers(ctx, days(90)[0], days(90)[90]); return err }},
		{"buyers-ever", func(ctx context.Context) error { _, _, err := repo.Buyers(ctx, time.Time{}, days(1)[1]); return err }},
		{"sales-12-months", func(ctx context.Context) error { _, err := repo.Sales(ctx, months); return err }},
		{"sales-90d", func(ctx context.Context) error {
			_, err := repo.Sales(ctx, []time.Time{days(90)[0], days(90)[90]})
			return err
		}},
		{"top-cities", func(ctx context.Context) error { _, err := repo.TopCities(ctx, 10); return err }},
		{"top-stores-90d", func(ctx context.Context) error {
			_, err := repo.TopStores(ctx, days(90)[0], days(90)[90], 10)
			return err
		}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				require.NoError(b, db.ReadInTenant(ctx, tn.ID, q.run))
			}
		})
	}
}

// demoDatabase is the demo brands seeded as engage seed --demo does, with the reactions to
// their purchases worked, built once into a cached database.
func demoDatabase(b *testing.B) *pgtest.Database {
	ctx := context.Background()
	keys := b.TempDir()
	b.Setenv("ENGAGE_SECRETS_KEY", testSecretsKey)
	b.Setenv("ENGAGE_LOG_LEVEL", "error")
	return pgtest.Cached(b, "demo_"+demoVersion, func(d *pgtest.Database) error {
		b.Setenv("DATABASE_URL", d.AppURL)
		b.Setenv("ENGAGE_MIGRATE_DATABASE_URL", d.OwnerURL)
		// The demo keys go to a directory of the benchmark's; the cluster stays where it is.
		cluster := os.Getenv("ENGAGE_DIR")
		os.Setenv("ENGAGE_DIR", keys)
		defer os.Setenv("ENGAGE_DIR", cluster)
		if err := withApp(ctx, func(a *app) error {
			if err := seedDemo(ctx, a); err != nil {
				return err
			}
			// The reactions to the purchases (activity, stages, segments) run, as the workers
			// of engage dev would run them.
			jobstest.WorkSubscribers(b, a.DB.Pool(), a.Bus)
			return nil
		}); err != nil {
			return err
		}
		conn, err := pgx.Connect(ctx, d.SuperuserURL)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, `VACUUM ANALYZE`)
		return err
	})
}
