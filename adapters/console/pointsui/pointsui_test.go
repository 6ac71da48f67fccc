package pointsui_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
)

func ptr(s string) *string { return &s }

// setValue sets an input's value, which may be empty (chromedp.SetValue writes "undefined" for "").
func setValue(css, value string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).value = %q; true`, css, value))(ctx, t)
		return chromedp.Void{}, err
	}
}

// A brand's loyalty manager sets the program in yuan and in words: what a refund takes back,
// how long purchase points are held, and per wallet the rate and when points expire, with the
// date points earned today would expire. A value out of range is refused beside its input and
// nothing changes; a wallet the brand adds is kept.
func TestTheProgramIsSetInYuanWithExpiryInWords(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/settings"), chromedp.WaitVisible(chromedp.CSS("[data-test=points-settings]")))
	require.Equal(t, "Points earned today never expire.", consoletest.Text(t, tab, "[data-test=expiry-example-0]"))
	// Two yuan a point, held 7 days, expiring at the end of the year after the one they were
	// earned in; 400 days for the reminder is refused (by the server too: the browser's own
	// check is off, as a client that skips it would send it).
	form := "[data-test=points-settings]"
	browsertest.Get(t, tab, chromedp.Evaluate[bool](`document.querySelector("[data-test=points-settings]").noValidate = true`))
	tab.Run(t,
		setValue(form+" [data-test=per-yuan-0]", "2"),
		setValue(form+" [data-test=pending-days]", "7"),
		setValue(form+" [data-test=warning-days]", "400"),
		chromedp.SetValue(chromedp.CSS(form+" [data-test=expiry-policy-0]"), "end_of_period"),
		setValue(form+" [data-test=expiry-months-0]", "12"),
		chromedp.SetValue(chromedp.CSS(form+" [data-test=expiry-period-0]"), "year"),
		chromedp.SetValue(chromedp.CSS(form+" [data-test=refund-policy]"), "pending_only"),
		chromedp.Click(chromedp.CSS("[data-test=save-settings]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-warning_days]")),
	)
	require.Equal(t, "Enter between 0 and 365 days.", consoletest.Text(t, tab, "[data-test=error-warning_days]"))
	require.Equal(t, "2", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS(form+" [data-test=per-yuan-0]"))), "what was typed is kept")
	stored, err := svc.Settings(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, program.Defaults(), stored, "nothing changed")

	// A price below a fen is refused too, under the wallet's own input.
	tab.Run(t, setValue(form+" [data-test=warning-days]", "14"), setValue(form+" [data-test=per-yuan-1]", "0"),
		chromedp.Click(chromedp.CSS("[data-test=save-settings]")), chromedp.WaitVisible(chromedp.CSS("[data-test=error-per-yuan-1]")))
	require.Equal(t, "Enter between 0.01 and 1,000,000 yuan.", consoletest.Text(t, tab, "[data-test=error-per-yuan-1]"))

	tab.Run(t, setValue(form+" [data-test=per-yuan-1]", "1"), setValue(form+" [data-test=new-wallet-key]", "vip_points"),
		chromedp.Click(chromedp.CSS("[data-test=save-settings]")), chromedp.WaitVisible(chromedp.CSS("[data-test=settings-flash]")))
	stored, err = svc.Settings(ctx, tn.ID)
	require.NoError(t, err)
	require.Equal(t, program.RefundPendingOnly, stored.RefundPolicy)
	require.Equal(t, 7, stored.PendingDays)
	require.Equal(t, 14, stored.WarningDays)
	require.Equal(t, program.Rate{Points: 1, PerFen: 200}, stored.Wallets[0].Rate)
	require.Equal(t, program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 12, Period: program.Year}, stored.Wallets[0].Expiry)
	require.Equal(t, []ledger.Wallet{ledger.Points, ledger.Status, "vip_points"}, stored.Keys())
	// Earned today in Shanghai, they count until the last day of next year.
	nextYear := time.Now().In(mustZone(t, "Asia/Shanghai")).Year() + 1
	require.Equal(t, fmt.Sprintf("Points earned today are valid until %d-12-31", nextYear), consoletest.Text(t, tab, "[data-test=expiry-example-0]"))
	tab.Screenshot(t, "points-settings-en")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=points-settings]")`)
	require.Equal(t, fmt.Sprintf("今天获得的积分有效期至 %d-12-31", nextYear), consoletest.Text(t, tab, "[data-test=expiry-example-0]"))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=wallet-row-status] legend"), "成长值")
	tab.Screenshot(t, "points-settings-zh-CN")
	consoletest.NoNetworkErrorsBut422(t, tab)
}

