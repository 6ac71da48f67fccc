package customersui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// segmentShop gives lotus-tea three customers: 王 and 李 in Shanghai, 王 with two purchases
// this week, and 张 in Beijing.
func segmentShop(t *testing.T, b *consoletest.Bundle, tn tenants.Tenant) {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	for _, c := range []struct{ name, city string }{{"王小明", "上海"}, {"李华", "上海"}, {"张伟", "北京"}} {
		created, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr(c.name), City: ptr(c.city)})
		require.NoError(t, err)
		ids[c.name] = created.ID.String()
	}
	amount := int64(3000)
	var drafts []event.Draft
	for i := range 2 {
		drafts = append(drafts, event.Draft{ID: fmt.Sprintf("p%d", i), CustomerID: ids["王小明"], Type: event.TypePurchase, Channel: "pos",
			OccurredAt: time.Now().AddDate(0, 0, -i-1), AmountFen: &amount, Items: []event.Item{{SKU: "tea", Quantity: 1}}})
	}
	res, err := b.App.Events.IngestBatch(ctx, tn.ID, drafts)
	require.NoError(t, err)
	for _, r := range res {
		require.Equal(t, "accepted", string(r.Status))
	}
}

// setNode sets an input of the builder's node at path (part: field, op, value, days, param,
// match, neg; several values pick several options of a list) and fires the events a person's
// choosing would. When the change redraws the builder (a field, an operator), it waits for
// the new one.
func setNode(t *testing.T, tab *browsertest.Tab, path, part string, values ...string) {
	t.Helper()
	js := fmt.Sprintf(`(() => {
		const el = document.querySelector('[name="' + %q + '"]');
		if (!el) return false;
		document.querySelector("#segment-builder").dataset.stale = "1";
		if (el.multiple) { for (const o of el.options) o.selected = %s.includes(o.value); } else { el.value = %q; }
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
		return el.value !== "" || %q === "";
	})()`, path+"."+part, mustJSON(t, values), values[0], values[0])
	require.True(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](js)), "%s.%s = %v", path, part, values)
	if part == "field" || part == "op" {
		consoletest.WaitFor(t, tab, `!document.querySelector("#segment-builder").dataset.stale`)
	}
}

