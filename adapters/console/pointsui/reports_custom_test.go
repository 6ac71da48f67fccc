package pointsui_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/points/points"
	receiptsapp "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/receipts"
	"github.com/engagehq/engage/domain/points/report"
)

// A CRM manager builds a custom report from pickers (one wallet's points and customers by kind
// and store),
// sees the stores by name and exports it; and schedules a weekly export to finance, refused
// beside the recipients while an address is wrong, then deletes it.
func TestACustomReportIsBuiltAndAnExportScheduled(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()
	settings := receipts.Defaults()
	settings.Stores = []receipts.Store{{Code: "SH-001", Name: "静安嘉里中心店"}}
	require.NoError(t, module.Get[*receiptsapp.Service](b.App.Kernel).SetSettings(ctx, tn.ID, settings))
	for i, name := range []string{"林晓", "王芳"} {
		c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr(name)})
		require.NoError(t, err)
		_, err = svc.EarnPurchase(ctx, tn.ID, points.Purchase{ID: "POS-" + name, Customer: c.ID, AmountFen: int64(100_000 * (i + 1)),
			OccurredAt: time.Now(), Store: "SH-001", Items: []event.Item{{SKU: "oolong-500g", Quantity: 1}}})
		require.NoError(t, err)
	}

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/reports"), chromedp.WaitVisible(chromedp.CSS("[data-test=tab-custom]")),
		chromedp.Click(chromedp.CSS("[data-test=tab-custom]")), chromedp.WaitVisible(chromedp.CSS("[data-test=custom-form]")),
		chromedp.SetValue(chromedp.CSS("[data-test=custom-wallet]"), "points"),
		chromedp.Click(chromedp.CSS("[data-test=dimension-wallet]")), chromedp.Click(chromedp.CSS("[data-test=dimension-store]")),
		chromedp.Click(chromedp.CSS("[data-test=measure-entries]")), chromedp.Click(chromedp.CSS("[data-test=measure-customers]")),
		chromedp.Click(chromedp.CSS("[data-test=run-custom]")))
	// The page opens with a report of its own: wait for the one asked.
	consoletest.Settle(t, tab, `location.search.includes("dimension=store") && !!document.querySelector("[data-test=custom-table]")`)
	rows := browsertest.Get(t, tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("[data-test=custom-row]")].map(r => r.innerText)`))
	require.Contains(t, rows, "Earned\t静安嘉里中心店\t3,000\t2", "points and customers by kind and store, by name")
	tab.Screenshot(t, "points-report-custom-en")
	cookie := b.SessionCookie(t, "owner@lotus.example")
	href := browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("[data-test=custom-csv]").getAttribute("href")`))
	resp := b.Get(t, href, cookie)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Contains(t, string(raw), "静安嘉里中心店", href)

	// None measured is refused.
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=measure-points]")), chromedp.Click(chromedp.CSS("[data-test=measure-customers]")),
		chromedp.Click(chromedp.CSS("[data-test=run-custom]")), chromedp.WaitVisible(chromedp.CSS("[data-test=error-measures]")))
	require.Equal(t, "Choose at least one measure.", consoletest.Text(t, tab, "[data-test=error-measures]"))

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=tab-schedules]")), chromedp.WaitVisible(chromedp.CSS("[data-test=schedule-form]")),
		setValue("[data-test=schedule-name]", "财务周报"), setValue("[data-test=schedule-recipients]", "finance@lotus.example\nnot-an-address"),
		chromedp.Click(chromedp.CSS("[data-test=create-schedule]")), chromedp.WaitVisible(chromedp.CSS("[data-test=error-recipients]")))
	require.Equal(t, "Give valid email addresses, at most 20.", consoletest.Text(t, tab, "[data-test=error-recipients]"))
	tab.Run(t, setValue("[data-test=schedule-recipients]", "finance@lotus.example, cfo@lotus.example"),
		chromedp.Click(chromedp.CSS("[data-test=create-schedule]")), chromedp.WaitVisible(chromedp.CSS("[data-test=schedules]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=schedule-row]"), "财务周报\tPoints summary · English\tWeekly\tExcel (XLSX)\tfinance@lotus.example, cfo@lotus.example")
	scheduled, err := svc.Schedules(ctx, tn.ID)
	require.NoError(t, err)
	require.Len(t, scheduled, 1)
	require.Equal(t, report.Week, scheduled[0].Frequency)
	next := scheduled[0].NextPeriod
	require.Equal(t, time.Monday, next.Weekday())
	require.Equal(t, next.Format(time.DateOnly)+" ~ "+next.AddDate(0, 0, 6).Format(time.DateOnly), consoletest.Text(t, tab, "[data-test=schedule-next]"),
		"the next week exported, Monday to Sunday")
	require.Equal(t, points.FormatXLSX, scheduled[0].Format)
	tab.Screenshot(t, "points-report-schedules-en")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=schedules]")`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=schedule-row]"), "每周")
	tab.Screenshot(t, "points-report-schedules-zh-CN")
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=delete-schedule]")), chromedp.WaitVisible(chromedp.CSS("[data-test=no-schedules]")))
	scheduled, err = svc.Schedules(ctx, tn.ID)
	require.NoError(t, err)
	require.Empty(t, scheduled)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=tab-custom]")), chromedp.WaitVisible(chromedp.CSS("[data-test=custom-table]")))
	tab.Screenshot(t, "points-report-custom-zh-CN")
	consoletest.NoNetworkErrorsBut422(t, tab)
}
