package wire_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// sent is one webhook event an endpoint was given, decoded.
type sent struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// sentTo returns the events delivered (or to deliver) to endpoint, oldest first, by type.
func sentTo(t *testing.T, a *wire.App, tn tenants.Tenant, endpoint uuid.UUID) map[string][]json.RawMessage {
	t.Helper()
	logs, err := a.Webhooks.Deliveries(context.Background(), tn.ID, endpoint, ports.Page{Limit: 100})
	require.NoError(t, err)
	out := map[string][]json.RawMessage{}
	for i := len(logs) - 1; i >= 0; i-- {
		var s sent
		require.NoError(t, json.Unmarshal(logs[i].Event.Body, &s))
		out[s.Type] = append(out[s.Type], s.Data)
	}
	return out
}

// refreshSegments works the segment refresh jobs enqueued so far.
func refreshSegments(t *testing.T, a *wire.App) int {
	t.Helper()
	return jobstest.Work(t, a.DB.Pool(), segments.RefreshArgs{}.Kind(), func(raw []byte) error {
		var args segments.RefreshArgs
		require.NoError(t, json.Unmarshal(raw, &args))
		return a.Segments.Refresh(context.Background(), args)
	})
}

func TestStagesSegmentsAndIngestedEventsReachTheWebhooksSubscribedToThem(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("wire test"), NoPeriodicJobs: true}, pg.OpenApp(t))
	require.NoError(t, err)
	ctx := context.Background()
	tn := pgtest.NewTenant(t, a.Tenants)
	quiet := pgtest.NewTenant(t, a.Tenants)

	ep, _, err := a.Webhooks.Create(ctx, tn.ID, webhook.Draft{URL: "https://crm.example.com/hooks",
		EventTypes: []string{lifecycle.TypeStagesChanged, segment.TypeEntered, segment.TypeLeft, event.TypeIngested}})
	require.NoError(t, err)
	seg, err := a.Segments.Create(ctx, tn.ID, segments.Draft{Name: "买家", Tree: map[string]any{"field": "purchase_count", "op": ">=", "value": 1}})
	require.NoError(t, err)
	require.Zero(t, seg.Members, "no customer yet")
	require.Zero(t, refreshSegments(t, a), "saving computed the members; no job is left")

	// A member for 200 days, who last bought 100 days ago: at risk.
	day := lifecycle.Day
	buy := func(brand tenants.Tenant) (uuid.UUID, string) {
		ids, err := a.Demo.ImportCustomers(ctx, brand.ID, []customer.Customer{{ID: uuid.New(), ExternalID: "pos-1", Name: "王小明",
			CreatedAt: time.Now().Add(-200 * day)}})
		require.NoError(t, err)
		amount := int64(3800)
		results, err := a.Events.IngestBatch(ctx, brand.ID, []event.Draft{{ID: "order-1", CustomerID: ids["pos-1"].String(),
			Type: event.TypePurchase, Channel: "pos", Store: "SH-001", OccurredAt: time.Now().Add(-100 * day), AmountFen: &amount,
			Items: []event.Item{{SKU: "oolong", Quantity: 1}}, Payload: map[string]any{"note": "私人备注"}}})
		require.NoError(t, err)
		require.Equal(t, "accepted", string(results[0].Status))
		return ids["pos-1"], "order-1"
	}
	c, order := buy(tn)
	buy(quiet)
	require.Positive(t, jobstest.WorkSubscribers(t, a.DB.Pool(), a.Bus))

	got := sentTo(t, a, tn, ep.ID)
	require.Len(t, got[event.TypeIngested], 1, "one event per batch")
	var ingested event.Ingested
	require.NoError(t, json.Unmarshal(got[event.TypeIngested][0], &ingested))
	require.Len(t, ingested.Events, 1)
	require.Equal(t, order, ingested.Events[0].ID)
	require.Equal(t, c, ingested.Events[0].CustomerID)
	require.Equal(t, int64(3800), *ingested.Events[0].AmountFen)
	require.Equal(t, "SH-001", ingested.Events[0].Store)
	require.NotContains(t, string(got[event.TypeIngested][0]), "私人备注", "payloads are not sent")

	require.Len(t, got[lifecycle.TypeStagesChanged], 1)
	var stages lifecycle.StagesChanged
	require.NoError(t, json.Unmarshal(got[lifecycle.TypeStagesChanged][0], &stages))
	require.Len(t, stages.Changes, 1)
	require.Equal(t, c, stages.Changes[0].CustomerID)
	require.Equal(t, lifecycle.New, stages.Changes[0].From)
	require.Equal(t, lifecycle.AtRisk, stages.Changes[0].To)

	require.Len(t, got[segment.TypeEntered], 1)
	var entered segment.MembersChanged
	require.NoError(t, json.Unmarshal(got[segment.TypeEntered][0], &entered))
	require.Equal(t, segment.MembersChanged{SegmentID: seg.ID, SegmentName: "买家", CustomerIDs: []uuid.UUID{c}}, entered)
	require.Empty(t, got[segment.TypeLeft])

	// The segment asks for more: the customer leaves it.
	changed, err := a.Segments.Update(ctx, tn.ID, seg.ID, segments.Draft{Name: "常客", Tree: map[string]any{"field": "purchase_count", "op": ">=", "value": 5}})
	require.NoError(t, err)
	require.Zero(t, changed.Members, "the change recomputed the members as it was saved")
	require.Zero(t, refreshSegments(t, a))
	require.Equal(t, 1, jobstest.WorkSubscribers(t, a.DB.Pool(), a.Bus), "the webhooks subscriber's job")
	got = sentTo(t, a, tn, ep.ID)
	require.Len(t, got[segment.TypeLeft], 1)
	var left segment.MembersChanged
	require.NoError(t, json.Unmarshal(got[segment.TypeLeft][0], &left))
	require.Equal(t, segment.MembersChanged{SegmentID: seg.ID, SegmentName: "常客", CustomerIDs: []uuid.UUID{c}}, left)

	// A brand without endpoints stores only what its own subscribers need: the batch's record.
	var types []string
	require.NoError(t, a.DB.ReadInTenant(ctx, quiet.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT DISTINCT type FROM domain_events ORDER BY 1`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			types = append(types, s)
		}
		return rows.Err()
	}))
	require.Equal(t, []string{event.TypeRecorded}, types, "nobody listens to the rest there")
}