// click presses a builder's button (add:<path>, group:<path>, remove:<path>) and waits for the
// builder it redraws.
func click(t *testing.T, tab *browsertest.Tab, action string) {
	t.Helper()
	require.True(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		document.querySelector("#segment-builder").dataset.stale = "1";
		document.querySelector('button[value="' + %q + '"]').click();
		return true;
	})()`, action))))
	consoletest.WaitFor(t, tab, `!document.querySelector("#segment-builder").dataset.stale`)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return string(raw)
}

func countIs(t *testing.T, tab *browsertest.Tab, want string) {
	t.Helper()
	consoletest.WaitFor(t, tab, fmt.Sprintf(`(document.querySelector("[data-test=segment-count]")?.textContent || "").trim() === %q`, want))
}

// A marketer builds a nested segment with pickers (cities chosen, a tag picked), with spend
// typed in yuan: 累计消费 ≥ 100 means ¥100. Saving shows a confirmation, and the saved member
// count is the live count the builder showed.
func TestSegmentBuilderBuildsANestedSegmentInYuanAndSavesItsCount(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	segmentShop(t, b, tn)
	ctx := context.Background()
	li, err := b.App.Customers.List(ctx, tn.ID, ports.CustomerQuery{Search: "李华"}, ports.Page{Limit: 1})
	require.NoError(t, err)
	_, err = b.App.Tags.Add(ctx, tn.ID, li[0].ID, []string{"会员日"})
	require.NoError(t, err)
	// Spend is an aggregate the activity subscriber keeps.
	require.Positive(t, jobstest.WorkSubscribers(t, b.App.DB.Pool(), b.App.Bus))
	n, err := b.App.Segments.Count(ctx, tn.ID, map[string]any{"field": "spend_fen", "op": ">=", "value": 6000.0})
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "王小明 spent ¥60")

	tab.Run(t, browsertest.SetCookie("engage_lang", "zh-CN", b.URL), chromedp.Navigate(b.URL+"/console/segments"),
		chromedp.WaitVisible(chromedp.CSS("[data-test=no-segments]")))
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=new-segment]")), chromedp.WaitVisible(chromedp.CSS("[data-test=segment-builder]")))
	countIs(t, tab, "2") // city is the brand's first city, 上海

	// The cities are the brand's own, picked; several for "in".
	require.Equal(t, []string{"上海", "北京"}, browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`[...document.querySelector('[name="r.0.value"]').options].map(o => o.textContent)`)))
	setNode(t, tab, "r.0", "op", "in")
	setNode(t, tab, "r.0", "value", "上海", "北京")
	countIs(t, tab, "3")
	setNode(t, tab, "r.0", "value", "上海")
	countIs(t, tab, "2")

	// Any of: spend at least ¥50, or the tag 会员日.
	click(t, tab, "group:r")
	setNode(t, tab, "r.1", "match", "or")
	setNode(t, tab, "r.1.0", "field", "spend_fen")
	require.Equal(t, []string{"=", "!=", "<", "<=", ">", ">="}, browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`[...document.querySelector('[name="r.1.0.op"]').options].map(o => o.value)`)), "a number's operators only")
	setNode(t, tab, "r.1.0", "op", ">=")
	setNode(t, tab, "r.1.0", "value", "50")
	countIs(t, tab, "1") // 王小明 spent ¥60
	click(t, tab, "add:r.1")
	setNode(t, tab, "r.1.1", "field", "tag")
	require.Equal(t, []string{"has", "has_not"}, browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`[...document.querySelector('[name="r.1.1.op"]').options].map(o => o.value)`)), "a tag's operators only")
	setNode(t, tab, "r.1.1", "value", "会员日")
	countIs(t, tab, "2")
	// ¥100 is 10000 fen: 王小明's ¥60 no longer counts (in fen, 100 would have matched him).
	setNode(t, tab, "r.1.0", "value", "100")
	countIs(t, tab, "1")
	tab.Screenshot(t, "segment-builder-zh-CN")

	tab.Run(t, chromedp.SendKeys(chromedp.CSS("[data-test=segment-name]"), "上海会员日"), chromedp.Click(chromedp.CSS("[data-test=save-segment]")))
	consoletest.Settle(t, tab, `location.pathname !== "/console/segments/new" && !!document.querySelector("[data-test=member-count]")`)
	require.Contains(t, consoletest.Text(t, tab, ".flash"), "分群已保存，现有 1 名会员")
	require.Equal(t, "1", consoletest.Text(t, tab, "[data-test=member-count]"), "saved with its members")
	countIs(t, tab, "1")
	require.Equal(t, "100.00", browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector('[name="r.1.0.value"]').value`)),
		"the saved amount shows in yuan")
	require.Equal(t, 3, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=condition]").length`)))
	tab.Screenshot(t, "segment-saved-zh-CN")

	segs, err := b.App.Segments.List(ctx, tn.ID, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, segs, 1)
	require.EqualValues(t, 1, segs[0].Members)
	require.JSONEq(t, `{"and":[{"field":"city","op":"in","value":["上海"]},{"or":[{"field":"spend_fen","op":">=","value":10000},
		{"field":"tag","op":"has","value":"会员日"}]}]}`, string(segs[0].Definition))

	tab.Run(t, browsertest.SetCookie("engage_lang", "en", b.URL), chromedp.Navigate(b.URL+"/console/segments/"+segs[0].ID.String()),
		chromedp.WaitVisible(chromedp.CSS("[data-test=segment-builder]")))
	countIs(t, tab, "1")
	require.Equal(t, "Spend (all time)", browsertest.Get(t, tab, chromedp.Evaluate[string](
		`document.querySelector('[name="r.1.0.field"]').selectedOptions[0].textContent`)))
	tab.Screenshot(t, "segment-saved-en")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/segments"), chromedp.WaitVisible(chromedp.CSS("[data-test=segment-row]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=segment-row]"), "上海会员日")
	require.Equal(t, "1", consoletest.Text(t, tab, "[data-test=segment-members]"))
	consoletest.NoNetworkErrorsBut422(t, tab)
}

