package customersapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/application/customers/wechataccounts"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// testOfficialApp is the brand's Official Account in these tests.
const testOfficialApp = "wxfedcba9876543210"

func TestAdminsManageACustomersWeChatAccounts(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, owner := b.miniBrand(t, testMiniApp)
	login := b.login(t, tn.Slug, testMiniApp, "o-mp-1", "u-1")
	token := login.Body["token"].(string)
	id := login.Body["customer_id"].(string)
	base := "/v1/customers/" + id + "/wechat-accounts"

	// Another brand's admins find nothing of this brand's customer.
	_, theirs := b.TenantWithKey(t, access.RoleOwner)
	for _, r := range []apitest.Response{b.Do(t, http.MethodGet, base, theirs, nil), b.Do(t, http.MethodDelete, base+"/o-mp-1", theirs, nil),
		b.Do(t, http.MethodPost, base+"/o-mp-1/reauthorize", theirs, nil),
		b.Do(t, http.MethodPost, "/v1/wechat-accounts/o-mp-1/link", theirs, map[string]any{"customer_id": id})} {
		require.Equal(t, http.StatusNotFound, r.Status, "%s", r.Raw)
	}
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, "/v1/me", token, nil).Status, "nothing changed")

	list := b.Do(t, http.MethodGet, base, owner, nil)
	require.Equal(t, http.StatusOK, list.Status, "%s", list.Raw)
	acc := list.Body["items"].([]any)[0].(map[string]any)
	require.Equal(t, "o-mp-1", acc["open_id"])
	require.Equal(t, "u-1", acc["union_id"])
	require.Equal(t, testMiniApp, acc["app_id"])
	require.Equal(t, "mini_program", acc["app_kind"])
	require.Equal(t, "active", acc["status"])
	require.NotEmpty(t, acc["last_login_at"])

	re := b.Do(t, http.MethodPost, base+"/o-mp-1/reauthorize", owner, nil)
	require.Equal(t, http.StatusNoContent, re.Status, "%s", re.Raw)
	refused := b.Do(t, http.MethodGet, "/v1/me", token, nil)
	require.Equal(t, http.StatusUnauthorized, refused.Status, "%s", refused.Raw)
	require.Contains(t, refused.Body["detail"], "log in again")
	require.Equal(t, "reauth_required", b.Do(t, http.MethodGet, base, owner, nil).Body["items"].([]any)[0].(map[string]any)["status"])

	gone := b.Do(t, http.MethodDelete, base+"/o-mp-1", owner, nil)
	require.Equal(t, http.StatusNoContent, gone.Status, "%s", gone.Raw)
	require.Empty(t, b.Do(t, http.MethodGet, base, owner, nil).Body["items"])

	cases := []struct {
		name, method, path string
		status             int
		code               string
		fields             []string
	}{
		{"disconnect again", http.MethodDelete, base + "/o-mp-1", http.StatusNotFound, "wechat_account_not_found", nil},
		{"reauthorise an unknown account", http.MethodPost, base + "/o-nobody/reauthorize", http.StatusNotFound, "wechat_account_not_found", nil},
		{"unknown customer", http.MethodGet, "/v1/customers/" + uuid.NewString() + "/wechat-accounts", http.StatusNotFound, "customer_not_found", nil},
		{"malformed customer ID", http.MethodGet, "/v1/customers/nope/wechat-accounts", http.StatusUnprocessableEntity, "validation_failed", []string{"path.id"}},
	}
	for _, tc := range cases {
		r := b.Do(t, tc.method, tc.path, owner, nil)
		require.Equalf(t, tc.status, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equalf(t, tc.code, r.ProblemCode(), "%s: %s", tc.name, r.Raw)
		require.Equalf(t, tc.fields, r.Fields(), "%s: %s", tc.name, r.Raw)
	}

	k, err := b.Keys.Create(context.Background(), tn.ID, nil, "analyst", access.RoleAnalyst)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, base, k.Token, nil).Status, "analysts read")
	require.Equal(t, http.StatusForbidden, b.Do(t, http.MethodDelete, base+"/o-mp-2", k.Token, nil).Status, "but change nothing")

	trail := b.Do(t, http.MethodGet, "/v1/audit-log?target_type=customer", owner, nil)
	require.Contains(t, string(trail.Raw), "customer.wechat_reauthorize")
	require.Contains(t, string(trail.Raw), "customer.wechat_disconnect")
	require.NotContains(t, string(trail.Raw), "o-mp-1", "no OpenID in the trail")
}

