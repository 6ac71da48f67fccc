package platformui_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// TestAuditLogNamesActionsTargetsAndActors: the audit log shows each change by name, in both
// languages: the action (customer.update is 修改会员资料), the target (the customer's name, a
// deleted segment by a short ID), and who made it (the API key's name, never its prefix; the
// admin; the job that worked by itself).
func TestAuditLogNamesActionsTargetsAndActors(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()

	key, err := b.App.APIKeys.Create(ctx, tn.ID, []access.Role{access.RoleOwner}, "POS 收银台", access.RoleAdmin)
	require.NoError(t, err)
	byKey := ports.WithActor(ctx, ports.Actor{Kind: ports.ActorAPIKey, ID: key.Key.ID.String(), Label: key.Token[:12]})
	name, renamed := "林小满", "林小满（VIP）"
	c, err := b.App.Customers.Create(byKey, tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)
	_, err = b.App.Customers.Update(byKey, tn.ID, c.ID, customers.Patch{Name: &renamed})
	require.NoError(t, err)
	segs := module.Get[*segments.Service](b.App.Kernel)
	byJob := ports.WithActor(ctx, ports.JobActor("lifecycle_recompute"))
	seg, err := segs.Create(byJob, tn.ID, segments.Draft{Name: "上海会员", Tree: map[string]any{"field": "city", "op": "=", "value": "上海"}})
	require.NoError(t, err)
	gone, err := segs.Create(byJob, tn.ID, segments.Draft{Name: "临时人群", Tree: map[string]any{"field": "city", "op": "=", "value": "北京"}})
	require.NoError(t, err)
	require.NoError(t, segs.Delete(byJob, tn.ID, gone.ID))

	rows := func() []map[string]string {
		return browsertest.Get(t, tab, chromedp.Evaluate[[]map[string]string](`Array.from(document.querySelectorAll("[data-test=audit-row]")).map(r => ({
			action: r.querySelector("[data-test=audit-action]").dataset.action,
			name: r.querySelector("[data-test=audit-action]").textContent.trim(),
			actor: r.querySelector("[data-test=audit-actor]").textContent.trim(),
			target: r.querySelector("[data-test=audit-target]").textContent.trim().replace(/\s+/g, " ")}))`))
	}
	targets := func(rs []map[string]string, action string) []string {
		var out []string
		for _, r := range rs {
			if r["action"] == action {
				out = append(out, r["target"])
			}
		}
		return out
	}
	find := func(rs []map[string]string, action string) map[string]string {
		for _, r := range rs {
			if r["action"] == action {
				return r
			}
		}
		t.Fatalf("no %s row in %v", action, rs)
		return nil
	}

	tab.Run(t, chromedp.Navigate(b.URL+"/console/audit"), chromedp.WaitVisible(chromedp.CSS("[data-test=audit-row]")))
	rs := rows()
	update := find(rs, "customer.update")
	require.Equal(t, "Updated customer profile", update["name"])
	require.Equal(t, "POS 收银台", update["actor"])
	require.Equal(t, "Customer "+renamed, update["target"])
	require.Equal(t, "Lifecycle job", find(rs, "segment.create")["actor"])
	require.Contains(t, targets(rs, "segment.create"), "Segment 上海会员")
	require.Equal(t, "Segment deleted "+gone.ID.String()[:8], find(rs, "segment.delete")["target"])
	require.Equal(t, "Created an API key", find(rs, "api_key.create")["name"])
	require.Equal(t, "API key POS 收银台", find(rs, "api_key.create")["target"])
	require.Equal(t, "Brand 莲花茶饮", find(rs, "tenant.create")["target"])
	body := consoletest.Text(t, tab, "main")
	require.NotContains(t, body, key.Token[:12], "a key's prefix names no actor")
	require.NotContains(t, body, c.ID.String())
	require.NotContains(t, body, seg.ID.String())
	tab.Screenshot(t, "audit-en")

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN"`)
	tab.Run(t, chromedp.WaitVisible(chromedp.CSS("[data-test=audit-row]")))
	rs = rows()
	update = find(rs, "customer.update")
	require.Equal(t, "修改会员资料", update["name"])
	require.Equal(t, "会员 "+renamed, update["target"])
	require.Equal(t, "生命周期任务", find(rs, "segment.create")["actor"])
	require.Contains(t, targets(rs, "segment.create"), "人群 上海会员")
	require.Equal(t, "人群 已删除 "+gone.ID.String()[:8], find(rs, "segment.delete")["target"])
	for _, code := range []string{"customer.update", "segment.create", "api_key", "lifecycle_recompute"} {
		require.NotContains(t, consoletest.Text(t, tab, "main"), code)
	}
	tab.Screenshot(t, "audit-zh")

	// The filter offers actions by name, and the record's page names them too.
	tab.Run(t, chromedp.SetValue(chromedp.CSS("[data-test=audit-filters] select[name=action]"), "customer.update"),
		chromedp.Click(chromedp.CSS("[data-test=audit-filters] button[type=submit]")))
	consoletest.WaitFor(t, tab, `document.querySelectorAll("[data-test=audit-row]").length === 1`)
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=audit-row] a")), chromedp.WaitVisible(chromedp.CSS("[data-test=diff]")))
	require.Equal(t, "POS 收银台", consoletest.Text(t, tab, "dd[data-test=audit-actor]"))
	require.Equal(t, "会员 "+renamed, consoletest.Text(t, tab, "dd[data-test=audit-target]"))
	require.Contains(t, consoletest.Text(t, tab, "h1[data-test=audit-action]"), "修改会员资料")

	// The actor filter offers the brand's keys, admins and jobs by name.
	tab.Run(t, chromedp.Navigate(b.URL+"/console/audit"), chromedp.WaitVisible(chromedp.CSS("[data-test=audit-row]")))
	options := browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("[data-test=audit-filters] select[name=actor] option")).map(o => o.textContent.trim())`))
	require.Subset(t, options, []string{"API 密钥 POS 收银台", "owner@lotus.example", "生命周期任务"})
	tab.Run(t, chromedp.SetValue(chromedp.CSS("[data-test=audit-filters] select[name=actor]"), key.Key.ID.String()),
		chromedp.Click(chromedp.CSS("[data-test=audit-filters] button[type=submit]")))
	consoletest.WaitFor(t, tab, `document.querySelectorAll("[data-test=audit-row]").length === 2`)
	for _, r := range rows() {
		require.Equal(t, "POS 收银台", r["actor"])
	}
	consoletest.NoJSErrors(t, tab)
}
