package pointsui_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
)

// An operator's large adjustments wait in the queue; the owner approves one (the points move)
// and rejects the other (nothing moves), in the brand's time, in both languages.
func TestTheOwnerApprovesAndRejectsLargeAdjustments(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()
	s := program.Defaults()
	s.ApprovalAbove = 1000
	require.NoError(t, svc.SetSettings(ctx, tn.ID, s))
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	_, err = svc.EarnPurchase(ctx, tn.ID, points.Purchase{ID: "POS-1", Customer: c.ID, AmountFen: 258_000, OccurredAt: time.Now(),
		Items: []event.Item{{SKU: "oolong-500g", Quantity: 1}}})
	require.NoError(t, err)
	operator := ports.WithActor(ctx, ports.Actor{Kind: ports.ActorUser, ID: "0190b2a4-0000-7000-8000-00000000abcd", Label: "ops@lotus.example"})
	for _, adj := range []points.Adjustment{
		{Customer: c.ID, Points: 5000, ReasonCode: "complaint", Note: "门店服务投诉，补偿积分"},
		{Customer: c.ID, Points: -2000, ReasonCode: "correction", Note: "重复发放"},
	} {
		o, err := svc.Adjust(operator, tn.ID, adj)
		require.NoError(t, err)
		require.NotNil(t, o.Approval)
	}

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/approvals"), chromedp.WaitVisible(chromedp.CSS("[data-test=approvals-pending]")))
	require.Equal(t, "1,000", consoletest.Text(t, tab, "[data-test=threshold]"))
	require.Equal(t, 2, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=request]").length`)))
	tab.Screenshot(t, "points-approvals-en")
	// The newest first: the deduction is rejected, then the credit approved.
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=request]:first-child [data-test=reject]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=approvals-flash]")))
	require.Equal(t, "Rejected: no points changed.", consoletest.Text(t, tab, "[data-test=approvals-flash]"))
	tab.Run(t, chromedp.SetValue(chromedp.CSS("[data-test=request] input[name=note]"), "已核实"),
		chromedp.Click(chromedp.CSS("[data-test=request] [data-test=approve]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=no-requests]")))
	require.Equal(t, "Approved: the points were adjusted.", consoletest.Text(t, tab, "[data-test=approvals-flash]"))
	views, err := svc.Wallets(ctx, tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, int64(2580+5000), views[0].Balance)
	require.Equal(t, "Approved", consoletest.Text(t, tab, "[data-test=decided]:first-child [data-test=decided-status]"))

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/approvals"), chromedp.WaitVisible(chromedp.CSS("[data-test=approvals-decided]")),
		chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=approvals-decided]")`)
	require.Equal(t, "已批准", consoletest.Text(t, tab, "[data-test=decided]:first-child [data-test=decided-status]"))
	tab.Screenshot(t, "points-approvals-zh-CN")
	consoletest.NoJSErrors(t, tab)
}

// The reports page draws the last 30 days with ECharts, totals the outstanding points and
// their value in yuan, and exports the table as CSV and Excel.
func TestTheReportsPageChartsAndExports(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()
	s := program.Defaults()
	s.Value = program.PointValue{Fen: 1, Points: 1}
	require.NoError(t, svc.SetSettings(ctx, tn.ID, s))
	for i, name := range []string{"林晓", "王芳", "陈明"} {
		c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr(name)})
		require.NoError(t, err)
		_, err = svc.EarnPurchase(ctx, tn.ID, points.Purchase{ID: "POS-" + name, Customer: c.ID, AmountFen: int64(150_000 * (i + 1)),
			OccurredAt: time.Now(), Items: []event.Item{{SKU: "oolong-500g", Quantity: 1}}})
		require.NoError(t, err)
		_, err = svc.Redeem(ctx, tn.ID, points.Redemption{Customer: c.ID, Points: int64(300 * (i + 1)), Reference: "r-" + name})
		require.NoError(t, err)
	}

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/reports"), chromedp.WaitVisible(chromedp.CSS("[data-test=summary-table]")))
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=chart-summary]").getAttribute("data-drawn") === "true"`)
	require.Equal(t, 30, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=summary-row]").length`)))
	require.Equal(t, "7,200", consoletest.Text(t, tab, "[data-test=outstanding]"))
	require.Equal(t, "¥72.00", consoletest.Text(t, tab, "[data-test=liability]"))
	tab.Screenshot(t, "points-reports-en")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=summary-table]")`)
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=chart-summary]").getAttribute("data-drawn") === "true"`)
	tab.Screenshot(t, "points-reports-zh-CN")
	consoletest.NoJSErrors(t, tab)

	cookie := b.SessionCookie(t, "owner@lotus.example")
	href := browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("[data-test=export-xlsx]").getAttribute("href")`))
	require.Contains(t, href, "&granularity=day&", "the export is of the filter shown, its query not escaped as one value")
	resp := b.Get(t, href, cookie)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", resp.Header.Get("Content-Type"))
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(body), "PK"))
	href = browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("[data-test=export-csv]").getAttribute("href")`))
	csv := b.Get(t, href, cookie)
	defer csv.Body.Close()
	raw, err := io.ReadAll(csv.Body)
	require.NoError(t, err)
	require.Contains(t, string(raw), "未兑换积分", "the headers in the page's language")
}