func TestAdminsMapAWeChatLoginToACRMProfile(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, owner := b.miniBrand(t, testMiniApp)
	crm := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小明", "phone": "+8613812345678"})
	require.Equal(t, http.StatusCreated, crm.Status, "%s", crm.Raw)
	crmID := crm.Body["id"].(string)
	stray := b.login(t, tn.Slug, testMiniApp, "o-mp-1", "")
	other := b.login(t, tn.Slug, testMiniApp, "o-mp-2", "")

	moved := b.Do(t, http.MethodPost, "/v1/wechat-accounts/o-mp-1/link", owner, map[string]any{"customer_id": crmID})
	require.Equal(t, http.StatusOK, moved.Status, "%s", moved.Raw)
	require.Equal(t, crmID, moved.Body["customer_id"])
	require.Equal(t, http.StatusUnauthorized, b.Do(t, http.MethodGet, "/v1/me", stray.Body["token"].(string), nil).Status,
		"the stray profile's token stops")
	again := b.login(t, tn.Slug, testMiniApp, "o-mp-1", "")
	require.Equal(t, crmID, again.Body["customer_id"], "the next login is the CRM profile")
	me := b.Do(t, http.MethodGet, "/v1/me", again.Body["token"].(string), nil)
	require.Equal(t, "+8613812345678", me.Body["phone"])

	cases := []struct {
		name, openID string
		body         map[string]any
		status       int
		code         string
		fields       []string
	}{
		{"target has a Mini Program account", "o-mp-2", map[string]any{"customer_id": crmID}, http.StatusConflict, "wechat_app_taken", []string{"body.customer_id"}},
		{"unknown OpenID", "o-nobody", map[string]any{"customer_id": crmID}, http.StatusNotFound, "wechat_account_not_found", nil},
		{"unknown customer", "o-mp-2", map[string]any{"customer_id": uuid.NewString()}, http.StatusUnprocessableEntity, "customer_not_found", []string{"body.customer_id"}},
		{"malformed customer", "o-mp-2", map[string]any{"customer_id": "x"}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.customer_id"}},
		{"another app", "o-mp-2", map[string]any{"customer_id": crmID, "app_id": testOfficialApp}, http.StatusNotFound, "wechat_account_not_found", nil},
	}
	for _, tc := range cases {
		r := b.Do(t, http.MethodPost, "/v1/wechat-accounts/"+tc.openID+"/link", owner, tc.body)
		require.Equalf(t, tc.status, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equalf(t, tc.code, r.ProblemCode(), "%s: %s", tc.name, r.Raw)
		require.Equalf(t, tc.fields, r.Fields(), "%s: %s", tc.name, r.Raw)
	}
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, "/v1/me", other.Body["token"].(string), nil).Status, "refused moves change nothing")
}

func TestFanTagImportIsQueuedAndReportsItsCounts(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, owner := b.miniBrand(t, testMiniApp)
	_, bareKey := b.TenantWithKey(t, access.RoleOwner)
	refused := b.Do(t, http.MethodPost, "/v1/wechat/fan-tags/import", bareKey, nil)
	require.Equal(t, http.StatusConflict, refused.Status, "%s", refused.Raw)
	require.Equal(t, "official_account_not_configured", refused.ProblemCode())

	b.wx.AddApp(testOfficialApp, testAppSecret)
	require.NoError(t, b.App.Channels.Save(context.Background(), tn.ID, ports.ChannelWeChatOfficialAccount,
		channels.WeChatApp{AppID: testOfficialApp}, testAppSecret))
	login := b.login(t, tn.Slug, testMiniApp, "o-mp-1", "u-1")
	id := login.Body["customer_id"].(string)
	require.NoError(t, b.DB.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		return customersdb.WeChatAccounts{}.Insert(ctx, ports.WeChatAccount{AppID: testOfficialApp, OpenID: "o-oa-1", UnionID: "u-1",
			CustomerID: uuid.MustParse(id), LinkedAt: time.Now()})
	}))
	b.wx.AddFanTag(testOfficialApp, 2, "星标组", "o-oa-1", "o-stranger")

	queued := b.Do(t, http.MethodPost, "/v1/wechat/fan-tags/import", owner, nil, "Idempotency-Key", "import-1")
	require.Equal(t, http.StatusAccepted, queued.Status, "%s", queued.Raw)
	require.Equal(t, "queued", queued.Body["status"])
	importID := queued.Body["id"].(string)
	require.NoError(t, b.App.WeChatAccounts.RunFanTagImport(context.Background(),
		wechataccounts.ImportFanTagsArgs{TenantID: tn.ID.UUID(), ImportID: uuid.MustParse(importID)}))

	done := b.Do(t, http.MethodGet, "/v1/wechat/fan-tags/imports/"+importID, owner, nil)
	require.Equal(t, http.StatusOK, done.Status, "%s", done.Raw)
	require.Equal(t, "done", done.Body["status"])
	require.EqualValues(t, 1, done.Body["tags"])
	require.EqualValues(t, 2, done.Body["fans"])
	require.EqualValues(t, 1, done.Body["matched"])

	missing := b.Do(t, http.MethodGet, "/v1/wechat/fan-tags/imports/"+uuid.NewString(), owner, nil)
	require.Equal(t, "fan_tag_import_not_found", missing.ProblemCode())
	theirs := b.Do(t, http.MethodGet, "/v1/wechat/fan-tags/imports/"+importID, bareKey, nil)
	require.Equal(t, http.StatusNotFound, theirs.Status, "another brand's import")
}
