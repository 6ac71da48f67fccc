package customersui_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/customers/event"
)

func TestTheCustomerPageShowsTheCrossChannelTimeline(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("王小明")})
	require.NoError(t, err)
	_, err = b.App.Events.SaveEventType(ctx, tn.ID, event.CustomType{Key: "tasting", Label: "品鉴会",
		Fields: []event.CustomField{{Key: "tea", Type: "string"}}})
	require.NoError(t, err)

	// 22 page views on the website, then a purchase at the till, a visit from the Mini
	// Program and a tasting announced by email, each newer than the last.
	base := time.Now().Add(-48 * time.Hour)
	var drafts []event.Draft
	for i := range 22 {
		drafts = append(drafts, event.Draft{ID: fmt.Sprintf("web-%02d", i), CustomerID: c.ID.String(), Type: event.TypePageView,
			Channel: "website", OccurredAt: base.Add(time.Duration(i) * time.Minute), Payload: map[string]any{"url": "/menu"}})
	}
	fen, price := int64(3800), int64(1900)
	drafts = append(drafts,
		event.Draft{ID: "pos-1", CustomerID: c.ID.String(), Type: event.TypePurchase, Channel: "pos", OccurredAt: base.Add(time.Hour),
			AmountFen: &fen, Store: "杭州西湖店", Items: []event.Item{{SKU: "tea-oolong", Category: "tea", Quantity: 2, PriceFen: &price}}},
		event.Draft{ID: "mp-1", CustomerID: c.ID.String(), Type: event.TypeVisit, Channel: "mini_program", OccurredAt: base.Add(2 * time.Hour)},
		event.Draft{ID: "mail-1", CustomerID: c.ID.String(), Type: "custom:tasting", Channel: "email", OccurredAt: base.Add(3 * time.Hour),
			Payload: map[string]any{"tea": "pu_erh"}},
	)
	results, err := b.App.Events.IngestBatch(ctx, tn.ID, drafts)
	require.NoError(t, err)
	var ids []string
	for _, r := range results {
		require.Equal(t, events.Accepted, r.Status, "%v", r.Errors)
		ids = append(ids, r.ID)
	}
	require.Len(t, ids, len(drafts))
	require.Positive(t, jobstest.WorkSubscribers(t, b.App.DB.Pool(), b.App.Bus))

	items := `document.querySelectorAll("[data-test=timeline-item]")`
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=timeline-item]")))
	consoletest.Quiet(t, tab)
	require.Equal(t, 20, browsertest.Get(t, tab, chromedp.Evaluate[int](items+`.length`)), "a page at a time")
	order := browsertest.Get(t, tab, chromedp.Evaluate[[]string](`Array.from(`+items+`).slice(0, 4).map(e => e.dataset.id)`))
	require.Equal(t, []string{"mail-1", "mp-1", "pos-1", "web-21"}, order, "newest first")
	require.Contains(t, consoletest.Text(t, tab, "[data-id=mail-1]"), "品鉴会")
	require.Contains(t, consoletest.Text(t, tab, "[data-id=mp-1] [data-test=channel]"), "Mini Program")
	purchase := consoletest.Text(t, tab, "[data-id=pos-1]")
	for _, want := range []string{"¥38.00", "杭州西湖店", "tea-oolong × 2", "Store POS"} {
		require.Contains(t, purchase, want)
	}
	require.Equal(t, "1", consoletest.Text(t, tab, "[data-test=purchases]"))
	require.Equal(t, "¥38.00", consoletest.Text(t, tab, "[data-test=spend]"))
	require.Equal(t, "1", consoletest.Text(t, tab, "[data-test=visits]"))
	consoletest.WaitFor(t, tab, `document.querySelector("[data-test=spend-chart]").dataset.drawn === "true"`)

	// Load more adds the rest.
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=load-more]")))
	consoletest.WaitFor(t, tab, items+`.length === 25`)
	require.False(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`!!document.querySelector("[data-test=load-more]")`)))

	// Filters by type and by channel.
	filter := func(name, value string) {
		t.Helper()
		browsertest.Get(t, tab, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const s = document.querySelector("[data-test=timeline-filter] select[name=%s]");
			s.value = %q; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`, name, value)))
	}
	filter("type", "purchase")
	consoletest.WaitFor(t, tab, items+`.length === 1 && `+items+`[0].dataset.id === "pos-1"`)
	filter("type", "")
	filter("channel", "email")
	consoletest.WaitFor(t, tab, items+`.length === 1 && `+items+`[0].dataset.id === "mail-1"`)
	filter("channel", "wechat")
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=no-events]")`)
	consoletest.NoJSErrors(t, tab)
}

