package customersui_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

func TestADuplicateIsFoundComparedAndMergedFromThe360View(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()
	a, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("王小明"), Email: ptr("ming@example.com")})
	require.NoError(t, err)
	d, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("Wang Xiaoming"), Phone: ptr("13812345678"), City: ptr("上海"),
		Email: ptr("Ming@example.com")})
	require.NoError(t, err)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+a.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=merge-action]")))
	consoletest.Quiet(t, tab)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=merge-action]")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=merge-search]")`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=merge-candidate]"), "Wang Xiaoming", "the same email is suggested")
	tab.Run(t,
		chromedp.SendKeys(chromedp.CSS("[data-test=merge-search] input[name=q]"), "Wang"),
		chromedp.Submit(chromedp.CSS("[data-test=merge-search]")),
	)
	consoletest.Settle(t, tab, `document.querySelectorAll("[data-test=merge-candidate]").length === 1`)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=merge-pick]")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=merge-compare]")`)
	compare := consoletest.Text(t, tab, "[data-test=merge-compare]")
	require.Contains(t, compare, "王小明")
	require.Contains(t, compare, "Wang Xiaoming")
	require.Equal(t, 2, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=filled-row]").length`)),
		"the phone and the city come from the duplicate")

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=merge-submit]")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=merge-result]")`)
	require.Equal(t, "city, phone", consoletest.Text(t, tab, "[data-test=merge-filled]"))
	survivor, err := b.App.Customers.Get(ctx, tn.ID, a.ID)
	require.NoError(t, err)
	require.Equal(t, "+8613812345678", survivor.Phone)
	require.Equal(t, "王小明", survivor.Name)
	_, err = b.App.Customers.Get(ctx, tn.ID, d.ID)
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
	consoletest.NoJSErrors(t, tab)
}

func TestTheImportWizardReportsABadRowThenImportsTheFixedFile(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	dir := t.TempDir()
	bad, fixed := filepath.Join(dir, "members.csv"), filepath.Join(dir, "members-fixed.csv")
	require.NoError(t, os.WriteFile(bad, []byte("external_id,name,phone,city\n"+
		"m-1,王小明,13812345678,上海\nm-2,李华,12345,杭州\nm-3,张伟,,成都\n"), 0o600))
	require.NoError(t, os.WriteFile(fixed, []byte("external_id,name,phone,city\n"+
		"m-1,王小明,13812345678,上海\nm-2,李华,13900001111,杭州\nm-3,张伟,,成都\n"), 0o600))

	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS("[data-test=import-action]")))
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=import-action]")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=import-form]")`)
	tab.Run(t,
		chromedp.SetUploadFiles(chromedp.CSS("[data-test=import-file]"), []string{bad}),
		chromedp.Click(chromedp.CSS("[data-test=import-check]")),
	)
	consoletest.WaitFor(t, tab, `document.querySelectorAll("[data-test=import-problem]").length === 1`)
	problem := consoletest.Text(t, tab, "[data-test=import-problem]")
	require.Contains(t, problem, "3")
	require.Contains(t, problem, "phone")
	require.Equal(t, "2", consoletest.Text(t, tab, "[data-test=import-created]"))
	none, err := b.App.Customers.List(context.Background(), tn.ID, ports.CustomerQuery{Search: ""}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Empty(t, none, "a check writes nothing")

	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=import-commit]")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=import-error]")`)
	none, err = b.App.Customers.List(context.Background(), tn.ID, ports.CustomerQuery{Search: ""}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Empty(t, none, "a file with a bad row is not imported")

	tab.Run(t,
		chromedp.SetUploadFiles(chromedp.CSS("[data-test=import-file]"), []string{fixed}),
		chromedp.Click(chromedp.CSS("[data-test=import-check]")),
	)
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=import-dry-run]") && !document.querySelector("[data-test=import-problem]")`)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=import-commit]")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=import-done]")`)
	require.Equal(t, "3", consoletest.Text(t, tab, "[data-test=import-created]"))

	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-row]")))
	require.Equal(t, 3, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=customer-row]").length`)))
	consoletest.NoNetworkErrorsBut422(t, tab)
}

func TestAnOwnerErasesACustomersPersonalData(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()
	b.Member(t, tn, "marketer@lotus.example", access.RoleMarketer)
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("李秀英"), Phone: ptr("13912345678"), City: ptr("杭州")})
	require.NoError(t, err)

	marketer := b.SignIn(t, "marketer@lotus.example")
	marketer.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-name]")))
	require.NotContains(t, consoletest.HTML(t, marketer), `id="privacy"`, "erasure takes customers:erase")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=privacy-erase]")))
	consoletest.Quiet(t, tab)
	consoletest.AcceptConfirms(t, tab)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=privacy-erase]")))
	consoletest.WaitFor(t, tab, `!!document.querySelector("[data-test=privacy-pending]")`)

	runCtx, stop := context.WithCancel(ctx)
	require.NoError(t, b.App.River.Start(runCtx))
	t.Cleanup(func() {
		stop()
		<-b.App.River.Stopped()
	})
	require.Eventually(t, func() bool {
		got, err := b.App.Customers.Get(ctx, tn.ID, c.ID)
		return err == nil && got.Name == "" && got.Phone == ""
	}, 30*time.Second, 50*time.Millisecond, "the job erases the customer")
	got, err := b.App.Customers.Get(ctx, tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, "杭州", got.City)

	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=privacy-erased]")))
	require.NotContains(t, consoletest.HTML(t, tab), "李秀英")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/erasures"), chromedp.WaitVisible(chromedp.CSS("[data-test=erasure-row]")))
	require.Equal(t, "Erased", consoletest.Text(t, tab, "[data-test=erasure-status]"))
	consoletest.NoJSErrors(t, tab)
}
