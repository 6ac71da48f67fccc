package customersui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

func ptr(s string) *string { return &s }

func TestCustomersListSearchCreateAndEdit(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "staff@lotus.example", access.RoleStoreStaff)
	for _, c := range []customers.Patch{{Name: ptr("王小明"), Phone: ptr("13812345678"), City: ptr("上海")}, {Name: ptr("李华"), City: ptr("杭州")}} {
		_, err := b.App.Customers.Create(context.Background(), tn.ID, c)
		require.NoError(t, err)
	}
	tab := b.SignIn(t, "staff@lotus.example")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-row]")))
	rows := func() int {
		return browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=customer-row]").length`))
	}
	require.Equal(t, 2, rows())
	tab.Run(t, chromedp.SendKeys(chromedp.CSS("[data-test=customer-search] input[name=q]"), "王"))
	consoletest.WaitFor(t, tab, `document.querySelectorAll("[data-test=customer-row]").length === 1`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=customer-row]"), "+8613812345678")

	// The new-customer form has its own page, opened from the list.
	require.False(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`!!document.querySelector("[data-test=new-customer]")`)))
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=new-customer-action]")), chromedp.WaitVisible(chromedp.CSS("[data-test=new-customer]")))
	require.Equal(t, "/console/customers/new", consoletest.Location(t, tab))
	tab.Screenshot(t, "new-customer-en")

	// A bad phone is refused with the field named and the input kept.
	form := "[data-test=new-customer]"
	tab.Run(t,
		chromedp.SendKeys(chromedp.CSS(form+" input[name=name]"), "张伟"),
		chromedp.SendKeys(chromedp.CSS(form+" input[name=phone]"), "12345"),
		chromedp.Click(chromedp.CSS(form+" button")),
		chromedp.WaitVisible(chromedp.CSS(form+" [data-test=error-phone]")),
	)
	require.Equal(t, "12345", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS(form+" input[name=phone]"))))
	require.Equal(t, "张伟", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS(form+" input[name=name]"))))

	// A taken phone is refused too; a good one creates and opens the 360° view.
	tab.Run(t, chromedp.SetValue(chromedp.CSS(form+" input[name=phone]"), "138 1234 5678"), chromedp.Click(chromedp.CSS(form+" button")))
	consoletest.WaitFor(t, tab, `(document.querySelector("[data-test=new-customer] [data-test=error-phone]")?.textContent || "").includes("Another customer")`)
	tab.Run(t, chromedp.SetValue(chromedp.CSS(form+" input[name=phone]"), "13900001111"), chromedp.Click(chromedp.CSS(form+" button")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=customer-name]")`)
	require.Equal(t, "张伟", consoletest.Text(t, tab, "[data-test=customer-name]"))
	require.Equal(t, "+8613900001111", consoletest.Text(t, tab, "[data-test=phone]"))
	require.True(t, strings.HasPrefix(consoletest.Location(t, tab), "/console/customers/"))

	tab.Run(t,
		chromedp.Click(chromedp.CSS("[data-test=edit-section] summary")),
		chromedp.SetValue(chromedp.CSS("[data-test=edit-customer] input[name=city]"), "成都"),
		chromedp.Click(chromedp.CSS("[data-test=edit-customer] button")),
	)
	consoletest.WaitFor(t, tab, `document.querySelector("#profile .flash") !== null`)
	list, err := b.App.Customers.List(context.Background(), tn.ID, ports.CustomerQuery{Search: "张"}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, "成都", list[0].City)
	consoletest.NoNetworkErrorsBut422(t, tab)
}

func TestAnalystsReadCustomersButCannotChangeThem(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "analyst@lotus.example", access.RoleAnalyst)
	c, err := b.App.Customers.Create(context.Background(), tn.ID, customers.Patch{Name: ptr("王小明")})
	require.NoError(t, err)
	tab := b.SignIn(t, "analyst@lotus.example")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-name]")))
	require.False(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`!!document.querySelector("[data-test=edit-customer]")`)))
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-row]")))
	require.False(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`!!document.querySelector("[data-test=new-customer-action]")`)))
}
