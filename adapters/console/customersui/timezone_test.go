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

// A customer who joined at 12:22 Beijing time shows 12:22 in the list and the 360° view of a
// brand in China, whatever the server's zone; the same customer shows New York's time once the
// brand's zone is New York; the birthday is the same date in both; money shows in yuan.
func TestTimesShowInTheBrandsZoneAndMoneyInYuan(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()
	beijing, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	joined := time.Date(2026, 3, 10, 12, 22, 0, 0, beijing)
	birthday := time.Date(1997, 3, 22, 0, 0, 0, 0, time.UTC)
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓"), City: ptr("杭州"), BirthDate: &birthday})
	require.NoError(t, err)
	require.NoError(t, b.App.DB.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		_, err = q.Exec(ctx, `UPDATE customers SET created_at = $2, lifecycle_since = $2 WHERE id = $1`, c.ID, joined)
		return err
	}))
	amount, price := int64(1234567), int64(617000)
	results, err := b.App.Events.IngestBatch(ctx, tn.ID, []event.Draft{{ID: "pos-tz", CustomerID: c.ID.String(), Type: event.TypePurchase,
		Channel: "pos", OccurredAt: joined.Add(8 * time.Minute), AmountFen: &amount, Store: "杭州西湖店",
		Items: []event.Item{{SKU: "tea-gift", Quantity: 2, PriceFen: &price}}}})
	require.NoError(t, err)
	require.Equal(t, events.Accepted, results[0].Status, "%v", results[0].Errors)
	require.Positive(t, jobstest.WorkSubscribers(t, b.App.DB.Pool(), b.App.Bus))
	// The purchase moved the customer to another lifecycle stage; the stage's since is the
	// lifecycle rule's, shown in the brand's zone too.
	reacted, err := b.App.Customers.Get(ctx, tn.ID, c.ID)
	require.NoError(t, err)
	stageSince := reacted.LifecycleSince

	row := "[data-test=customer-row]"
	listed := func() string {
		tab.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS(row)))
		return consoletest.Text(t, tab, row)
	}
	profile := func() (since, born, stageTitle string) {
		tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=timeline-item]")))
		consoletest.Quiet(t, tab)
		stageTitle = browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("[data-test=stage]").title`))
		return consoletest.Text(t, tab, "[data-test=since]"), consoletest.Text(t, tab, "[data-test=birth-date]"), stageTitle
	}

	// In China (the default zone), in English and in Chinese.
	require.Contains(t, listed(), "2026-03-10 12:22")
	tab.Screenshot(t, "customers-en")
	since, born, stage := profile()
	require.Equal(t, "2026-03-10 12:22", since)
	require.Equal(t, "1997-03-22", born, "a birthday is a date")
	require.Contains(t, stage, stageSince.In(beijing).Format("2006-01-02 15:04"))
	require.Equal(t, "2026-03-10 12:30", consoletest.Text(t, tab, "[data-test=first-seen]"))
	require.Equal(t, "¥12,345.67", consoletest.Text(t, tab, "[data-test=spend]"))
	item := consoletest.Text(t, tab, "[data-id=pos-tz]")
	for _, want := range []string{"¥12,345.67", "tea-gift × 2 ¥6,170.00", "2026-03-10 12:30"} {
		require.Contains(t, item, want)
	}
	tab.Screenshot(t, "customer-en")
	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=timeline-item]")`)
	require.Equal(t, "2026-03-10 12:22", consoletest.Text(t, tab, "[data-test=since]"))
	tab.Screenshot(t, "customer-zh-CN")
	require.Contains(t, listed(), "2026-03-10 12:22")
	tab.Screenshot(t, "customers-zh-CN")

	// The brand moves to New York, chosen in the brand's settings from the zone picker.
	tab.Run(t,
		chromedp.Navigate(b.URL+"/console/settings/brand"),
		chromedp.SetValue(chromedp.CSS("[data-test=brand-form] select[name=timezone]"), "America/New_York"),
		chromedp.Click(chromedp.CSS("[data-test=brand-form] button")),
		chromedp.WaitVisible(chromedp.CSS("#brand .flash")),
	)
	got, err := b.App.Tenants.Lookup(ctx, tn.Slug)
	require.NoError(t, err)
	require.Equal(t, "America/New_York", got.Timezone)
	require.Equal(t, "America/New_York", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("select[name=timezone]"))), "the picker shows the saved zone")
	// 12:22 in Beijing is 00:22 in New York (daylight saving time, UTC-4).
	require.Contains(t, listed(), "2026-03-10 00:22")
	since, born, stage = profile()
	require.Equal(t, "2026-03-10 00:22", since)
	require.Equal(t, "1997-03-22", born, "a birthday is the same date in every zone")
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	require.Contains(t, stage, stageSince.In(newYork).Format("2006-01-02 15:04"))
	require.Equal(t, "2026-03-10 00:30", consoletest.Text(t, tab, "[data-test=first-seen]"))
	require.Contains(t, consoletest.Text(t, tab, "[data-id=pos-tz]"), "2026-03-10 00:30")
	consoletest.NoJSErrors(t, tab)
}
