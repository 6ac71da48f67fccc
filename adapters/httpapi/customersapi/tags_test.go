package customersapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

func (b *testBundle) newCustomer(t *testing.T, token, name string) string {
	t.Helper()
	r := b.Do(t, http.MethodPost, "/v1/customers", token, map[string]any{"name": name})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Raw)
	return r.Body["id"].(string)
}

func tagsOf(r apitest.Response) map[string]string {
	out := map[string]string{}
	for _, it := range r.Body["items"].([]any) {
		m := it.(map[string]any)
		out[m["tag"].(string)] = m["source"].(string)
	}
	return out
}

func TestCustomersAreTaggedAndUntaggedIdempotently(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, staff := b.TenantWithKey(t, access.RoleStoreStaff)
	alice := b.newCustomer(t, staff, "王小明")

	added := b.Do(t, http.MethodPost, "/v1/customers/"+alice+"/tags", staff, map[string]any{"tags": []string{" VIP ", "常客"}})
	require.Equal(t, http.StatusOK, added.Status, "%s", added.Raw)
	require.Equal(t, map[string]string{"VIP": "manual", "常客": "manual"}, tagsOf(added))
	again := b.Do(t, http.MethodPost, "/v1/customers/"+alice+"/tags", staff, map[string]any{"tags": []string{"VIP"}})
	require.Equal(t, http.StatusOK, again.Status)
	require.Len(t, again.Body["items"], 2)

	removed := b.Do(t, http.MethodDelete, "/v1/customers/"+alice+"/tags?tag=%E5%B8%B8%E5%AE%A2", staff, nil)
	require.Equal(t, http.StatusOK, removed.Status, "%s", removed.Raw)
	require.Equal(t, map[string]string{"VIP": "manual"}, tagsOf(removed))
	removedAgain := b.Do(t, http.MethodDelete, "/v1/customers/"+alice+"/tags?tag=%E5%B8%B8%E5%AE%A2", staff, nil)
	require.Equal(t, http.StatusOK, removedAgain.Status)

	listed := b.Do(t, http.MethodGet, "/v1/customers/"+alice+"/tags", staff, nil)
	require.Equal(t, map[string]string{"VIP": "manual"}, tagsOf(listed))
	filtered := b.Do(t, http.MethodGet, "/v1/customers?tag=VIP", staff, nil)
	require.Len(t, filtered.Body["items"], 1)
	c := filtered.Body["items"].([]any)[0].(map[string]any)
	require.Equal(t, "new", c["lifecycle_stage"])
	require.NotEmpty(t, c["lifecycle_since"])
	require.Empty(t, b.Do(t, http.MethodGet, "/v1/customers?tag=vip", staff, nil).Body["items"], "case counts")
	require.Len(t, b.Do(t, http.MethodGet, "/v1/customers?tag=VIP&lifecycle=new", staff, nil).Body["items"], 1)
	require.Empty(t, b.Do(t, http.MethodGet, "/v1/customers?tag=VIP&lifecycle=lapsed", staff, nil).Body["items"])
	require.Len(t, b.Do(t, http.MethodGet, "/v1/customers?tag=&lifecycle=", staff, nil).Body["items"], 1, "empty filters match everyone")

	// Bad input names the field and changes nothing.
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		code               string
		fields             []string
	}{
		{"too long", http.MethodPost, "/v1/customers/" + alice + "/tags", map[string]any{"tags": []string{"ok", strings.Repeat("茶", 41)}},
			422, "validation_failed", []string{"body.tags[1]"}},
		{"control characters", http.MethodPost, "/v1/customers/" + alice + "/tags", map[string]any{"tags": []string{"a\nb"}},
			422, "validation_failed", []string{"body.tags[0]"}},
		{"no tags", http.MethodPost, "/v1/customers/" + alice + "/tags", map[string]any{"tags": []string{}}, 422, "validation_failed", []string{"body.tags"}},
		{"unknown customer", http.MethodPost, "/v1/customers/" + uuid.NewString() + "/tags", map[string]any{"tags": []string{"VIP"}},
			404, "customer_not_found", nil},
		{"unknown customer's tags", http.MethodGet, "/v1/customers/" + uuid.NewString() + "/tags", nil, 404, "customer_not_found", nil},
		{"blank tag to remove", http.MethodDelete, "/v1/customers/" + alice + "/tags?tag=%20", nil, 422, "validation_failed", []string{"query.tag"}},
		{"no tag to remove", http.MethodDelete, "/v1/customers/" + alice + "/tags", nil, 422, "validation_failed", []string{"query.tag"}},
		{"bad stage filter", http.MethodGet, "/v1/customers?lifecycle=churned", nil, 422, "validation_failed", []string{"query.lifecycle"}},
	} {
		r := b.Do(t, tc.method, tc.path, staff, tc.body)
		require.Equal(t, tc.status, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equal(t, tc.code, r.ProblemCode(), tc.name)
		if tc.fields != nil {
			require.Equal(t, tc.fields, r.Fields(), tc.name)
		}
	}
	require.Equal(t, map[string]string{"VIP": "manual"}, tagsOf(b.Do(t, http.MethodGet, "/v1/customers/"+alice+"/tags", staff, nil)))

	// The trail counts tags; it never names them on a person.
	entries, err := b.App.Audit.List(context.Background(), tn.ID, ports.AuditFilter{Action: "tag.assign"}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, entries, 1)
	require.JSONEq(t, `{"added": 2, "removed": 0, "tags": 2}`, string(entries[0].After))
}

func TestBulkTaggingIsAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, staff := b.TenantWithKey(t, access.RoleMarketer)
	_, analyst := b.TenantWithKey(t, access.RoleAnalyst)
	ids := []string{b.newCustomer(t, staff, "甲"), b.newCustomer(t, staff, "乙"), b.newCustomer(t, staff, "丙")}
	_, otherKey := b.TenantWithKey(t, access.RoleOwner)
	foreign := b.newCustomer(t, otherKey, "外")

	refused := b.Do(t, http.MethodPost, "/v1/tags/bulk", staff, map[string]any{"tags": []string{"夏季活动"}, "action": "assign",
		"customer_ids": []string{ids[0], foreign, ids[1], uuid.NewString()}})
	require.Equal(t, http.StatusUnprocessableEntity, refused.Status, "%s", refused.Raw)
	require.Equal(t, "unknown_customer", refused.ProblemCode())
	require.Equal(t, []string{"body.customer_ids[1]", "body.customer_ids[3]"}, refused.Fields(), "another brand's customer is unknown here")
	require.Empty(t, b.Do(t, http.MethodGet, "/v1/tags", staff, nil).Body["items"], "nothing changed")

	done := b.Do(t, http.MethodPost, "/v1/tags/bulk", staff, map[string]any{"tags": []string{"夏季活动"}, "action": "assign", "customer_ids": append(ids, ids[0])})
	require.Equal(t, http.StatusOK, done.Status, "%s", done.Raw)
	require.Equal(t, 3.0, done.Body["customers"])
	require.Equal(t, 3.0, done.Body["changed"])
	undone := b.Do(t, http.MethodPost, "/v1/tags/bulk", staff, map[string]any{"tags": []string{"夏季活动"}, "action": "remove", "customer_ids": ids[:1]})
	require.Equal(t, 1.0, undone.Body["changed"])
	counts := b.Do(t, http.MethodGet, "/v1/tags", staff, nil)
	require.Equal(t, []any{map[string]any{"tag": "夏季活动", "customers": 2.0}}, counts.Body["items"])

	for _, tc := range []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"bad tag", map[string]any{"tags": []string{"ok", strings.Repeat("x", 41)}, "action": "assign", "customer_ids": ids}, []string{"body.tags[1]"}},
		{"no tags", map[string]any{"tags": []string{}, "action": "assign", "customer_ids": ids}, []string{"body.tags"}},
		{"the one-tag shape of before", map[string]any{"tag": "x", "action": "assign", "customer_ids": ids}, []string{"body.tags", "body.tag"}},
		{"bad action", map[string]any{"tags": []string{"x"}, "action": "toggle", "customer_ids": ids}, []string{"body.action"}},
		{"bad id", map[string]any{"tags": []string{"x"}, "action": "assign", "customer_ids": []string{ids[0], "nope"}}, []string{"body.customer_ids[1]"}},
		{"no ids", map[string]any{"tags": []string{"x"}, "action": "assign", "customer_ids": []string{}}, []string{"body.customer_ids"}},
	} {
		r := b.Do(t, http.MethodPost, "/v1/tags/bulk", staff, tc.body)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equal(t, tc.fields, r.Fields(), tc.name)
	}
	require.Equal(t, http.StatusForbidden, b.Do(t, http.MethodPost, "/v1/tags/bulk", analyst, map[string]any{"tags": []string{"x"}, "action": "assign",
		"customer_ids": ids}).Status, "analysts read tags but do not change them")

	entries, err := b.App.Audit.List(context.Background(), tn.ID, ports.AuditFilter{Action: "tag.bulk"}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, entries, 2)
	require.Equal(t, "夏季活动", entries[0].TargetID)
	require.JSONEq(t, `{"action": "remove", "customers": 1, "changed": 1}`, string(entries[0].After))

	several := b.Do(t, http.MethodPost, "/v1/tags/bulk", staff, map[string]any{"tags": []string{"夏季活动", "常客"}, "action": "assign", "customer_ids": ids[:2]})
	require.Equal(t, http.StatusOK, several.Status, "%s", several.Raw)
	require.Equal(t, 3.0, several.Body["changed"], "the first customer lost 夏季活动 above: it gets both, the second only 常客")
	require.Equal(t, map[string]string{"夏季活动": "manual", "常客": "manual"}, tagsOf(b.Do(t, http.MethodGet, "/v1/customers/"+ids[0]+"/tags", staff, nil)))
	removed := b.Do(t, http.MethodPost, "/v1/tags/bulk", staff, map[string]any{"tags": []string{"常客", "never given"}, "action": "remove", "customer_ids": ids[:2]})
	require.Equal(t, 2.0, removed.Body["changed"], "%s", removed.Raw)
}

