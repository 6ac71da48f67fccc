package pointsui_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/ocr/ocrtest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/points/points"
	receiptsapp "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/receipts"
	"github.com/engagehq/engage/ports"
)

// A brand's loyalty manager reviews the receipts customers uploaded: the queue shows each
// photo with what was read from it and why it waits, in yuan and in the brand's zone; a
// receipt of a store OCR could not match is approved with the store chosen and the amount
// corrected, and earns its points; another is rejected with a reason the customer sees.
func TestReceiptsAreReviewedWithTheirPhotos(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()
	svc := module.Get[*receiptsapp.Service](b.App.Kernel)
	require.NoError(t, svc.SetSettings(ctx, tn.ID, receipts.Settings{AutoApprove: true, MaxAgeDays: 7, MinAmountFen: 100,
		Stores: []receipts.Store{{Code: "SH-NJW", Name: "莲花茶饮南京西路店"}, {Code: "SH-XJH", Name: "莲花茶饮徐家汇店"}}}))
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓")})
	require.NoError(t, err)
	shanghai := mustZone(t, "Asia/Shanghai")
	yesterday := time.Now().In(shanghai).AddDate(0, 0, -1)
	upload := func(store, date, no, total string) receipts.Receipt {
		img, err := ocrtest.Render(ocrtest.Receipt(store, date, no, total), ocrtest.PNG)
		require.NoError(t, err)
		r, _, err := svc.Upload(ctx, tn.ID, c.ID, img)
		require.NoError(t, err)
		return r
	}
	// A new branch the rules do not list yet, and a receipt from three weeks ago.
	fresh := upload("莲花茶饮（静安寺店）", yesterday.Format("2006-01-02")+" 15:20", "LH20261202009", "1,268.00")
	stale := upload("莲花茶饮（徐家汇店）", yesterday.AddDate(0, 0, -20).Format("2006-01-02")+" 11:05", "LH20261112031", "45.00")
	jobs := ports.WithActor(ctx, ports.JobActor("receipt_read"))
	require.Equal(t, 2, jobstest.Work(t, b.App.DB.Pool(), "receipt_read", func(raw []byte) error {
		var args receiptsapp.ReadArgs
		require.NoError(t, json.Unmarshal(raw, &args))
		return svc.Read(jobs, args)
	}))

	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/receipts"), chromedp.WaitVisible(chromedp.CSS("[data-test=receipts]")))
	rows := consoletest.Text(t, tab, "[data-test=receipts] tbody")
	require.Contains(t, rows, "¥1,268.00")
	require.Contains(t, rows, yesterday.Format("2006-01-02")+" 15:20", "the receipt's time in the brand's zone")
	require.Contains(t, rows, "Not one of the brand's stores")
	require.Contains(t, rows, "Older than the rules allow")
	consoletest.WaitFor(t, tab, `[...document.querySelectorAll(".receipt-thumb")].length === 2 && [...document.querySelectorAll(".receipt-thumb")].every(i => i.complete && i.naturalWidth === 760)`)
	tab.Screenshot(t, "points-receipts-en")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=receipts]")`)
	rows = consoletest.Text(t, tab, "[data-test=receipts] tbody")
	require.Contains(t, rows, "不是本品牌的门店")
	require.Contains(t, rows, "超过有效天数")
	consoletest.WaitFor(t, tab, `[...document.querySelectorAll(".receipt-thumb")].every(i => i.complete && i.naturalWidth === 760)`)
	tab.Screenshot(t, "points-receipts-zh-CN")

	// The new branch's receipt: the store is chosen, the amount corrected, and it is approved.
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/receipts/"+fresh.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=approve-form]")))
	require.Equal(t, "¥1,268.00", consoletest.Text(t, tab, "[data-test=field-amount]"))
	require.Equal(t, "LH20261202009", consoletest.Text(t, tab, "[data-test=field-number]"))
	require.Equal(t, yesterday.Format("2006-01-02")+" 15:20", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS("[data-test=approve-date]"))))
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=receipt-photo]").naturalWidth === 760`)
	tab.Screenshot(t, "points-receipt-zh-CN")
	tab.Run(t, setValue("[data-test=approve-amount]", "1,26x"), chromedp.Click(chromedp.CSS("[data-test=approve]")),
		chromedp.WaitVisible(chromedp.CSS("[data-test=error-amount]")))
	require.Equal(t, "请输入大于 0 的金额（元）。", consoletest.Text(t, tab, "[data-test=error-amount]"))
	tab.Run(t, setValue("[data-test=approve-amount]", "1,168.5"), chromedp.SetValue(chromedp.CSS("[data-test=approve-store]"), "SH-NJW"),
		chromedp.Click(chromedp.CSS("[data-test=approve]")), chromedp.WaitVisible(chromedp.CSS("[data-test=receipt-points]")))
	require.Equal(t, "已通过", consoletest.Text(t, tab, "[data-test=receipt-status]"))
	require.Equal(t, "管理员", consoletest.Text(t, tab, "[data-test=decided-by]"))
	got, err := svc.Get(ctx, tn.ID, fresh.ID)
	require.NoError(t, err)
	require.Equal(t, int64(116850), got.Fields.AmountFen)
	require.Equal(t, "SH-NJW", got.StoreCode)
	require.Equal(t, 1, jobstest.Work(t, b.App.DB.Pool(), "receipt_credit", func(raw []byte) error {
		var args receiptsapp.CreditArgs
		require.NoError(t, json.Unmarshal(raw, &args))
		return svc.Credit(jobs, args)
	}))
	wallets, err := module.Get[*points.Service](b.App.Kernel).Wallets(ctx, tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, ledger.Points, wallets[0].Wallet)
	require.Equal(t, int64(1168), wallets[0].Balance)
	tab.Run(t, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("[data-test=receipt-points]")))
	require.Equal(t, "1,168", consoletest.Text(t, tab, "[data-test=receipt-points]"))
	tab.Screenshot(t, "points-receipt-approved-zh-CN")

	// The old one is rejected; the customer sees the reason.
	tab.Run(t, chromedp.Navigate(b.URL+"/console/points/receipts/"+stale.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=reject-form]")),
		chromedp.SetValue(chromedp.CSS("[data-test=reject-reason]"), "stale"), setValue("[data-test=reject-note]", "小票需在7天内上传"),
		chromedp.Click(chromedp.CSS("[data-test=reject]")), chromedp.WaitVisible(chromedp.CSS("[data-test=receipt-reason]")))
	require.Equal(t, "小票已过期", consoletest.Text(t, tab, "[data-test=receipt-reason]"))
	got, err = svc.Get(ctx, tn.ID, stale.ID)
	require.NoError(t, err)
	require.Equal(t, receipts.Rejected, got.Status)
	require.Equal(t, receipts.ReasonStale, got.Reason)

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="en"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "en" && !!document.querySelector("[data-test=receipt-reason]")`)
	require.Equal(t, "Receipt too old", consoletest.Text(t, tab, "[data-test=receipt-reason]"))
	require.Equal(t, "莲花茶饮徐家汇店", consoletest.Text(t, tab, "[data-test=field-store-code]"), "the store's name, not its code")
	tab.Screenshot(t, "points-receipt-rejected-en")
	consoletest.NoNetworkErrorsBut422(t, tab)
}
