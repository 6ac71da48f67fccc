package customersui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/event"
)

// rowOrder is the customers' names in the list, top to bottom.
func rowOrder(t *testing.T, tab *browsertest.Tab) []string {
	t.Helper()
	return browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("[data-test=customer-row] td:first-child a")].map(a => a.textContent.trim())`))
}

// The customer list counts everyone the filters keep, orders by spend, purchases or last
// purchase either way (a header's link, or the sort pickers), shows those columns in yuan and
// the brand's zone with the tags, finds a customer by external ID, and shows phones in full only
// to roles that may see personal data: an owner sees +8613812345678, an analyst 138****5678.
func TestCustomerListSortsSearchesByExternalIDAndMasksPhonesByRole(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	b.Member(t, tn, "analyst@lotus.example", access.RoleAnalyst)
	ctx := context.Background()
	beijing, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	ids := map[string]uuid.UUID{}
	for _, p := range []customers.Patch{
		{Name: ptr("王小明"), Phone: ptr("13812345678"), ExternalID: ptr("POS-1001")},
		{Name: ptr("李华"), Phone: ptr("13900002222"), ExternalID: ptr("POS-2002")},
		{Name: ptr("张伟"), ExternalID: ptr("POS-3003")},
	} {
		c, err := b.App.Customers.Create(ctx, tn.ID, p)
		require.NoError(t, err)
		ids[*p.Name] = c.ID
	}
	// 王小明 buys twice for ¥300 in all, last on 5 March at 18:05 Beijing time; 李华 once for
	// ¥1,000 on 1 March; 张伟 never.
	buy := func(id, who string, at time.Time, fen int64) event.Draft {
		return event.Draft{ID: id, CustomerID: ids[who].String(), Type: event.TypePurchase, Channel: "pos", OccurredAt: at, AmountFen: &fen,
			Items: []event.Item{{SKU: "tea", Quantity: 1, PriceFen: &fen}}}
	}
	results, err := b.App.Events.IngestBatch(ctx, tn.ID, []event.Draft{
		buy("p1", "王小明", time.Date(2026, 3, 2, 10, 0, 0, 0, beijing), 10000),
		buy("p2", "王小明", time.Date(2026, 3, 5, 18, 5, 0, 0, beijing), 20000),
		buy("p3", "李华", time.Date(2026, 3, 1, 9, 0, 0, 0, beijing), 100000),
	})
	require.NoError(t, err)
	for _, r := range results {
		require.Equal(t, events.Accepted, r.Status, "%v", r.Errors)
	}
	require.Positive(t, jobstest.WorkSubscribers(t, b.App.DB.Pool(), b.App.Bus))
	_, err = b.App.Tags.Add(ctx, tn.ID, ids["李华"], []string{"VIP", "茶友"})
	require.NoError(t, err)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-row]")))
	require.Equal(t, "Customers in total 3", consoletest.Text(t, tab, "[data-test=customer-total]"))
	require.Equal(t, []string{"张伟", "李华", "王小明"}, rowOrder(t, tab), "newest first by default")
	row := func(name string) string {
		return consoletest.Text(t, tab, fmt.Sprintf("[data-test=customer-row][data-id='%s']", ids[name]))
	}
	wang := row("王小明")
	for _, want := range []string{"+8613812345678", "POS-1001", "¥300.00", "2026-03-05 18:05"} {
		require.Contains(t, wang, want)
	}
	require.Contains(t, row("李华"), "¥1,000.00")
	require.Equal(t, "VIP 茶友", consoletest.Text(t, tab, fmt.Sprintf("[data-id='%s'] [data-test=row-tags]", ids["李华"])))

	// A header orders by its column, highest first; clicked again, lowest first.
	sortBy := func(key string, want []string) {
		t.Helper()
		tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=sort-"+key+"]")))
		consoletest.Settle(t, tab, fmt.Sprintf(`[...document.querySelectorAll("[data-test=customer-row] td:first-child a")].map(a => a.textContent.trim()).join() === %q`, strings.Join(want, ",")))
	}
	sortBy("spend", []string{"李华", "王小明", "张伟"})
	require.Contains(t, consoletest.Location(t, tab), "sort=spend")
	require.Equal(t, "descending", browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("[data-test=sort-spend]").closest("th").getAttribute("aria-sort")`)))
	tab.Screenshot(t, "customers-by-spend-en")
	sortBy("spend", []string{"张伟", "王小明", "李华"})
	require.Equal(t, []string{"spend", "asc"}, browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`[document.querySelector("[data-test=sort]").value, document.querySelector("[data-test=dir]").value]`)), "the pickers show the header's order")
	sortBy("purchases", []string{"王小明", "李华", "张伟"})
	sortBy("last_purchase", []string{"王小明", "李华", "张伟"})
	sortBy("last_purchase", []string{"张伟", "李华", "王小明"})
	// The pickers order the list too, and a reload keeps the order.
	tab.Run(t, chromedp.SetValue(chromedp.CSS("[data-test=sort]"), "spend"), chromedp.SetValue(chromedp.CSS("[data-test=dir]"), "desc"),
		chromedp.Click(chromedp.CSS("[data-test=customer-search] button[type=submit]")))
	consoletest.Settle(t, tab, `document.querySelector("[data-test=customer-row] td:first-child a").textContent.trim() === "李华"`)
	tab.Run(t, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-row]")))
	require.Equal(t, []string{"李华", "王小明", "张伟"}, rowOrder(t, tab))

	// Search by external ID: the count is of the customers found.
	tab.Run(t, chromedp.SendKeys(chromedp.CSS("[data-test=customer-search] input[name=q]"), "POS-2002"))
	consoletest.Settle(t, tab, `document.querySelectorAll("[data-test=customer-row]").length === 1`)
	require.Equal(t, []string{"李华"}, rowOrder(t, tab))
	require.Equal(t, "Customers in total 1", consoletest.Text(t, tab, "[data-test=customer-total]"))

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=customer-row]")`)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers?sort=spend"), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-row]")))
	require.Equal(t, []string{"李华", "王小明", "张伟"}, rowOrder(t, tab))
	require.Equal(t, "共计会员 3", consoletest.Text(t, tab, "[data-test=customer-total]"))
	tab.Screenshot(t, "customers-by-spend-zh-CN")
	consoletest.NoJSErrors(t, tab)

	// An analyst reads the same list with the phones masked, here and in the 360° view; the
	// full number is nowhere in the page.
	analyst := b.SignIn(t, "analyst@lotus.example")
	analyst.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-row]")))
	require.Equal(t, "138****5678", consoletest.Text(t, analyst, fmt.Sprintf("[data-id='%s'] [data-test=row-phone]", ids["王小明"])))
	require.NotContains(t, consoletest.HTML(t, analyst), "12345678")
	analyst.Screenshot(t, "customers-analyst-en")
	analyst.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+ids["王小明"].String()), chromedp.WaitVisible(chromedp.CSS("[data-test=phone]")))
	require.Equal(t, "138****5678", consoletest.Text(t, analyst, "[data-test=phone]"))
	require.NotContains(t, consoletest.HTML(t, analyst), "12345678")
	// Searching by the full number still finds the customer, masked.
	analyst.Run(t, chromedp.Navigate(b.URL+"/console/customers?q=13812345678"), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-row]")))
	require.Equal(t, []string{"王小明"}, rowOrder(t, analyst))
	require.Equal(t, "138****5678", consoletest.Text(t, analyst, "[data-test=row-phone]"))

	// The owner's 360° view shows the number in full.
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+ids["王小明"].String()), chromedp.WaitVisible(chromedp.CSS("[data-test=phone]")))
	require.Equal(t, "+8613812345678", consoletest.Text(t, tab, "[data-test=phone]"))
}

