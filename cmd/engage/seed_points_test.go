package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/domain/points/campaigns"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// checkDemoPoints checks the points of the demo brand tn, whose whole CDNOW history was
// replayed and earned: every purchase earned once under the demo's rules (weekend doubles and
// birthday bonuses among them), every balance is the sum of its history, the campaigns gave
// what their performance says (one ended, one running), and the catalog is there. Prepared
// again, the brand keeps what it has.
func checkDemoPoints(t *testing.T, a *app, tn tenants.Tenant, purchases int) {
	t.Helper()
	ctx := context.Background()
	var earned, weekend, birthday, unequal int
	var campaignLines int64
	require.NoError(t, a.DB.ReadInTenant(ctx, tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		return q.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM points_operations WHERE kind = 'purchase'),
			(SELECT count(*) FROM points_operations WHERE details->'lines' @> '[{"rule": "weekend_double"}]'),
			(SELECT count(*) FROM points_operations WHERE details->'lines' @> '[{"rule": "birthday_bonus"}]'),
			(SELECT coalesce(sum((c->>'points')::bigint), 0) FROM points_operations, jsonb_array_elements(details->'campaigns') c),
			(SELECT count(*) FROM points_balances b WHERE (b.balance, b.pending) <> (SELECT coalesce(sum(points), 0), coalesce(sum(pending), 0)
				FROM points_entries e WHERE e.customer_id = b.customer_id AND e.wallet = b.wallet))`).
			Scan(&earned, &weekend, &birthday, &campaignLines, &unequal)
	}))
	t.Logf("%s: %d purchases earned, %d doubled at weekends, %d with a birthday bonus, %d campaign points", tn.Slug, earned,
		weekend, birthday, campaignLines)
	require.Equal(t, purchases, earned, "every replayed purchase earned once")
	require.Positive(t, weekend)
	require.Positive(t, birthday)
	require.Zero(t, unequal, "every balance is the sum of its history")

	pts := module.Get[*points.Service](a.Kernel)
	list, err := pts.Campaigns(ctx, tn.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	states := map[campaigns.State]campaigns.Campaign{}
	var issued int64
	for _, c := range list {
		states[c.StateAt(time.Now())] = c
		issued += c.Issued
	}
	require.Contains(t, states, campaigns.Running)
	require.Contains(t, states, campaigns.Ended)
	ended := states[campaigns.Ended]
	require.Positive(t, ended.Issued)
	require.Positive(t, ended.Participants)
	require.Equal(t, ended.Purchases*50, ended.Issued, "50 points a qualifying purchase, within the budget")
	require.Positive(t, states[campaigns.Running].Issued)
	require.Equal(t, campaignLines, issued, "what the campaigns say they issued is what the purchases got")
	catalog, err := module.Get[*rewards.Service](a.Kernel).List(ctx, tn.ID, rewards.Query{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, catalog, 4)

	require.NoError(t, a.PrepareDemo(ctx, tn.ID, time.Now().AddDate(0, 0, -1)))
	again, err := pts.Campaigns(ctx, tn.ID)
	require.NoError(t, err)
	require.Len(t, again, 2)
	catalog, err = module.Get[*rewards.Service](a.Kernel).List(ctx, tn.ID, rewards.Query{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, catalog, 4)
}
