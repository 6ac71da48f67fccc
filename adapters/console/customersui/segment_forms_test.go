package customersui_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// noScripts turns the tab's scripts off, as a browser without JavaScript.
func noScripts(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
	_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	return chromedp.Void{}, err
}

// Without scripts, the builder is a plain form: adding and removing conditions and groups,
// and applying a changed field, post it and show the whole page redrawn with its live count;
// saving saves. Enter in a text input saves, not adds or removes.
func TestSegmentBuilderWorksAsAPlainFormWithoutScripts(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	segmentShop(t, b, tn)
	tab.Run(t, browsertest.SetCookie("engage_lang", "zh-CN", b.URL), noScripts,
		chromedp.Navigate(b.URL+"/console/segments/new"), chromedp.WaitVisible(chromedp.CSS("[data-test=segment-builder]")))
	require.Equal(t, "—", consoletest.Text(t, tab, "[data-test=segment-count]"), "no scripts, no live count yet")
	require.Equal(t, "更新条件", consoletest.Text(t, tab, "[data-test=apply]"))
	require.True(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector("[data-test=preview]")).display === "none"`)),
		"no preview without scripts")

	press := func(action, wait string) {
		t.Helper()
		tab.Run(t, chromedp.Click(chromedp.CSS(`button[value="`+action+`"]`)), chromedp.WaitReady(chromedp.CSS(wait)))
	}
	// A group with a condition, then a second condition at the root; the page comes back
	// whole, the name typed kept, and counted: 上海 (the first city) and 上海 again.
	tab.Run(t, chromedp.SendKeys(chromedp.CSS("[data-test=segment-name]"), "上海会员"))
	press("group:r", `[data-path="r.1.0"]`)
	require.Equal(t, "上海会员", browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector("[data-test=segment-name]").value`)))
	require.Equal(t, "2", consoletest.Text(t, tab, "[data-test=segment-count]"))
	press("add:r", `[data-path="r.2"]`)
	press("remove:r.1", `[data-path="r.1"][data-test=condition]`)
	require.Equal(t, 2, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=condition]").length`)))
	require.Equal(t, 1, browsertest.Get(t, tab, chromedp.Evaluate[int](`document.querySelectorAll("[data-test=group]").length`)))

	// A field changed is applied: its operators and values are the new field's.
	tab.Run(t, chromedp.SetValue(chromedp.CSS(`[name="r.1.field"]`), "lifecycle_stage"))
	press("apply", `[name="r.1.value"] option[value="lapsed"]`)
	require.Equal(t, "新会员", consoletest.Text(t, tab, `[name="r.1.value"] option:checked`), "the first stage, chosen")
	require.Equal(t, "2", consoletest.Text(t, tab, "[data-test=segment-count]"), "the two in 上海, both new")
	require.True(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector("[data-test=filter]")).display === "none"`)),
		"no filter without scripts")
	tab.Screenshot(t, "segment-builder-no-script-zh-CN")

	// Enter in the name saves (the form's default button), and the saved page says so.
	tab.Run(t, chromedp.SendKeys(chromedp.CSS("[data-test=segment-name]"), "\r"),
		chromedp.WaitVisible(chromedp.CSS("[data-test=member-count]")))
	require.Contains(t, consoletest.Text(t, tab, ".flash"), "分群已保存，现有 2 名会员")
	segs, err := b.App.Segments.List(context.Background(), tn.ID, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, segs, 1)
	require.Equal(t, "上海会员", segs[0].Name)
	require.JSONEq(t, `{"and":[{"field":"city","op":"=","value":"上海"},{"field":"lifecycle_stage","op":"=","value":"new"}]}`,
		string(segs[0].Definition))

	// The saved segment's page, redrawn without scripts, keeps its identity and members.
	tab.Run(t, browsertest.SetCookie("engage_lang", "en", b.URL), chromedp.Navigate(b.URL+"/console/segments/"+segs[0].ID.String()),
		chromedp.WaitVisible(chromedp.CSS("[data-test=segment-builder]")))
	press("add:r", `[data-path="r.2"]`)
	require.Equal(t, "2", consoletest.Text(t, tab, "[data-test=member-count]"))
	require.Equal(t, "2", consoletest.Text(t, tab, "[data-test=segment-count]"))
	require.Equal(t, "Apply", consoletest.Text(t, tab, "[data-test=apply]"))
	tab.Screenshot(t, "segment-builder-no-script-en")
}

// A long picker has a filter: typing a city's name shows and picks it, typing 已流失 (or
// Lapsed) the stage; what is chosen is still one of the options.
func TestSegmentPickersFilterLongLists(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()
	for _, city := range []string{"上海", "上海", "北京", "广州", "深圳", "杭州", "成都"} {
		_, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{City: ptr(city)})
		require.NoError(t, err)
	}
	for _, lang := range []struct{ lang, stage string }{{"zh-CN", "已流失"}, {"en", "Lapsed"}} {
		tab.Run(t, browsertest.SetCookie("engage_lang", lang.lang, b.URL), chromedp.Navigate(b.URL+"/console/segments/new"),
			chromedp.WaitVisible(chromedp.CSS("[data-test=segment-builder]")))
		countIs(t, tab, "2")
		filter := `[data-picker-filter="r.0.value"]`
		tab.Run(t, chromedp.WaitVisible(chromedp.CSS(filter)), chromedp.SendKeys(chromedp.CSS(filter), "杭"))
		consoletest.WaitFor(t, tab, `document.querySelector('[name="r.0.value"]').value === "杭州"`)
		require.Equal(t, []string{"杭州"}, browsertest.Get(t, tab, chromedp.Evaluate[[]string](
			`[...document.querySelector('[name="r.0.value"]').options].filter(o => !o.hidden).map(o => o.value)`)))
		countIs(t, tab, "1")
		if lang.lang == "zh-CN" {
			tab.Screenshot(t, "segment-picker-filter-zh-CN")
		}
		// Nothing found: the filter says so and the choice stays.
		tab.Run(t, chromedp.SendKeys(chromedp.CSS(filter), "x"))
		consoletest.WaitFor(t, tab, `document.querySelector('`+filter+`').getAttribute("aria-invalid") === "true"`)
		require.Equal(t, "杭州", browsertest.Get(t, tab, chromedp.Evaluate[string](`document.querySelector('[name="r.0.value"]').value`)))

		// Several cities: the ones chosen stay shown while another is looked for.
		setNode(t, tab, "r.0", "op", "in")
		setNode(t, tab, "r.0", "value", "上海", "北京")
		tab.Run(t, chromedp.SendKeys(chromedp.CSS(filter), "成"))
		consoletest.WaitFor(t, tab, `[...document.querySelector('[name="r.0.value"]').options].filter(o => !o.hidden).length === 3`)
		require.True(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`(() => {
			document.querySelector('[name="r.0.value"] option[value="成都"]').selected = true;
			return document.querySelector('[name="r.0.value"]').dispatchEvent(new Event("change", {bubbles: true}));
		})()`)))
		countIs(t, tab, "4")

		setNode(t, tab, "r.0", "field", "lifecycle_stage")
		tab.Run(t, chromedp.SendKeys(chromedp.CSS(filter), lang.stage))
		consoletest.WaitFor(t, tab, `document.querySelector('[name="r.0.value"]').value === "lapsed"`)
		require.Equal(t, lang.stage, consoletest.Text(t, tab, `[name="r.0.value"] option:checked`))
		countIs(t, tab, "0")
		tab.Screenshot(t, "segment-picker-stage-"+lang.lang)
	}
	consoletest.NoNetworkErrorsBut422(t, tab)
}

// A save whose members a job counts (as one matching many customers does) shows that they are
// being counted, then the count: the live count's, never a 0 beside it.
func TestSegmentSaveShowsMembersBeingCountedThenTheCount(t *testing.T) {
	t.Parallel()
	b := consoletest.SetupWith(t, func(c *wire.Config) { c.SegmentInlineMembers = -1 })
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "owner@lotus.example", access.RoleOwner)
	segmentShop(t, b, tn)
	for _, lang := range []struct{ lang, counting, saved string }{
		{"zh-CN", "正在统计…", "分群已保存，正在统计成员"}, {"en", "Counting…", "Segment saved. Its members are being counted"},
	} {
		tab := b.SignIn(t, "owner@lotus.example")
		tab.Run(t, browsertest.SetCookie("engage_lang", lang.lang, b.URL), chromedp.Navigate(b.URL+"/console/segments/new"),
			chromedp.WaitVisible(chromedp.CSS("[data-test=segment-builder]")))
		countIs(t, tab, "2")
		tab.Run(t, chromedp.SendKeys(chromedp.CSS("[data-test=segment-name]"), "上海 "+lang.lang), chromedp.Click(chromedp.CSS("[data-test=save-segment]")))
		consoletest.Settle(t, tab, `location.pathname !== "/console/segments/new" && !!document.querySelector("[data-test=member-count]")`)
		require.Contains(t, consoletest.Text(t, tab, ".flash"), lang.saved)
		// Until the job ran, the page says the members are being counted, not 0; and offers no
		// export of members not yet there.
		require.Equal(t, lang.counting, consoletest.Text(t, tab, "[data-test=member-count]"))
		require.False(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`!!document.querySelector("[data-test=export-segment]")`)))
		tab.Screenshot(t, "segment-counting-"+lang.lang)
		counts := 0
		jobstest.Work(t, b.App.DB.Pool(), segments.RefreshArgs{}.Kind(), func(raw []byte) error {
			var args segments.RefreshArgs
			require.NoError(t, json.Unmarshal(raw, &args))
			if args.SegmentID != uuid.Nil {
				counts++
			}
			return b.App.Segments.Refresh(context.Background(), args)
		})
		require.Equal(t, 1, counts, "the save enqueued its count (the others are the shop's customers' changes)")
		consoletest.WaitFor(t, tab, `document.querySelector("[data-test=member-count]").textContent.trim() === "2"`)
		countIs(t, tab, "2")
		tab.Screenshot(t, "segment-counted-"+lang.lang)
	}
	segs, err := b.App.Segments.List(context.Background(), tn.ID, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, segs, 2)
	for _, s := range segs {
		require.False(t, s.Counting())
		require.EqualValues(t, 2, s.Members)
	}
}
