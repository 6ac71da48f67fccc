package tiersapi_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

const (
	miniApp   = "wx0123456789abcdef"
	appSecret = "mini-program-app-secret-0123456789"
)

func program() map[string]any {
	return map[string]any{
		"tiers": []map[string]any{
			{"code": "orange", "name": map[string]any{"zh": "橙卡", "en": "Orange"}, "benefits": map[string]any{"zh": "", "en": ""},
				"criteria": []any{}, "match": "all"},
			{"code": "gold", "name": map[string]any{"zh": "金卡", "en": "Gold"}, "benefits": map[string]any{"zh": "生日礼", "en": "A birthday gift"},
				"colour": "#C9A227", "criteria": []map[string]any{{"kind": "spend", "min": 500_000}}, "match": "any"},
		},
		"settings": map[string]any{"window": "calendar_year", "start": "at_once", "downgrade": "recalculate",
			"validity": "end_of_next_period", "grace_months": 0, "refunds_downgrade": false, "mode": "auto", "warning_days": 30},
	}
}

// An admin sets the program (bad thresholds refused with the field at fault); a purchase at the
// till upgrades the member, whom the partner reads by ID and external ID, and who reads their
// own tier in their language; an admin sets another tier by hand, with a reason.
func TestTheTierProgramAMembersTierAndAManualAssignment(t *testing.T) {
	t.Parallel()
	wx := wechattest.New(t)
	wx.AddApp(miniApp, appSecret)
	b := apitest.NewWith(t, apitest.Options{WeChatAPI: wx.URL()})
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	ctx := context.Background()
	require.NoError(t, b.App.Channels.Save(ctx, tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: miniApp}, appSecret))

	r := b.Do(t, http.MethodGet, "/v1/tiers/program", owner, nil)
	require.Equal(t, http.StatusNotFound, r.Status, "%s", r.Raw)
	require.Equal(t, "tier_program_not_found", r.ProblemCode())

	bad := program()
	bad["tiers"].([]map[string]any)[1]["criteria"] = []map[string]any{{"kind": "spend", "min": 0}}
	bad["settings"].(map[string]any)["grace_months"] = 12
	bad["settings"].(map[string]any)["window"] = "rolling_12_months"
	bad["settings"].(map[string]any)["start"] = "next_period"
	r = b.Do(t, http.MethodPut, "/v1/tiers/program", owner, bad)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Raw)
	require.ElementsMatch(t, []string{"body.tiers[1].criteria", "body.settings.start"}, r.Fields())
	r = b.Do(t, http.MethodGet, "/v1/tiers/program", owner, nil)
	require.Equal(t, http.StatusNotFound, r.Status, "nothing changed")

	r = b.Do(t, http.MethodPut, "/v1/tiers/program", owner, program())
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Equal(t, 1.0, r.Body["version"])

	login := b.Do(t, http.MethodPost, "/v1/mini/"+tn.Slug+"/login", "", map[string]any{"code": wx.IssueCode(miniApp, "o-member", "")})
	require.Equal(t, http.StatusOK, login.Status, "%s", login.Raw)
	member, memberID := login.Body["token"].(string), login.Body["customer_id"].(string)
	r = b.Do(t, http.MethodPatch, "/v1/customers/"+memberID, owner, map[string]any{"external_id": "pos-88231"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)

	r = b.Do(t, http.MethodGet, "/v1/me/tier?lang=zh-CN", member, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Equal(t, "orange", r.Body["tier"].(map[string]any)["code"])
	require.Equal(t, "再消费5,000元即可升级为金卡会员", r.Body["upgrade"])

	r = b.Do(t, http.MethodPost, "/v1/points/purchases", owner, map[string]any{"purchase_id": "pos-1", "customer_id": memberID,
		"amount_fen": 300_000, "items": []map[string]any{{"sku": "tea", "quantity": 1}}})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	b.React(t)
	r = b.Do(t, http.MethodGet, "/v1/me/tier?lang=en", member, nil)
	require.Equal(t, "Spend ¥2,000 more to reach Gold", r.Body["upgrade"])

	r = b.Do(t, http.MethodPost, "/v1/points/purchases", owner, map[string]any{"purchase_id": "pos-2", "customer_id": memberID,
		"amount_fen": 200_000, "items": []map[string]any{{"sku": "tea", "quantity": 1}}})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	b.React(t)

	r = b.Do(t, http.MethodGet, "/v1/me/membership", member, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	section := r.Body["sections"].(map[string]any)["tier"].(map[string]any)
	require.Equal(t, "gold", section["tier"])
	require.Equal(t, map[string]any{"zh": "金卡", "en": "Gold"}, section["name"])
	require.Contains(t, section["keep"].(map[string]any)["en"], "To keep Gold after 31 Dec 2027, spend ¥5,000 more")

	staff := b.APIKey(t, tn, access.RoleStoreStaff)
	for _, path := range []string{"/v1/customers/" + memberID + "/tier", "/v1/tiers/lookup?external_id=" + url.QueryEscape("pos-88231")} {
		r = b.Do(t, http.MethodGet, path, staff, nil)
		require.Equal(t, http.StatusOK, r.Status, "%s: %s", path, r.Raw)
		require.Equal(t, "gold", r.Body["tier"].(map[string]any)["code"], path)
		require.Equal(t, "upgrade", r.Body["history"].([]any)[0].(map[string]any)["kind"])
	}
	qr := b.Do(t, http.MethodGet, "/v1/me/qr", member, nil)
	require.Equal(t, http.StatusOK, qr.Status, "%s", qr.Raw)
	r = b.Do(t, http.MethodGet, "/v1/tiers/lookup?member_code="+url.QueryEscape(qr.Body["code"].(string)), staff, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Equal(t, memberID, r.Body["customer_id"])
	r = b.Do(t, http.MethodGet, "/v1/tiers/lookup?member_code=nonsense", staff, nil)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Raw)
	r = b.Do(t, http.MethodGet, "/v1/tiers/lookup?external_id=nobody", staff, nil)
	require.Equal(t, http.StatusNotFound, r.Status, "%s", r.Raw)

	r = b.Do(t, http.MethodPut, "/v1/customers/"+memberID+"/tier", staff, map[string]any{"tier": "orange", "reason": "测试"})
	require.Equal(t, http.StatusForbidden, r.Status, "store staff read tiers only")
	r = b.Do(t, http.MethodPut, "/v1/customers/"+memberID+"/tier", owner, map[string]any{"tier": "diamond", "reason": "VIP"})
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Raw)
	require.Equal(t, "unknown_tier", r.ProblemCode())
	r = b.Do(t, http.MethodPut, "/v1/customers/"+memberID+"/tier", owner, map[string]any{"tier": "orange", "reason": "会员申请降级"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Equal(t, "orange", r.Body["tier"].(map[string]any)["code"])
	require.Equal(t, true, r.Body["manual"])
	require.Equal(t, "manual", r.Body["history"].([]any)[0].(map[string]any)["kind"])
	r = b.Do(t, http.MethodPut, "/v1/customers/00000000-0000-0000-0000-000000000001/tier", owner, map[string]any{"tier": "orange", "reason": "x"})
	require.Equal(t, http.StatusNotFound, r.Status, "%s", r.Raw)
}