// Built-in events' payloads show their fields by name and their values by convention (money in
// 元, channels and sources by name), in both languages; a custom type's fields keep their
// labels; each event's icon is drawn (SVG), not an emoji a machine may lack the font for.
func TestTimelineNamesPayloadFieldsAndDrawsItsIcons(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("王小明")})
	require.NoError(t, err)
	_, err = b.App.Events.SaveEventType(ctx, tn.ID, event.CustomType{Key: "tasting", Label: "品鉴会",
		Fields: []event.CustomField{{Key: "tea", Label: "茶品", Type: "string"}}})
	require.NoError(t, err)
	base := time.Now().Add(-time.Hour)
	fen := int64(12800)
	drafts := []event.Draft{
		{ID: "buy", CustomerID: c.ID.String(), Type: event.TypePurchase, Channel: "tmall", OccurredAt: base, AmountFen: &fen,
			Items: []event.Item{{SKU: "tea-oolong", Quantity: 1}}, Payload: map[string]any{"order_id": "A-1001", "discount_fen": 500}},
		{ID: "visit", CustomerID: c.ID.String(), Type: event.TypeVisit, Channel: "pos", OccurredAt: base.Add(time.Minute), Store: "杭州西湖店",
			Payload: map[string]any{"source": "member_code"}},
		{ID: "share", CustomerID: c.ID.String(), Type: event.TypeShare, Channel: "mini_program", OccurredAt: base.Add(2 * time.Minute),
			Payload: map[string]any{"channel": "wechat", "url": "/menu"}},
		{ID: "survey", CustomerID: c.ID.String(), Type: event.TypeSurvey, Channel: "mini_program", OccurredAt: base.Add(3 * time.Minute),
			Payload: map[string]any{"score": 5}},
		{ID: "tasting", CustomerID: c.ID.String(), Type: "custom:tasting", Channel: "pos", OccurredAt: base.Add(4 * time.Minute),
			Payload: map[string]any{"tea": "pu_erh"}},
	}
	results, err := b.App.Events.IngestBatch(ctx, tn.ID, drafts)
	require.NoError(t, err)
	for _, r := range results {
		require.Equal(t, events.Accepted, r.Status, "%v", r.Errors)
	}
	want := map[string]map[string][]string{
		"zh-CN": {"buy": {"订单号：A-1001", "优惠金额：¥5.00", "¥128.00", "天猫"}, "visit": {"来源：会员码", "杭州西湖店"},
			"share": {"渠道：微信", "页面地址：/menu"}, "survey": {"评分：5"}, "tasting": {"品鉴会", "茶品：pu_erh"}},
		"en": {"buy": {"Order number: A-1001", "Discount: ¥5.00", "¥128.00", "Tmall"}, "visit": {"Source: Member code"},
			"share": {"Channel: WeChat", "Page address: /menu"}, "survey": {"Score: 5"}, "tasting": {"茶品: pu_erh"}},
	}
	for _, lang := range []string{"zh-CN", "en"} {
		tab.Run(t, browsertest.SetCookie("engage_lang", lang, b.URL), chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()),
			chromedp.WaitVisible(chromedp.CSS("[data-test=timeline-item]")))
		consoletest.Quiet(t, tab)
		for id, texts := range want[lang] {
			got := consoletest.Text(t, tab, "[data-id="+id+"]")
			for _, w := range texts {
				require.Contains(t, got, w, "%s %s", lang, id)
			}
			for _, code := range []string{"order_id", "discount_fen", "member_code", "source", "score", "wechat", "tmall"} {
				require.NotContains(t, got, code, "%s %s", lang, id)
			}
		}
		icons := browsertest.Get(t, tab, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("[data-test=timeline-item]"), e => {
			const svg = e.querySelector(".timeline-icon svg"), box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
			return e.dataset.id + " " + (svg ? svg.dataset.icon : "none") + " " + box.width + "x" + box.height + " " + JSON.stringify(e.querySelector(".timeline-icon").textContent.trim());
		})`))
		require.ElementsMatch(t, []string{`buy purchase 16x16 ""`, `visit visit 16x16 ""`, `share share 16x16 ""`, `survey survey 16x16 ""`,
			`tasting custom 16x16 ""`}, icons, "every icon drawn, none a character")
		require.False(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`/\p{Extended_Pictographic}/u.test(document.querySelector("#customer-activity").innerText)`)),
			"no emoji in the timeline")
		tab.Run(t, chromedp.ScrollIntoView(chromedp.CSS("[data-test=timeline-item]")))
		tab.Screenshot(t, "timeline-payload-"+lang)
	}
	consoletest.NoJSErrors(t, tab)
}
