package tiersapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// An admin adds benefits (bad ones refused with the field, an unknown reward clearly); the
// member moving up is given the entry reward, lists their benefits and claims a perk up to
// its limit; a partner asks about early access; the admin sees the usage.
func TestTierBenefitsEndToEnd(t *testing.T) {
	t.Parallel()
	wx := wechattest.New(t)
	wx.AddApp(miniApp, appSecret)
	b := apitest.NewWith(t, apitest.Options{WeChatAPI: wx.URL()})
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	require.NoError(t, b.App.Channels.Save(context.Background(), tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: miniApp}, appSecret))
	r := b.Do(t, http.MethodPut, "/v1/tiers/program", owner, program())
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)

	r = b.Do(t, http.MethodPost, "/v1/rewards", owner, map[string]any{"kind": "voucher", "status": "active",
		"title": map[string]any{"zh": "乌龙茶一杯", "en": "An oolong tea"}, "points": 500, "voucher_days": 30})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Raw)
	reward := r.Body["id"].(string)

	text := map[string]any{"zh": "升级礼", "en": "Welcome gift"}
	r = b.Do(t, http.MethodPost, "/v1/tiers/benefits", owner, map[string]any{"tier": "gold", "kind": "entry_reward",
		"title": text, "description": text, "reward_id": "00000000-0000-0000-0000-000000000001", "existing": false})
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Raw)
	require.Equal(t, "reward_not_found", r.ProblemCode())
	require.Equal(t, []string{"body.reward_id"}, r.Fields())
	r = b.Do(t, http.MethodPost, "/v1/tiers/benefits", owner, map[string]any{"tier": "diamond", "kind": "perk",
		"title": map[string]any{"zh": "", "en": "x"}, "description": text, "tag": "x", "existing": true})
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Raw)
	require.ElementsMatch(t, []string{"body.tier", "body.title", "body.tag"}, r.Fields())

	r = b.Do(t, http.MethodPost, "/v1/tiers/benefits", owner, map[string]any{"tier": "gold", "kind": "entry_reward",
		"title": text, "description": text, "reward_id": reward, "existing": false})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	entry := r.Body["id"].(string)
	r = b.Do(t, http.MethodPost, "/v1/tiers/benefits", owner, map[string]any{"tier": "gold", "kind": "perk",
		"title": map[string]any{"zh": "免费升杯", "en": "Free size upgrade"}, "description": text, "usage_limit": 1,
		"limit_period": "month", "existing": true})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	perk := r.Body["id"].(string)
	r = b.Do(t, http.MethodPost, "/v1/tiers/benefits", owner, map[string]any{"tier": "gold", "kind": "early_access",
		"title": map[string]any{"zh": "新品抢先", "en": "New teas first"}, "description": text, "tag": "spring-preview", "existing": true})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)

	login := b.Do(t, http.MethodPost, "/v1/mini/"+tn.Slug+"/login", "", map[string]any{"code": wx.IssueCode(miniApp, "o-member", "")})
	require.Equal(t, http.StatusOK, login.Status, "%s", login.Raw)
	member, memberID := login.Body["token"].(string), login.Body["customer_id"].(string)

	r = b.Do(t, http.MethodGet, "/v1/tiers/eligibility?customer_id="+memberID+"&tag=spring-preview", owner, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Equal(t, false, r.Body["eligible"])
	require.Equal(t, "not_in_tier", r.Body["reason"])
	r = b.Do(t, http.MethodGet, "/v1/tiers/eligibility?customer_id=00000000-0000-0000-0000-000000000001&tag=spring-preview", owner, nil)
	require.Equal(t, http.StatusNotFound, r.Status, "%s", r.Raw)
	require.Equal(t, []string{"query.customer_id"}, r.Fields())
	r = b.Do(t, http.MethodPost, "/v1/me/tier/benefits/"+perk+"/claim", member, map[string]any{"key": "c1"})
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Raw)
	require.Equal(t, "tier_benefit_not_yours", r.ProblemCode())

	r = b.Do(t, http.MethodPost, "/v1/points/purchases", owner, map[string]any{"purchase_id": "pos-1", "customer_id": memberID,
		"amount_fen": 500_000, "items": []map[string]any{{"sku": "tea", "quantity": 1}}})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	b.React(t)

	r = b.Do(t, http.MethodGet, "/v1/tiers/eligibility?customer_id="+memberID+"&tag=spring-preview", owner, nil)
	require.Equal(t, true, r.Body["eligible"], "%s", r.Raw)
	r = b.Do(t, http.MethodGet, "/v1/me/tier/benefits", member, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	statuses := map[string]string{}
	for _, x := range r.Body["benefits"].([]any) {
		statuses[x.(map[string]any)["id"].(string)] = x.(map[string]any)["status"].(string)
	}
	require.Equal(t, "given", statuses[entry])
	r = b.Do(t, http.MethodGet, "/v1/me/vouchers", member, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Len(t, r.Body["items"], 1, "the entry reward's voucher, free")
	voucher := r.Body["items"].([]any)[0].(map[string]any)
	require.Equal(t, reward, voucher["reward_id"])
	r = b.Do(t, http.MethodPost, "/v1/vouchers/"+voucher["id"].(string)+"/cancel", owner, map[string]any{"reason": "测试"})
	require.Equal(t, http.StatusOK, r.Status, "a gift's voucher is cancelled, with no points to return: %s", r.Raw)
	require.Equal(t, "available", statuses[perk])

	r = b.Do(t, http.MethodPost, "/v1/me/tier/benefits/"+perk+"/claim", member, map[string]any{"key": "c1"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Equal(t, "used_up", r.Body["status"])
	r = b.Do(t, http.MethodPost, "/v1/me/tier/benefits/"+perk+"/claim", member, map[string]any{"key": "c1"})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Equal(t, true, r.Body["replayed"])
	r = b.Do(t, http.MethodPost, "/v1/me/tier/benefits/"+perk+"/claim", member, map[string]any{"key": "c2"})
	require.Equal(t, http.StatusConflict, r.Status, "%s", r.Raw)
	require.Equal(t, "tier_benefit_used_up", r.ProblemCode())

	r = b.Do(t, http.MethodGet, "/v1/tiers/benefits", owner, nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	uses := map[string]float64{}
	for _, x := range r.Body["benefits"].([]any) {
		uses[x.(map[string]any)["id"].(string)] = x.(map[string]any)["uses"].(float64)
	}
	require.Equal(t, map[string]float64{entry: 1, perk: 1, r.Body["benefits"].([]any)[2].(map[string]any)["id"].(string): 0}, uses)

	staff := b.APIKey(t, tn, access.RoleStoreStaff)
	r = b.Do(t, http.MethodDelete, "/v1/tiers/benefits/"+perk, staff, nil)
	require.Equal(t, http.StatusForbidden, r.Status)
	r = b.Do(t, http.MethodDelete, "/v1/tiers/benefits/"+perk, owner, nil)
	require.Equal(t, http.StatusNoContent, r.Status, "%s", r.Raw)
	r = b.Do(t, http.MethodDelete, "/v1/tiers/benefits/"+perk, owner, nil)
	require.Equal(t, http.StatusNotFound, r.Status, "%s", r.Raw)
}
