package pointsapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/points/points"
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
	require.Equal(t, true, r.Body["held"])
	require.Nil(t, wallet(t, r.Body, "points")["releases_at"], "no release date")
	require.Equal(t, true, b.buy(t, till, "pos-2", 3000).Body["held"], "a retry answers the same")

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

// A referral of the Mini Program member with their client IP asks WeChat for the member's risk
// rank (a job, outside the referral's transaction); at or above the brand's threshold their
// next purchase is held. WeChat busy leaves the rank unknown and earning goes on.
func TestAWeChatRiskRankAtTheThresholdHoldsTheMembersEarnings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rules := map[string]any{"limits": []map[string]any{}, "velocity": map[string]any{"count": 0, "minutes": 0},
		"referrals": map[string]any{"count": 0, "minutes": 0}, "receipts": map[string]any{"count": 0, "minutes": 0},
		"redeem": map[string]any{"minutes": 0, "points": 0}, "risk_rank": 3}
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodPut, "/v1/points/fraud/settings", b.owner, rules).Status)
	rule := b.Do(t, http.MethodPut, "/v1/points/action-rules/refer", b.owner, map[string]any{"action": "referral", "wallet": "points",
		"points": 50, "referee_points": 20, "limit": map[string]any{"count": 1, "period": "ever"}, "title": "邀请好友", "title_en": "Refer a friend", "tip": "", "tip_en": "", "active": true})
	require.Less(t, rule.Status, 300, "%s", rule.Raw)
	referrer := b.Do(t, http.MethodPost, "/v1/customers", b.owner, map[string]any{"name": "介绍人"})
	require.Equal(t, http.StatusCreated, referrer.Status, "%s", referrer.Raw)
	svc := module.Get[*points.Service](b.App.Kernel)
	rank := func() (n int, err error) {
		n = jobstest.Work(t, b.DB.Pool(), "points_risk_rank", func(raw []byte) error {
			var args points.RiskArgs
			require.NoError(t, json.Unmarshal(raw, &args))
			err = svc.RankRisk(context.Background(), args)
			return nil
		})
		return n, err
	}

	b.wx.SetRiskRank(miniApp, "o-member", 4)
	b.wx.Busy(true)
	ev := b.Do(t, http.MethodPost, "/v1/events", b.owner, map[string]any{"events": []map[string]any{{"id": "ref-1", "customer_id": b.memberID,
		"type": "referral", "channel": "mini_program", "occurred_at": time.Now().Format(time.RFC3339), "payload": map[string]any{"referrer_id": referrer.Body["id"], "client_ip": "203.0.113.9"}}}})
	require.Equal(t, http.StatusOK, ev.Status, "%s", ev.Raw)
	jobstest.WorkSubscribers(t, b.DB.Pool(), b.App.Bus)
	require.Equal(t, 1.0, ev.Body["accepted"], "%v", ev.Body)
	me := b.Do(t, http.MethodGet, "/v1/me/points", b.member, nil)
	require.Equal(t, 20.0, wallet(t, me.Body, "points")["balance"], "%s", me.Raw)
	n, err := rank()
	require.Equal(t, 1, n, "the referral asked for the member's rank")
	require.Error(t, err, "WeChat busy: the job fails and is retried")
	till := b.APIKey(t, b.tn, access.RoleStoreStaff)
	r := b.buy(t, till, "pos-r1", 1000)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Zero(t, wallet(t, r.Body, "points")["pending"], "the rank is unknown: nothing held")

	b.wx.Busy(false)
	require.NoError(t, svc.RankRisk(context.Background(), points.RiskArgs{TenantID: b.tn.ID.UUID(), CustomerID: uuid.MustParse(b.memberID),
		ClientIP: "203.0.113.9", Scene: 1}), "River retries the job once WeChat answers")
	r = b.buy(t, till, "pos-r2", 1000)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Equal(t, 10.0, wallet(t, r.Body, "points")["pending"], "rank 4 is at least 3: held")
	queue := b.Do(t, http.MethodGet, "/v1/points/fraud/flags?status=pending", b.owner, nil)
	reason := queue.Body["items"].([]any)[0].(map[string]any)["reasons"].([]any)[0].(map[string]any)
	require.Equal(t, "risk_rank", reason["code"])
	require.Equal(t, 4.0, reason["actual"])
}