func TestLifecycleSettingsAreCheckedAuditedAndStagesCounted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	_, staff := b.TenantWithKey(t, access.RoleStoreStaff)
	b.newCustomer(t, owner, "甲")

	got := b.Do(t, http.MethodGet, "/v1/lifecycle/settings", owner, nil)
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Raw)
	require.Equal(t, map[string]any{"new_days": 30.0, "at_risk_days": 90.0, "lapsed_days": 180.0, "won_back_days": 30.0}, got.Body)

	for _, tc := range []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"at risk not before lapsed", map[string]any{"new_days": 30, "at_risk_days": 180, "lapsed_days": 180, "won_back_days": 30}, []string{"body.at_risk_days"}},
		{"zero days", map[string]any{"new_days": 0, "at_risk_days": 90, "lapsed_days": 180, "won_back_days": 30}, []string{"body.new_days"}},
		{"too many days", map[string]any{"new_days": 30, "at_risk_days": 90, "lapsed_days": 180, "won_back_days": 3651}, []string{"body.won_back_days"}},
		{"missing", map[string]any{"new_days": 30, "at_risk_days": 90, "lapsed_days": 180}, []string{"body.won_back_days"}},
	} {
		r := b.Do(t, http.MethodPut, "/v1/lifecycle/settings", owner, tc.body)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equal(t, tc.fields, r.Fields(), tc.name)
	}
	shorter := map[string]any{"new_days": 14, "at_risk_days": 30, "lapsed_days": 60, "won_back_days": 14}
	require.Equal(t, http.StatusForbidden, b.Do(t, http.MethodPut, "/v1/lifecycle/settings", staff, shorter).Status, "rules are settings")
	put := b.Do(t, http.MethodPut, "/v1/lifecycle/settings", owner, shorter)
	require.Equal(t, http.StatusOK, put.Status, "%s", put.Raw)
	require.Equal(t, 14.0, b.Do(t, http.MethodGet, "/v1/lifecycle/settings", owner, nil).Body["new_days"])

	entries, err := b.App.Audit.List(context.Background(), tn.ID, ports.AuditFilter{Action: "lifecycle_settings.set"}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, entries, 1, "refused settings are not recorded")
	require.JSONEq(t, `{"new_days": 30, "at_risk_days": 90, "lapsed_days": 180, "won_back_days": 30}`, string(entries[0].Before))
	require.JSONEq(t, `{"new_days": 14, "at_risk_days": 30, "lapsed_days": 60, "won_back_days": 14}`, string(entries[0].After))

	stages := b.Do(t, http.MethodGet, "/v1/lifecycle/stages", owner, nil)
	require.Equal(t, http.StatusOK, stages.Status)
	require.Equal(t, []any{map[string]any{"stage": "new", "customers": 1.0}, map[string]any{"stage": "active", "customers": 0.0},
		map[string]any{"stage": "at_risk", "customers": 0.0}, map[string]any{"stage": "lapsed", "customers": 0.0},
		map[string]any{"stage": "won_back", "customers": 0.0}}, stages.Body["stages"])
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, "/v1/lifecycle/stages", staff, nil).Status)
}

// The customer object carries its tags, by name, wherever the API shows it.
func TestTheCustomerObjectCarriesItsTags(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	created := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小红", "external_id": "t-1"})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	require.Equal(t, []any{}, created.Body["tags"])
	id := created.Body["id"].(string)
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodPost, "/v1/customers/"+id+"/tags", owner, map[string]any{"tags": []string{"VIP", "常客"}}).Status)
	want := []any{"VIP", "常客"}
	require.Equal(t, want, b.Do(t, http.MethodGet, "/v1/customers/"+id, owner, nil).Body["tags"])
	require.Equal(t, want, b.Do(t, http.MethodGet, "/v1/customers/lookup?external_id=t-1", owner, nil).Body["tags"])
	list := b.Do(t, http.MethodGet, "/v1/customers", owner, nil)
	require.Equal(t, want, list.Body["items"].([]any)[0].(map[string]any)["tags"])
	require.Equal(t, "new", list.Body["items"].([]any)[0].(map[string]any)["lifecycle_stage"])
}
