package main

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/tenants"
)

// devApp wires the app as engage dev does, over a fresh migrated database, in this process.
func devApp(t *testing.T) *app {
	t.Helper()
	pg := pgtest.New(t)
	cfg := config{env: "development", publicURL: "http://localhost:8080", databaseURL: pg.AppURL, migrateURL: pg.OwnerURL,
		platformKey: "egp_dev_test", secretsKey: testSecretsKey, signInKey: []byte("dev test sign-in key"), dir: t.TempDir(),
		workers: 1, jobTimeout: 30 * time.Second, logLevel: slog.LevelError}
	a, err := newApp(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(a.close)
	return a
}

// stages counts brand t's customers by lifecycle stage.
func stages(t *testing.T, a *app, tn tenants.Tenant) map[lifecycle.Stage]int64 {
	t.Helper()
	counts, err := a.Lifecycle.Stages(context.Background(), tn.ID)
	require.NoError(t, err)
	out := map[lifecycle.Stage]int64{}
	for _, c := range counts {
		out[c.Stage] = c.Customers
	}
	return out
}

func TestTheDemoHistoryEndsYesterdayAndHasCustomersAtEveryStage(t *testing.T) {
	t.Parallel()
	a := devApp(t)
	ctx := context.Background()
	// Yesterday in Shanghai, the demo brands' zone, before and after the load: midnight may
	// pass while it runs.
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	yesterday := func() string { return time.Now().In(shanghai).AddDate(0, 0, -1).Format(time.DateOnly) }
	before := yesterday()
	require.NoError(t, seedDemo(ctx, a))
	require.Positive(t, jobstest.WorkSubscribers(t, a.DB.Pool(), a.Bus), "the reactions to the loaded purchases")

	for _, d := range demoBrands {
		tn, err := a.Tenants.Lookup(ctx, d.Slug)
		require.NoError(t, err)
		require.Equal(t, shanghai.String(), tn.Timezone)
		var last time.Time
		var customers int
		require.NoError(t, a.DB.ReadInTenant(ctx, tn.ID, func(ctx context.Context) error {
			q, _, err := postgres.TenantTx(ctx)
			if err != nil {
				return err
			}
			return q.QueryRow(ctx, `SELECT max(occurred_at), (SELECT count(*) FROM customers) FROM customer_events`).Scan(&last, &customers)
		}))
		got := stages(t, a, tn)
		lastDay := last.In(shanghai).Format(time.DateOnly)
		t.Logf("%s: %d customers, last purchase %s, stages %v", d.Slug, customers, last.In(shanghai).Format(time.RFC3339), got)
		if d.every > 1 {
			// The history's last day is the whole file's: this brand's part may end before it.
			require.LessOrEqual(t, lastDay, yesterday())
		} else {
			require.Contains(t, []string{before, yesterday()}, lastDay, "the history ends yesterday in the brand's time zone")
			require.Equal(t, 23_570, customers)
			checkDemoPoints(t, a, tn, 69_659)
		}
		require.Positive(t, customers)
		require.Positive(t, got[lifecycle.Active], "customers who bought in the last 30 days are active")
		require.Positive(t, got[lifecycle.AtRisk])
		require.Positive(t, got[lifecycle.Lapsed])
		require.Zero(t, got[lifecycle.New], "everyone joined in the history's first quarter, over a year ago")
	}

	// The demo keys are shown again at every start: kept, and still the same key.
	keys, err := demoKeys(ctx, a)
	require.NoError(t, err)
	again, err := demoKeys(ctx, a)
	require.NoError(t, err)
	require.Equal(t, keys, again)
	kept, err := os.ReadFile(demoKeyPath(a.cfg.dir, demoBrands[0].Slug))
	require.NoError(t, err)
	require.Contains(t, keys, string(kept[:len(kept)-1]))
	p, err := a.APIKeys.Authenticate(ctx, string(kept[:len(kept)-1]))
	require.NoError(t, err)
	require.Equal(t, demoBrands[0].Slug, p.Tenant.Slug)
}