// The list's next page keeps its order and filters: 53 customers by spend, many tying, come
// 50 and 3, each once, in order.
func TestTheNextPageOfASortedListKeepsItsOrder(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()
	spend := map[string]int64{}
	var created []uuid.UUID
	for i := range 53 {
		c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr(fmt.Sprintf("会员%02d", i))})
		require.NoError(t, err)
		created = append(created, c.ID)
	}
	require.NoError(t, b.App.DB.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		q, tenant, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		for i, id := range created {
			spend[id.String()] = int64(i%5) * 1000
			if _, err := q.Exec(ctx, `INSERT INTO customer_activity (tenant_id, customer_id, purchase_count, spend_fen) VALUES ($1, $2, 1, $3)`,
				tenant.UUID(), id, spend[id.String()]); err != nil {
				return err
			}
		}
		return nil
	}))
	ids := func() []string {
		return browsertest.Get(t, tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("[data-test=customer-row]")].map(r => r.dataset.id)`))
	}
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers?sort=spend&dir=asc"), chromedp.WaitVisible(chromedp.CSS("[data-test=next-page]")))
	first := ids()
	require.Len(t, first, 50)
	require.Equal(t, "Customers in total 53", consoletest.Text(t, tab, "[data-test=customer-total]"))
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=next-page]")))
	consoletest.Settle(t, tab, `document.querySelectorAll("[data-test=customer-row]").length === 3`)
	require.Contains(t, consoletest.Location(t, tab), "sort=spend")
	all := append(first, ids()...)
	seen := map[string]bool{}
	for i, id := range all {
		require.False(t, seen[id], "customer %s twice", id)
		seen[id] = true
		if i > 0 {
			require.LessOrEqual(t, spend[all[i-1]], spend[id], "ascending by spend")
		}
	}
	require.Len(t, seen, 53)
	require.False(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`!!document.querySelector("[data-test=next-page]")`)))
}
