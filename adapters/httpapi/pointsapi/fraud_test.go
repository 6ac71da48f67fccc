package pointsapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

// The brand sets its fraud rules (bad ones are 422 naming the field, changing nothing); a till
// purchase beyond the limit is held and waits in the queue; an admin approves it once and the
// points count; a redemption right after an unusual earning is refused with its code.
func TestFraudRulesHoldAnEarningUntilAnAdminApprovesIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	bad := b.Do(t, http.MethodPut, "/v1/points/fraud/settings", b.owner, map[string]any{
		"limits": []map[string]any{{"subject": "customer", "period": "day", "measure": "points", "max": 50},
			{"subject": "customer", "period": "day", "measure": "points", "max": 60}},
		"velocity": map[string]any{"count": 3, "minutes": 0}, "referrals": map[string]any{"count": 0, "minutes": 0},
		"receipts": map[string]any{"count": 0, "minutes": 0}, "redeem": map[string]any{"minutes": 0, "points": 0}, "risk_rank": 0})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status, "%s", bad.Raw)
	require.Contains(t, string(bad.Raw), "body.limits[1]")
	require.Contains(t, string(bad.Raw), "body.velocity.minutes")
	got := b.Do(t, http.MethodGet, "/v1/points/fraud/settings", b.owner, nil)
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Raw)
	require.Empty(t, got.Body["limits"], "nothing changed")

	rules := map[string]any{"limits": []map[string]any{{"subject": "customer", "period": "day", "measure": "points", "max": 50}},
		"velocity": map[string]any{"count": 0, "minutes": 0}, "referrals": map[string]any{"count": 0, "minutes": 0},
		"receipts": map[string]any{"count": 0, "minutes": 0}, "redeem": map[string]any{"minutes": 30, "points": 20}, "risk_rank": 0}
	put := b.Do(t, http.MethodPut, "/v1/points/fraud/settings", b.owner, rules)
	require.Equal(t, http.StatusOK, put.Status, "%s", put.Raw)

	till := b.APIKey(t, b.tn, access.RoleStoreStaff)
	require.Equal(t, http.StatusOK, b.buy(t, till, "pos-1", 3000).Status)
	r := b.buy(t, till, "pos-2", 3000)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Equal(t, 30.0, wallet(t, r.Body, "points")["pending"], "60 today is over 50: held")

	redeem := b.Do(t, http.MethodPost, "/v1/customers/"+b.memberID+"/points/redemptions", till, map[string]any{"points": 10, "reference": "r-1"})
	require.Equal(t, http.StatusConflict, redeem.Status, "%s", redeem.Raw)
	require.Equal(t, "points_held_for_review", redeem.Body["code"])

	queue := b.Do(t, http.MethodGet, "/v1/points/fraud/flags?status=pending", b.owner, nil)
	require.Equal(t, http.StatusOK, queue.Status, "%s", queue.Raw)
	items := queue.Body["items"].([]any)
	require.Len(t, items, 2, "the held earning and the refused redemption")
	var held string
	for _, it := range items {
		if f := it.(map[string]any); f["kind"] == "earn" {
			held = f["id"].(string)
			require.Equal(t, "limit", f["reasons"].([]any)[0].(map[string]any)["code"])
		}
	}
	require.NotEmpty(t, held)
	path := "/v1/points/fraud/flags/" + held
	require.Equal(t, http.StatusUnprocessableEntity, b.Do(t, http.MethodPost, path+"/approve", b.owner, map[string]any{"reason": "why not"}).Status)
	operator := b.APIKey(t, b.tn, access.RoleLoyaltyOperator)
	require.Equal(t, http.StatusForbidden, b.Do(t, http.MethodPost, path+"/approve", operator, map[string]any{"reason": "legitimate"}).Status)
	ok := b.Do(t, http.MethodPost, path+"/approve", b.owner, map[string]any{"reason": "legitimate", "note": "门店周年庆"})
	require.Equal(t, http.StatusOK, ok.Status, "%s", ok.Raw)
	require.Equal(t, "approved", ok.Body["status"])
	again := b.Do(t, http.MethodPost, path+"/approve", b.owner, map[string]any{"reason": "legitimate"})
	require.Equal(t, http.StatusConflict, again.Status)
	require.Equal(t, "fraud_flag_decided", again.Body["code"])
	require.Equal(t, http.StatusNotFound, b.Do(t, http.MethodGet, "/v1/points/fraud/flags/"+"0190c3a4-0000-7000-8000-000000000000", b.owner, nil).Status)
	me := b.Do(t, http.MethodGet, "/v1/customers/"+b.memberID+"/points", b.owner, nil)
	require.Equal(t, 60.0, wallet(t, me.Body, "points")["balance"], "%s", me.Raw)
}
