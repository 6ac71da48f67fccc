package events_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
)

func TestTheTimelineFiltersByChannelAndSpendIsSummedByMonth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	purchase := func(id, channel string, at time.Time, fen int64) event.Draft {
		return event.Draft{ID: id, CustomerID: b.customer.String(), Type: event.TypePurchase, Channel: channel, OccurredAt: at,
			AmountFen: &fen, Items: []event.Item{{SKU: "tea", Quantity: 1}}}
	}
	results, err := b.svc.IngestBatch(ctx, b.tenant, []event.Draft{
		purchase("p1", "pos", time.Date(2025, 1, 10, 12, 0, 0, 0, shanghai), 1000),
		purchase("p2", "mini_program", time.Date(2025, 1, 20, 12, 0, 0, 0, shanghai), 500),
		// Shanghai's March begins while UTC is still in February.
		purchase("p3", "pos", time.Date(2025, 3, 1, 2, 0, 0, 0, shanghai), 700),
		{ID: "v1", CustomerID: b.customer.String(), Type: event.TypeVisit, Channel: "pos", OccurredAt: time.Date(2025, 3, 2, 0, 0, 0, 0, shanghai)},
	})
	require.NoError(t, err)
	for _, r := range results {
		require.Equal(t, "accepted", string(r.Status), "%v", r.Errors)
	}

	line, err := b.svc.Timeline(ctx, b.tenant, b.customer, ports.TimelineQuery{Channel: "pos"}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Equal(t, []string{"v1", "p3", "p1"}, ids(line))
	line, err = b.svc.Timeline(ctx, b.tenant, b.customer, ports.TimelineQuery{Channel: "pos", Type: event.TypePurchase}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Equal(t, []string{"p3", "p1"}, ids(line))

	months, err := b.svc.MonthlySpend(ctx, b.tenant, b.customer, time.Date(2025, 4, 15, 0, 0, 0, 0, shanghai), 4, shanghai)
	require.NoError(t, err)
	var got []string
	for _, m := range months {
		got = append(got, fmt.Sprintf("%s %d", m.Month.Format("2006-01"), m.SpendFen))
		require.Equal(t, shanghai, m.Month.Location())
	}
	require.Equal(t, []string{"2025-01 1500", "2025-02 0", "2025-03 700", "2025-04 0"}, got)
}

func ids(evs []event.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}