// A customer's 360° view shows their points: each wallet's balance, pending points with the
// day they count, the latest entries in words; an admin who may adjusts them with a reason,
// once however often the form is sent, and a deduction beyond the balance is refused.
func TestACustomersPointsAreShownAndAdjustedOnTheirView(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	svc := module.Get[*points.Service](b.App.Kernel)
	ctx := context.Background()
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	s := program.Defaults()
	s.PendingDays = 7
	require.NoError(t, svc.SetSettings(ctx, tn.ID, s))
	_, err = svc.EarnPurchase(ctx, tn.ID, points.Purchase{ID: "POS-1", Customer: c.ID, AmountFen: 25_800, OccurredAt: time.Now(),
		Items: []event.Item{{SKU: "oolong-500g", Quantity: 1}}})
	require.NoError(t, err)
	_, err = svc.Adjust(ctx, tn.ID, points.Adjustment{Customer: c.ID, Points: 1200, ReasonCode: "migration"})
	require.NoError(t, err)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-points]")))
	require.Equal(t, "1,200", consoletest.Text(t, tab, "[data-test=balance-points]"))
	release := time.Now().In(mustZone(t, "Asia/Shanghai")).AddDate(0, 0, 7).Format("2006-01-02")
	require.Equal(t, "Pending 258 · released on "+release, consoletest.Text(t, tab, "[data-test=pending-points]"))
	rows := browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("[data-test=entry]")].map(e => e.children[1].textContent.trim() + " | " + e.children[2].textContent.trim())`))
	require.Equal(t, "Points | Adjusted · data migration", rows[0])
	require.ElementsMatch(t, []string{"Points | Earned · purchase", "Status points | Earned · purchase"}, rows[1:])

	// Adjust: 300 goodwill points; the same form sent twice adjusts once.
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=adjust-section] summary")),
		setValue("[data-test=adjust-points]", "300"), chromedp.SetValue(chromedp.CSS("[data-test=adjust-reason]"), "goodwill"),
		setValue("[data-test=adjust-note]", "门店排队太久"))
	sent := browsertest.Get(t, tab, chromedp.Evaluate[[]int](`(async () => {
		const f = document.querySelector("[data-test=adjust-form]");
		const send = () => fetch(f.action, {method: "POST", body: new FormData(f), redirect: "manual"}).then(r => r.status);
		return [await send(), await send()];
	})()`, chromedp.EvalAwaitPromise))
	require.NotContains(t, sent, 500)
	wallets, err := svc.Wallets(ctx, tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, int64(1500), wallets[0].Balance, "adjusted once")

	// A deduction beyond the balance is refused beside the amount, and changes nothing.
	tab.Run(t, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-points]")),
		chromedp.Click(chromedp.CSS("[data-test=adjust-section] summary")),
		chromedp.SetValue(chromedp.CSS("[data-test=adjust-direction]"), "deduct"), setValue("[data-test=adjust-points]", "2000"),
		chromedp.Click(chromedp.CSS("[data-test=adjust-submit]")), chromedp.WaitVisible(chromedp.CSS("[data-test=error-points]")))
	require.Equal(t, "The customer does not have that many points to deduct.", consoletest.Text(t, tab, "[data-test=error-points]"))
	wallets, err = svc.Wallets(ctx, tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, int64(1500), wallets[0].Balance)

	tab.Run(t, chromedp.SetValue(chromedp.CSS("[data-test=adjust-direction]"), "deduct"), setValue("[data-test=adjust-points]", "500"),
		chromedp.SetValue(chromedp.CSS("[data-test=adjust-reason]"), "correction"), chromedp.Click(chromedp.CSS("[data-test=adjust-submit]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=points-flash]")))
	require.Equal(t, "1,000", consoletest.Text(t, tab, "[data-test=balance-points]"))
	tab.Screenshot(t, "customer-points-en")

	// The whole history on the customer's points page, filtered by kind, in Chinese.
	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=customer-points]")`)
	tab.Screenshot(t, "customer-points-zh-CN")
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=points-page]")), chromedp.WaitVisible(chromedp.CSS("[data-test=history-filter]")))
	require.Len(t, browsertest.Get(t, tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("[data-test=entry]")].map(e => e.textContent)`)), 5)
	tab.Run(t, chromedp.SetValue(chromedp.CSS("[data-test=history-filter] select"), "adjusted"),
		chromedp.Click(chromedp.CSS("[data-test=history-filter] button")))
	consoletest.Settle(t, tab, `document.querySelectorAll("[data-test=entry]").length === 3`)
	rows = browsertest.Get(t, tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("[data-test=entry] td:nth-child(4)")].map(e => e.textContent.trim())`))
	require.Equal(t, []string{"-500", "+300", "+1,200"}, rows)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=points-history]"), "客户关怀")
	tab.Screenshot(t, "customer-points-history-zh-CN")
	consoletest.NoNetworkErrorsBut422(t, tab)
}

// Who may not adjust sees no form, and a post without points:adjust is refused.
func TestOnlyWhoMayAdjustSeesTheForm(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "analyst@lotus.example", access.RoleAnalyst)
	c, err := b.App.Customers.Create(context.Background(), tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	tab := b.SignIn(t, "analyst@lotus.example")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-points]")))
	require.Zero(t, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=adjust-form]").length`)))
	status := browsertest.Get(t, tab, chromedp.Evaluate[int](fmt.Sprintf(`fetch("/console/customers/%s/points/adjustments", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "points=100&reason_code=goodwill&direction=add&_csrf=" + encodeURIComponent(document.querySelector("input[name=_csrf]").value)}).then(r => r.status)`, c.ID), chromedp.EvalAwaitPromise))
	require.Equal(t, 403, status)
	history, err := module.Get[*points.Service](b.App.Kernel).History(context.Background(), tn.ID, c.ID, points.HistoryQuery{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Empty(t, history, "nothing adjusted")
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}