// Typing 已流失 into the stage's picker picks the stage; a ready-made segment opens in the
// builder, filled in.
func TestSegmentTemplatesOpenInTheBuilderAndStagesArePickedByName(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	segmentShop(t, b, tn)

	tab.Run(t, browsertest.SetCookie("engage_lang", "zh-CN", b.URL), chromedp.Navigate(b.URL+"/console/segments/new"),
		chromedp.WaitVisible(chromedp.CSS("[data-test=segment-builder]")))
	setNode(t, tab, "r.0", "field", "lifecycle_stage")
	tab.Run(t, chromedp.Focus(chromedp.CSS(`[name="r.0.value"]`)), chromedp.SendKeys(chromedp.CSS(`[name="r.0.value"]`), "已流失"))
	consoletest.WaitFor(t, tab, `document.querySelector('[name="r.0.value"]').value === "lapsed"`)
	require.Equal(t, "已流失", consoletest.Text(t, tab, `[name="r.0.value"] option:checked`))
	countIs(t, tab, "0")

	tab.Run(t, chromedp.Navigate(b.URL+"/console/segments"), chromedp.WaitVisible(chromedp.CSS("[data-test=segment-templates]")))
	tab.Screenshot(t, "segment-templates-zh-CN")
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=template-high_value]")), chromedp.WaitVisible(chromedp.CSS("[data-test=segment-builder]")))
	require.Equal(t, "高价值会员", browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("[data-test=segment-name]").value`)))
	require.Equal(t, "1,000.00", browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector('[name="r.0.value"]').value`)))
	require.Equal(t, 2, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=group]").length`)), "a nested group")
	countIs(t, tab, "0")
	tab.Screenshot(t, "segment-template-zh-CN")

	tab.Run(t, browsertest.SetCookie("engage_lang", "en", b.URL), chromedp.Navigate(b.URL+"/console/segments/new?template=at_risk"),
		chromedp.WaitVisible(chromedp.CSS("[data-test=segment-builder]")))
	require.Equal(t, "Customers at risk", browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("[data-test=segment-name]").value`)))
	require.Equal(t, "At risk", consoletest.Text(t, tab, `[name="r.0.value"] option:checked`))
	countIs(t, tab, "0")
	tab.Screenshot(t, "segment-template-en")
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=save-segment]")))
	consoletest.Settle(t, tab, `location.pathname !== "/console/segments/new" && !!document.querySelector(".flash")`)
	require.Contains(t, consoletest.Text(t, tab, ".flash"), "Segment saved: 0 members")
	consoletest.NoNetworkErrorsBut422(t, tab)
}

func TestTagRulesPageAddsARuleAndRefusesABadOne(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	segmentShop(t, b, tn)
	tab.Run(t, chromedp.Navigate(b.URL+"/console/tag-rules"), chromedp.WaitVisible(chromedp.CSS("[data-test=no-rules]")))
	tab.Run(t, chromedp.SendKeys(chromedp.CSS("[data-test=rule-tag]"), "常客"))
	setNode(t, tab, "r.0", "value", "lots")
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=save-rule]")), chromedp.WaitVisible(chromedp.CSS("[data-test=condition-error]")))
	setNode(t, tab, "r.0", "value", "2")
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=save-rule]")), chromedp.WaitVisible(chromedp.CSS("[data-test=rule-row]")))
	require.Contains(t, consoletest.Text(t, tab, "[data-test=rule-row]"), "常客")
	rules, err := b.App.Segments.Rules(context.Background(), tn.ID)
	require.NoError(t, err)
	require.Len(t, rules, 1)
	require.True(t, rules[0].Enabled)
	require.JSONEq(t, `{"and":[{"field":"purchases","op":">=","value":2,"window_days":30}]}`, string(rules[0].Definition))
}

func TestCustomerExportIsForThoseAllowed(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "analyst@lotus.example", access.RoleAnalyst)
	b.Member(t, tn, "staff@lotus.example", access.RoleStoreStaff)
	b.Member(t, tn, "admin@lotus.example", access.RoleAdmin)
	segmentShop(t, b, tn)
	_, err := b.App.Customers.Create(context.Background(), tn.ID, customers.Patch{Name: ptr("赵敏"), City: ptr("上海"), Phone: ptr("+8613812345678")})
	require.NoError(t, err)

	staff := b.SignIn(t, "staff@lotus.example")
	staff.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-row]")))
	require.False(t, browsertest.Get(t, staff, chromedp.Evaluate[bool](`!!document.querySelector("[data-test=export-customers]")`)))

	analyst := b.SignIn(t, "analyst@lotus.example")
	analyst.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS("[data-test=export-customers]")))
	// The browser holds the session cookie; fetch the export through it and read the CSV.
	csv := browsertest.Get(t, analyst, chromedp.Evaluate[string](`(async () => {
		const r = await fetch("/console/customers/export.csv?city=" + encodeURIComponent("上海"));
		const bom = new Uint8Array(await r.clone().arrayBuffer()).slice(0, 3).join(",");
		return r.status + " " + bom + "\n" + await r.text();
	})()`, chromedp.EvalAwaitPromise))
	require.True(t, strings.HasPrefix(csv, "200 239,187,191\nid,"), "UTF-8 with a byte-order mark: %s", csv)
	require.Len(t, strings.Split(strings.TrimSpace(csv), "\n"), 5, "status, header and the three customers in Shanghai")
	// An analyst exports lists but does not see phones in full (customers:pii): the export
	// masks them as the list does; an admin's has them whole.
	require.Contains(t, csv, ",138****5678,", "the analyst's export masks the phone")
	require.NotContains(t, csv, "13812345678")
	admin := b.SignIn(t, "admin@lotus.example")
	admin.Run(t, chromedp.Navigate(b.URL+"/console/customers"), chromedp.WaitVisible(chromedp.CSS("[data-test=export-customers]")))
	full := browsertest.Get(t, admin, chromedp.Evaluate[string](`fetch("/console/customers/export.csv?city=" + encodeURIComponent("上海")).then(r => r.text())`,
		chromedp.EvalAwaitPromise))
	require.Contains(t, full, ",+8613812345678,", "the admin's export has the phone in full")
	entries, err := b.App.Audit.List(context.Background(), tn.ID, ports.AuditFilter{Action: "customers.export"}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, entries, 2)
	masked := map[bool]int{}
	for _, e := range entries {
		var after map[string]any
		require.NoError(t, json.Unmarshal(e.After, &after))
		masked[after["phones_masked"] == true]++
	}
	require.Equal(t, map[bool]int{true: 1, false: 1}, masked, "the audit says which export had phones masked")

	resp, err := http.Get(b.URL + "/console/customers/export.csv")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NotContains(t, string(body), "王小明", "no session, no export")
}
