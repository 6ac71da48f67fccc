package customersui_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/customers/event"
)

// The dashboard is about the brand's customers, in both languages: members and who joined,
// the repeat-purchase rate, sales in yuan, top cities and stores, and charts (ECharts
// instances holding the figures); the team, keys and changes sit in the side panel.
func TestTheDashboardShowsTheBrandsCustomers(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()
	now := time.Now()
	newcomer, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓"), City: ptr("杭州")})
	require.NoError(t, err)
	regular, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("王芳"), City: ptr("上海")})
	require.NoError(t, err)
	forty := now.Add(-40 * 24 * time.Hour)
	require.NoError(t, b.App.DB.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		_, err = q.Exec(ctx, `UPDATE customers SET created_at = $2 WHERE id = $1`, regular.ID, forty)
		return err
	}))
	fen := func(v int64) *int64 { return &v }
	tea := []event.Item{{SKU: "tea", Quantity: 1}}
	results, err := b.App.Events.IngestBatch(ctx, tn.ID, []event.Draft{
		{ID: "d1", CustomerID: newcomer.ID.String(), Type: event.TypePurchase, Channel: "pos", OccurredAt: now.Add(-time.Hour), AmountFen: fen(10000), Store: "杭州西湖店", Items: tea},
		{ID: "d2", CustomerID: newcomer.ID.String(), Type: event.TypePurchase, Channel: "pos", OccurredAt: now.Add(-30 * time.Minute), AmountFen: fen(5000), Store: "杭州西湖店", Items: tea},
		{ID: "d3", CustomerID: regular.ID.String(), Type: event.TypePurchase, Channel: "pos", OccurredAt: forty, AmountFen: fen(2000), Store: "上海南京路店", Items: tea},
	})
	require.NoError(t, err)
	for _, r := range results {
		require.Equal(t, events.Accepted, r.Status, "%v", r.Errors)
	}
	require.Positive(t, jobstest.WorkSubscribers(t, b.App.DB.Pool(), b.App.Bus))

	open := func(path string) {
		tab.Run(t, chromedp.Navigate(b.URL+path), chromedp.WaitVisible(chromedp.CSS("[data-test=customers-dashboard]")))
		consoletest.WaitFor(t, tab, `document.querySelectorAll("[data-chart-option][data-drawn=true]").length === 3`)
		consoletest.Quiet(t, tab)
	}
	// series returns the data of each series of the chart, as ECharts holds it.
	series := func(chart string) [][]float64 {
		return browsertest.Get(t, tab, chromedp.Evaluate[[][]float64](`echarts.getInstanceByDom(document.querySelector("[data-test=`+chart+`]")).getOption().series.map(s => s.data)`))
	}
	names := func(chart string) []string {
		return browsertest.Get(t, tab, chromedp.Evaluate[[]string](`echarts.getInstanceByDom(document.querySelector("[data-test=`+chart+`]")).getOption().series.map(s => s.name)`))
	}
	last := func(xs []float64) float64 { return xs[len(xs)-1] }

	open("/console/")
	require.Equal(t, "2", consoletest.Text(t, tab, "[data-test=members-total]"))
	require.Equal(t, "1", consoletest.Text(t, tab, "[data-test=joined]"), "the regular joined 40 days ago")
	require.Equal(t, "100.0%", consoletest.Text(t, tab, "[data-test=repeat-rate]"), "the one buyer of the 30 days bought twice")
	require.Equal(t, "50.0%", consoletest.Text(t, tab, "[data-test=repeat-ever]"))
	require.Equal(t, "¥150.00", consoletest.Text(t, tab, "[data-test=sales]"))
	require.Equal(t, "2", consoletest.Text(t, tab, "[data-test=purchases]"))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=top-cities]"), "杭州")
	require.Contains(t, consoletest.Text(t, tab, "[data-test=top-stores]"), "杭州西湖店\t¥150.00\t2\t1")
	members := series("chart-members")
	require.Len(t, members, 2)
	require.Len(t, members[0], 30)
	require.Equal(t, float64(2), last(members[0]), "two members now")
	require.Equal(t, float64(1), sum(members[1]), "one joined in the 30 days")
	stages := series("chart-stages")
	require.Len(t, stages, 5)
	var now5 float64
	for _, s := range stages {
		now5 += last(s)
	}
	require.Equal(t, float64(2), now5, "every member is at one stage")
	require.Equal(t, []string{"New", "Active", "At risk", "Lapsed", "Won back"}, names("chart-stages"))
	sales := series("chart-sales")
	require.Len(t, sales[0], 12)
	require.Equal(t, float64(170), sum(sales[0]), "in yuan")
	require.NotEmpty(t, consoletest.Text(t, tab, "[data-test=dashboard-side] [data-test=keys]"))
	tab.Screenshot(t, "dashboard-en")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN"`)
	open("/console/?days=90")
	require.Equal(t, "2", consoletest.Text(t, tab, "[data-test=joined]"))
	require.Equal(t, "50.0%", consoletest.Text(t, tab, "[data-test=repeat-rate]"))
	require.Equal(t, "1 / 2", consoletest.Text(t, tab, "[data-test=repeat-detail]"))
	require.Equal(t, "¥170.00", consoletest.Text(t, tab, "[data-test=sales]"))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=top-stores]"), "上海南京路店\t¥20.00\t1\t1")
	require.Len(t, series("chart-members")[0], 90)
	require.Equal(t, []string{"新会员", "活跃", "流失风险", "已流失", "已召回"}, names("chart-stages"))
	require.Equal(t, "page", browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("[data-test=period-90]").getAttribute("aria-current")`)))
	tab.Screenshot(t, "dashboard-zh-CN")
	consoletest.NoJSErrors(t, tab)
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}
