package pointsapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

func weekendRules() map[string]any {
	return map[string]any{
		"rules": []map[string]any{
			{"key": "base", "title": map[string]any{"zh_cn": "消费积分", "en": "Points for purchases"}, "wallet": "points", "kind": "base", "points": 1, "per_fen": 100},
			{"key": "weekend", "title": map[string]any{"zh_cn": "周末双倍", "en": "Double at weekends"}, "tip": map[string]any{"zh_cn": "周末消费积分翻倍", "en": "Shop at weekends for double points"},
				"wallet": "points", "kind": "multiplier", "percent": 200, "priority": 5, "when": map[string]any{"weekdays": []int{0, 6}}},
		},
		"caps": []map[string]any{{"wallet": "points", "per_order": 1000}},
	}
}

// An admin publishes a version, simulates a purchase under it and previews the change; the
// member reads the rules in their language; bad rules name the field at fault.
func TestRulesArePublishedSimulatedPreviewedAndReadByTheMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// A purchase in the last 30 days, earned by the default rules.
	saturday := time.Now().AddDate(0, 0, -int(time.Now().Weekday())-1) // the last Saturday
	r := b.Do(t, http.MethodPost, "/v1/points/purchases", b.owner, map[string]any{"purchase_id": "sat-1", "customer_id": b.memberID,
		"amount_fen": 10_000, "occurred_at": saturday.Format(time.RFC3339), "items": []map[string]any{{"sku": "tea", "quantity": 1}}})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)

	bad := weekendRules()
	bad["rules"].([]map[string]any)[1]["percent"] = 50
	bad["rules"].([]map[string]any)[0]["wallet"] = "coins"
	refused := b.Do(t, http.MethodPost, "/v1/points/rules/versions", b.owner, map[string]any{"rules": bad})
	require.Equal(t, http.StatusUnprocessableEntity, refused.Status, "%s", refused.Raw)
	require.ElementsMatch(t, []string{"body.rules.rules[0].wallet", "body.rules.rules[1].percent"}, refused.Fields())
	segment := weekendRules()
	segment["rules"].([]map[string]any)[1]["when"] = map[string]any{"segments": []string{"not-a-segment"}}
	notID := b.Do(t, http.MethodPost, "/v1/points/rules/simulate", b.owner, map[string]any{"rules": segment, "purchase": map[string]any{"amount_fen": 100}})
	require.Equal(t, http.StatusUnprocessableEntity, notID.Status, "%s", notID.Raw)
	require.Equal(t, []string{"body.rules.rules[1].when.segments[0]"}, notID.Fields())
	nul := weekendRules()
	nul["rules"].([]map[string]any)[0]["title"] = map[string]any{"zh_cn": "消费\u0000积分", "en": "x"}
	require.Equal(t, http.StatusUnprocessableEntity, b.Do(t, http.MethodPost, "/v1/points/rules/versions", b.owner, map[string]any{"rules": nul}).Status)
	past := b.Do(t, http.MethodPost, "/v1/points/rules/versions", b.owner, map[string]any{"rules": weekendRules(),
		"effective_at": time.Now().Add(-time.Hour).Format(time.RFC3339)})
	require.Equal(t, http.StatusUnprocessableEntity, past.Status, "%s", past.Raw)
	require.Equal(t, "effective_in_past", past.ProblemCode())
	require.Equal(t, []string{"body.effective_at"}, past.Fields())

	ahead := time.Now().Add(time.Hour)
	v := b.Do(t, http.MethodPost, "/v1/points/rules/versions", b.owner, map[string]any{"rules": weekendRules(), "note": "周末活动",
		"effective_at": ahead.Format(time.RFC3339)})
	require.Equal(t, http.StatusCreated, v.Status, "%s", v.Raw)
	require.Equal(t, 1.0, v.Body["version"])

	list := b.Do(t, http.MethodGet, "/v1/points/rules", b.owner, nil)
	require.Equal(t, http.StatusOK, list.Status, "%s", list.Raw)
	require.Equal(t, 0.0, list.Body["current"], "not yet in effect")
	require.Len(t, list.Body["versions"], 1)

	sim := b.Do(t, http.MethodPost, "/v1/points/rules/simulate", b.owner, map[string]any{"version": 1,
		"purchase": map[string]any{"customer_id": b.memberID, "amount_fen": 25_800, "occurred_at": saturday.Format(time.RFC3339)}})
	require.Equal(t, http.StatusOK, sim.Status, "%s", sim.Raw)
	require.Equal(t, []any{map[string]any{"wallet": "points", "points": 516.0}}, sim.Body["wallets"])
	lines := sim.Body["lines"].([]any)
	require.Equal(t, "weekend", lines[1].(map[string]any)["rule"])
	require.Equal(t, 258.0, lines[1].(map[string]any)["points"])
	unknown := b.Do(t, http.MethodPost, "/v1/points/rules/simulate", b.owner, map[string]any{"version": 4, "purchase": map[string]any{"amount_fen": 1}})
	require.Equal(t, http.StatusUnprocessableEntity, unknown.Status, "%s", unknown.Raw)
	require.Equal(t, "rule_version_not_found", unknown.ProblemCode())
	require.Equal(t, []string{"body.version"}, unknown.Fields())

	stranger := b.Do(t, http.MethodPost, "/v1/points/rules/simulate", b.owner, map[string]any{
		"purchase": map[string]any{"customer_id": "0193a1b2-0000-7000-8000-000000000000", "amount_fen": 100}})
	require.Equal(t, http.StatusNotFound, stranger.Status, "%s", stranger.Raw)
	require.Equal(t, "customer_not_found", stranger.ProblemCode())
	require.Equal(t, []string{"body.purchase.customer_id"}, stranger.Fields())

	pv := b.Do(t, http.MethodPost, "/v1/points/rules/preview", b.owner, map[string]any{"version": 1})
	require.Equal(t, http.StatusOK, pv.Status, "%s", pv.Raw)
	require.Equal(t, 1.0, pv.Body["purchases"], "%s", pv.Raw)
	require.Equal(t, 1.0, pv.Body["affected"])
	require.Contains(t, pv.Body["wallets"], map[string]any{"wallet": "points", "current": 100.0, "proposed": 200.0, "gaining": 1.0, "losing": 0.0})
	require.Contains(t, pv.Body["wallets"], map[string]any{"wallet": "status", "current": 100.0, "proposed": 0.0, "gaining": 0.0, "losing": 1.0},
		"the version has no status rules")

	analyst := b.APIKey(t, b.tn, access.RoleAnalyst)
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodPost, "/v1/points/rules/simulate", analyst, map[string]any{"purchase": map[string]any{"amount_fen": 100}}).Status)
	require.Equal(t, http.StatusForbidden, b.Do(t, http.MethodPost, "/v1/points/rules/versions", analyst, map[string]any{"rules": weekendRules()}).Status)

	mine := b.Do(t, http.MethodGet, "/v1/me/points/rules?lang=en", b.member, nil)
	require.Equal(t, http.StatusOK, mine.Status, "%s", mine.Raw)
	require.Equal(t, "en", mine.Body["lang"])
	require.Equal(t, "Points for purchases", mine.Body["rules"].([]any)[0].(map[string]any)["title"], "the default rules until the version takes effect")
	zh := b.Do(t, http.MethodGet, "/v1/me/points/rules", b.member, nil)
	require.Equal(t, "zh-CN", zh.Body["lang"])
	require.Equal(t, "每消费 1 元得 1 积分", zh.Body["rules"].([]any)[0].(map[string]any)["tip"])

	gone := b.Do(t, http.MethodDelete, "/v1/points/rules/versions/1", b.owner, nil)
	require.Equal(t, http.StatusNoContent, gone.Status, "%s", gone.Raw)
	again := b.Do(t, http.MethodDelete, "/v1/points/rules/versions/1", b.owner, nil)
	require.Equal(t, http.StatusNotFound, again.Status, "%s", again.Raw)
	require.Equal(t, "rule_version_not_found", again.ProblemCode())
	now := b.Do(t, http.MethodPost, "/v1/points/rules/versions", b.owner, map[string]any{"rules": weekendRules()})
	require.Equal(t, http.StatusCreated, now.Status, "%s", now.Raw)
	require.Equal(t, 2.0, now.Body["version"], "a withdrawn version's number is not given again")
	stays := b.Do(t, http.MethodDelete, "/v1/points/rules/versions/2", b.owner, nil)
	require.Equal(t, http.StatusConflict, stays.Status, "%s", stays.Raw)
	require.Equal(t, "rule_version_in_effect", stays.ProblemCode())
	require.Equal(t, 2.0, b.Do(t, http.MethodGet, "/v1/points/rules", b.owner, nil).Body["current"])
}
