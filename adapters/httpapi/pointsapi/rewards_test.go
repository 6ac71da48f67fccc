package pointsapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

// An admin builds the catalog; the member browses it, claims a reward from the Mini Program
// (once per key) and sees the voucher; store staff verify it by its scanned QR and use it once;
// refusals are problems naming the field at fault.
func TestTheMemberClaimsARewardAndStaffUseItsVoucher(t *testing.T) {
	t.Parallel()
	b := setup(t)
	marketer := b.APIKey(t, b.tn, access.RoleMarketer)
	staff := b.APIKey(t, b.tn, access.RoleStoreStaff)
	tea := map[string]any{"kind": "voucher", "status": "active", "title": map[string]any{"zh": "乌龙茶一杯", "en": "An oolong tea"},
		"category": "drinks", "points": 300, "stock": 2, "per_customer": 1, "voucher_days": 30,
		"images": []string{"https://cdn.example.com/tea.png"}}
	created := b.Do(t, http.MethodPost, "/v1/rewards", marketer, tea)
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	id := created.Body["id"].(string)
	require.Equal(t, "/v1/rewards/"+id, created.Header.Get("Location"))
	require.Equal(t, 2.0, created.Body["left"])

	bad := b.Do(t, http.MethodPost, "/v1/rewards", marketer, map[string]any{"kind": "voucher", "status": "active",
		"title": map[string]any{"zh": "茶", "en": ""}, "points": 100, "voucher_days": 30, "per_period": map[string]any{"count": 1},
		"eligibility": map[string]any{"segments": []string{"not-a-uuid"}, "conditions": []any{}}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status, "%s", bad.Raw)
	require.Subset(t, bad.Fields(), []string{"body.title.en", "body.per_period.period", "body.eligibility.segments[0]"})
	forbidden := b.Do(t, http.MethodPost, "/v1/rewards", staff, tea)
	require.Equal(t, http.StatusForbidden, forbidden.Status, "store staff do not keep the catalog")

	require.Equal(t, http.StatusOK, b.buy(t, staff, "pos-1", 50000).Status)
	offers := b.Do(t, http.MethodGet, "/v1/me/rewards?category=drinks&eligible_only=true", b.member, nil)
	require.Equal(t, http.StatusOK, offers.Status, "%s", offers.Raw)
	require.Len(t, offers.Body["items"], 1)
	require.Equal(t, true, offers.Body["items"].([]any)[0].(map[string]any)["claimable"])

	claim := b.Do(t, http.MethodPost, "/v1/me/rewards/"+id+"/claim", b.member, map[string]any{"key": "mp-1"})
	require.Equal(t, http.StatusOK, claim.Status, "%s", claim.Raw)
	voucher := claim.Body["voucher"].(map[string]any)
	require.Equal(t, "issued", voucher["state"])
	require.Equal(t, 200.0, wallet(t, claim.Body["points"].(map[string]any), "points")["balance"])
	again := b.Do(t, http.MethodPost, "/v1/me/rewards/"+id+"/claim", b.member, map[string]any{"key": "mp-1"})
	require.Equal(t, http.StatusOK, again.Status, "%s", again.Raw)
	require.Equal(t, true, again.Body["replayed"])
	require.Equal(t, voucher["code"], again.Body["voucher"].(map[string]any)["code"])
	over := b.Do(t, http.MethodPost, "/v1/me/rewards/"+id+"/claim", b.member, map[string]any{"key": "mp-2"})
	require.Equal(t, http.StatusUnprocessableEntity, over.Status, "%s", over.Raw)
	require.Equal(t, "limit_reached", over.Body["code"])
	require.Equal(t, []string{"path.id"}, over.Fields())
	unknown := b.Do(t, http.MethodPost, "/v1/me/rewards/0196a000-0000-7000-8000-000000000000/claim", b.member, map[string]any{"key": "mp-3"})
	require.Equal(t, http.StatusNotFound, unknown.Status, "%s", unknown.Raw)
	require.Equal(t, "reward_not_found", unknown.Body["code"])

	mine := b.Do(t, http.MethodGet, "/v1/me/vouchers", b.member, nil)
	require.Equal(t, http.StatusOK, mine.Status, "%s", mine.Raw)
	require.Len(t, mine.Body["items"], 1)
	qr := mine.Body["items"].([]any)[0].(map[string]any)["qr"].(string)
	png := b.Do(t, http.MethodGet, "/v1/me/vouchers/"+voucher["id"].(string)+"/qr.png", b.member, nil)
	require.Equal(t, http.StatusOK, png.Status)
	require.Equal(t, "image/png", png.Header.Get("Content-Type"))

	verified := b.Do(t, http.MethodPost, "/v1/vouchers/verify", staff, map[string]any{"qr": qr})
	require.Equal(t, http.StatusOK, verified.Status, "%s", verified.Raw)
	require.Equal(t, voucher["code"], verified.Body["code"])
	forged := b.Do(t, http.MethodPost, "/v1/vouchers/verify", staff, map[string]any{"qr": qr[:len(qr)-2] + "AA"})
	require.Equal(t, http.StatusNotFound, forged.Status, "%s", forged.Raw)
	require.Equal(t, []string{"body.qr"}, forged.Fields())
	used := b.Do(t, http.MethodPost, "/v1/vouchers/use", staff, map[string]any{"code": voucher["code"], "store": "sh-001"})
	require.Equal(t, http.StatusOK, used.Status, "%s", used.Raw)
	require.Equal(t, "used", used.Body["state"])
	twice := b.Do(t, http.MethodPost, "/v1/vouchers/use", staff, map[string]any{"code": voucher["code"]})
	require.Equal(t, http.StatusConflict, twice.Status, "%s", twice.Raw)
	require.Equal(t, "voucher_used", twice.Body["code"])
	require.Equal(t, []string{"body.code"}, twice.Fields())
	cancel := b.Do(t, http.MethodPost, "/v1/vouchers/"+voucher["id"].(string)+"/cancel", staff, map[string]any{})
	require.Equal(t, http.StatusConflict, cancel.Status, "%s", cancel.Raw)

	history := b.Do(t, http.MethodGet, "/v1/vouchers?customer_id="+b.memberID, staff, nil)
	require.Equal(t, http.StatusOK, history.Status, "%s", history.Raw)
	require.Equal(t, "sh-001", history.Body["items"].([]any)[0].(map[string]any)["store"])

	// A partner claims for the member and cancels it: the points come back once.
	second := map[string]any{"kind": "gift", "status": "active", "title": map[string]any{"zh": "帆布袋", "en": "A tote bag"},
		"points": 100, "voucher_days": 7}
	bag := b.Do(t, http.MethodPost, "/v1/rewards", marketer, second)
	require.Equal(t, http.StatusCreated, bag.Status, "%s", bag.Raw)
	byTill := b.Do(t, http.MethodPost, "/v1/customers/"+b.memberID+"/rewards/claims", staff,
		map[string]any{"reward_id": bag.Body["id"], "key": "till-1"})
	require.Equal(t, http.StatusOK, byTill.Status, "%s", byTill.Raw)
	vid := byTill.Body["voucher"].(map[string]any)["id"].(string)
	c1 := b.Do(t, http.MethodPost, "/v1/vouchers/"+vid+"/cancel", staff, map[string]any{"reason": "顾客改主意"})
	require.Equal(t, http.StatusOK, c1.Status, "%s", c1.Raw)
	require.Equal(t, 200.0, wallet(t, c1.Body["points"].(map[string]any), "points")["balance"])
	c2 := b.Do(t, http.MethodPost, "/v1/vouchers/"+vid+"/cancel", staff, map[string]any{})
	require.Equal(t, http.StatusOK, c2.Status, "%s", c2.Raw)
	require.Equal(t, true, c2.Body["replayed"])
	pts := b.Do(t, http.MethodGet, "/v1/customers/"+b.memberID+"/points", staff, nil)
	require.Equal(t, 200.0, wallet(t, pts.Body, "points")["balance"])
}
