package customersui_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/event"
)

func TestEventTypesAreDefinedEditedAndDeletedInTheConsole(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	page := b.URL + "/console/settings/event-types"
	form := "[data-test=event-type-form]"
	tab.Run(t, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("[data-test=no-event-types]")))

	// An enum without values is refused next to its row, with what was typed kept.
	tab.Run(t,
		chromedp.SendKeys(chromedp.CSS(form+" input[name=key]"), "tasting"),
		chromedp.SendKeys(chromedp.CSS(form+" input[name=label]"), "品鉴会"),
		chromedp.SendKeys(chromedp.CSS(form+" input[name=f0_key]"), "tea"),
		chromedp.SetValue(chromedp.CSS(form+" select[name=f0_type]"), "enum"),
		chromedp.Click(chromedp.CSS(form+" input[name=f0_required]")),
		chromedp.SendKeys(chromedp.CSS(form+" input[name=f1_key]"), "cups"),
		chromedp.SetValue(chromedp.CSS(form+" select[name=f1_type]"), "integer"),
		chromedp.Click(chromedp.CSS("[data-test=save-event-type]")),
	)
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=error-f0-enum_values]")`)
	require.Equal(t, "tasting", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS(form+" input[name=key]"))))
	types, err := b.App.Events.EventTypes(context.Background(), tn.ID)
	require.NoError(t, err)
	require.Empty(t, types, "nothing is saved")

	tab.Run(t,
		chromedp.SendKeys(chromedp.CSS(form+" input[name=f0_enum_values]"), "oolong, pu_erh"),
		chromedp.Click(chromedp.CSS("[data-test=save-event-type]")),
	)
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=event-type-tasting]")`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=event-type-tasting]"), "custom:tasting")
	got, err := b.App.Events.EventType(context.Background(), tn.ID, "tasting")
	require.NoError(t, err)
	require.Equal(t, event.CustomType{Key: "tasting", Label: "品鉴会", Fields: []event.CustomField{
		{Key: "tea", Type: "enum", Required: true, EnumValues: []string{"oolong", "pu_erh"}},
		{Key: "cups", Type: "integer"},
	}}, got)

	// Editing keeps the key and adds a field in a blank row.
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=edit-tasting]")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=event-type-form] input[name=editing]")`)
	require.Equal(t, "tea", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS(form+" input[name=f0_key]"))))
	tab.Run(t,
		chromedp.SendKeys(chromedp.CSS(form+" input[name=f2_key]"), "note"),
		chromedp.SendKeys(chromedp.CSS(form+" input[name=f2_max_length]"), "50"),
		chromedp.Click(chromedp.CSS("[data-test=save-event-type]")),
	)
	consoletest.Settle(t, tab, `location.search === "" && (document.querySelector("[data-test=event-type-tasting]")?.innerText || "").includes("note")`)
	got, err = b.App.Events.EventType(context.Background(), tn.ID, "tasting")
	require.NoError(t, err)
	require.Equal(t, event.CustomField{Key: "note", Type: "string", MaxLength: 50}, got.Fields[2])

	consoletest.AcceptConfirms(t, tab)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=delete-tasting]")))
	consoletest.Settle(t, tab, `!!document.querySelector("[data-test=no-event-types]")`)
	consoletest.NoNetworkErrorsBut422(t, tab)
}

func TestStaffCannotOpenTheEventTypes(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "staff@lotus.example", access.RoleStoreStaff)
	cookie := b.SessionCookie(t, "staff@lotus.example")
	resp := b.Get(t, "/console/settings/event-types", cookie)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
}
