package platformui_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/customer"
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
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=audit-row] a")), chromedp.WaitVisible(chromedp.CSS("[data-test=after]")))
	require.Equal(t, "姓名", consoletest.Text(t, tab, `dl[data-test=after] dd[data-key=fields]`), "the changed field by name")
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

// recordOf opens the audit record of the newest change with action, and returns the names and
// values of its fields: "after name" → value, "change name" → "before → after".
func recordOf(t *testing.T, b *consoletest.Bundle, tab *browsertest.Tab, action string) map[string]string {
	t.Helper()
	tab.Run(t, chromedp.Navigate(b.URL+"/console/audit?action="+action), chromedp.WaitVisible(chromedp.CSS("[data-test=audit-row] a")),
		chromedp.Click(chromedp.CSS("[data-test=audit-row] a")), chromedp.WaitVisible(chromedp.CSS("[data-test=after]")))
	return browsertest.Get(t, tab, chromedp.Evaluate[map[string]string](`(() => {
		const out = {};
		for (const [test, part] of [["before", "before"], ["after", "after"]]) {
			document.querySelectorAll("dl[data-test=" + test + "] dt").forEach(dt => { out[part + " " + dt.textContent.trim()] = dt.nextElementSibling.textContent.trim(); });
		}
		document.querySelectorAll("[data-test=change]").forEach(tr => {
			out["change " + tr.querySelector("th").textContent.trim()] = tr.querySelector("[data-test=change-before]").textContent.trim() + " → " + tr.querySelector("[data-test=change-after]").textContent.trim();
		});
		out.target = document.querySelector("dd[data-test=audit-target]").textContent.trim().replace(/\s+/g, " ");
		out.text = document.querySelector("main").innerText;
		return out;
	})()`))
}

// An audit record's before and after name every field in the reader's language (a customer's
// profile fields, the brand's custom attributes by their labels, a member's roles, a brand's
// settings) and write values by convention (roles and zones by name); a refused API call names
// what it needed, not the operation's ID.
func TestAuditRecordsNameTheirFieldsAndValues(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()
	require.NoError(t, b.App.Customers.SetAttributeDefs(ctx, tn.ID, []customer.AttributeDef{{Key: "vip_level", Type: "string", Label: "会员等级", LabelEn: "VIP level"}}))
	name, renamed := "林小满", "林小满（VIP）"
	birthday := time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC)
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)
	_, err = b.App.Customers.Update(ctx, tn.ID, c.ID, customers.Patch{Name: &renamed, BirthDate: &birthday, Attributes: map[string]any{"vip_level": "gold"}})
	require.NoError(t, err)
	b.Member(t, tn, "staff@lotus.example", access.RoleMarketer)
	members, err := b.App.Access.Members(ctx, tn.ID)
	require.NoError(t, err)
	for _, m := range members {
		if m.Email == "staff@lotus.example" {
			_, err = b.App.Access.ChangeRoles(ctx, tn.ID, []access.Role{access.RoleOwner}, m.UserID, []access.Role{access.RoleAnalyst})
			require.NoError(t, err)
		}
	}
	key, err := b.App.APIKeys.Create(ctx, tn.ID, []access.Role{access.RoleOwner}, "报表工具", access.RoleAnalyst)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPatch, b.URL+"/v1/customers/"+c.ID.String(), strings.NewReader(`{"name":"改名"}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+key.Token)
	req.Header.Set("Content-Type", "application/merge-patch+json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)

	for _, lang := range []string{"zh-CN", "en"} {
		tab.Run(t, browsertest.SetCookie("engage_lang", lang, b.URL))
		upd := recordOf(t, b, tab, "customer.update")
		roles := recordOf(t, b, tab, "membership.update")
		denied := recordOf(t, b, tab, "access.denied")
		tab.Screenshot(t, "audit-denied-"+lang)
		brand := recordOf(t, b, tab, "tenant.create")
		tab.Screenshot(t, "audit-brand-"+lang)
		if lang == "zh-CN" {
			require.Equal(t, "会员等级、生日、姓名", upd["after 字段"], "the changed fields by name, custom attributes by label")
			require.Equal(t, "营销人员 → 数据分析师", roles["change 角色"])
			require.Equal(t, "staff@lotus.example", roles["after 邮箱"])
			require.Equal(t, "接口操作 需要「管理会员」权限", denied["target"])
			require.Equal(t, "管理会员", denied["after 所需权限"])
			require.Equal(t, "数据分析师", denied["after 角色"])
			require.Equal(t, "中国大陆（北京时间）", brand["after 时区"])
			require.Equal(t, "莲花茶饮", brand["after 品牌名称"])
			require.Equal(t, "正常", brand["after 状态"])
			require.Equal(t, "简体中文", brand["after 默认语言"])
		} else {
			require.Contains(t, upd["after Fields"], "VIP level")
			require.Contains(t, upd["after Fields"], "Birthday")
			require.Equal(t, "Marketer → Analyst", roles["change Roles"])
			require.Equal(t, "API operation needing “Manage customers”", denied["target"])
			require.Equal(t, "Manage customers", denied["after Permission needed"])
			require.Equal(t, "Mainland China (Beijing time)", brand["after Time zone"])
			require.Equal(t, "Active", brand["after Status"])
		}
		codes := []string{"birth_date", "vip_level", "attributes.", "update-customer", "customers:write", "marketer", "analyst",
			"Asia/Shanghai", `"`, "{"}
		if lang == "zh-CN" {
			codes = append(codes, "fields", "permission", "roles", "name", "status", "locale")
		}
		for _, r := range []map[string]string{upd, roles, denied, brand} {
			for _, code := range codes {
				require.NotContains(t, r["text"], code, lang)
			}
		}
	}
	consoletest.NoJSErrors(t, tab)
}
