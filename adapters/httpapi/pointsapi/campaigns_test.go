package pointsapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func springCampaign(start time.Time) map[string]any {
	return map[string]any{"name": map[string]any{"zh_cn": "春季双倍积分", "en": "Spring double points"},
		"description": map[string]any{"zh_cn": "满50元积分翻倍", "en": "Double points from 50 yuan"}, "wallet": "points",
		"starts_at": start.Format(time.RFC3339Nano), "ends_at": start.Add(24 * time.Hour).Format(time.RFC3339Nano),
		"kind": "multiplier", "percent": 200, "when": map[string]any{"min_spend_fen": 5000}, "budget": 150}
}

// An admin schedules a campaign, changes it while scheduled, the till's purchases earn from it
// until its budget is spent, the admin reads its performance and the member reads it in their
// language while it runs; bad input names the field at fault and changes nothing.
func TestACampaignIsScheduledEarnsUntilItsBudgetAndIsReadByTheMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	bad := springCampaign(time.Now().Add(-time.Hour))
	bad["wallet"], bad["percent"] = "coins", 50
	bad["when"] = map[string]any{"segments": []string{"nope"}}
	refused := b.Do(t, http.MethodPost, "/v1/points/campaigns", b.owner, bad)
	require.Equal(t, http.StatusUnprocessableEntity, refused.Status, "%s", refused.Raw)
	require.ElementsMatch(t, []string{"body.when.segments[0]"}, refused.Fields())
	delete(bad, "when")
	refused = b.Do(t, http.MethodPost, "/v1/points/campaigns", b.owner, bad)
	require.Equal(t, http.StatusUnprocessableEntity, refused.Status, "%s", refused.Raw)
	require.ElementsMatch(t, []string{"body.wallet", "body.percent", "body.starts_at"}, refused.Fields())

	start := time.Now().Add(1500 * time.Millisecond)
	created := b.Do(t, http.MethodPost, "/v1/points/campaigns", b.owner, springCampaign(start))
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	require.Equal(t, "scheduled", created.Body["state"])
	id := created.Body["id"].(string)
	changed := springCampaign(start)
	changed["budget"] = 200
	updated := b.Do(t, http.MethodPut, "/v1/points/campaigns/"+id, b.owner, changed)
	require.Equal(t, http.StatusOK, updated.Status, "%s", updated.Raw)
	require.Equal(t, 200.0, updated.Body["budget"])

	time.Sleep(time.Until(start) + 100*time.Millisecond)
	started := b.Do(t, http.MethodPut, "/v1/points/campaigns/"+id, b.owner, changed)
	require.Equal(t, http.StatusConflict, started.Status, "%s", started.Raw)
	require.Equal(t, "campaign_started", started.ProblemCode())

	mine := b.Do(t, http.MethodGet, "/v1/me/points/campaigns?lang=en", b.member, nil)
	require.Equal(t, http.StatusOK, mine.Status, "%s", mine.Raw)
	require.Equal(t, "Spring double points", mine.Body["campaigns"].([]any)[0].(map[string]any)["name"])
	zh := b.Do(t, http.MethodGet, "/v1/me/points/campaigns", b.member, nil)
	require.Equal(t, "春季双倍积分", zh.Body["campaigns"].([]any)[0].(map[string]any)["name"])

	first := b.buy(t, b.owner, "order-1", 15000) // 150 + 150
	require.Equal(t, http.StatusOK, first.Status, "%s", first.Raw)
	require.Equal(t, 300.0, wallet(t, first.Body, "points")["balance"])
	second := b.buy(t, b.owner, "order-2", 15000) // 150 + the 50 left
	require.Equal(t, 500.0, wallet(t, second.Body, "points")["balance"])

	got := b.Do(t, http.MethodGet, "/v1/points/campaigns/"+id, b.owner, nil)
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Raw)
	require.Equal(t, "stopped", got.Body["state"])
	require.Equal(t, "budget", got.Body["stop_reason"])
	require.Equal(t, map[string]any{"issued": 200.0, "left": 0.0, "participants": 1.0, "purchases": 2.0, "spend_fen": 30000.0},
		got.Body["performance"])
	list := b.Do(t, http.MethodGet, "/v1/points/campaigns", b.owner, nil)
	require.Len(t, list.Body["campaigns"], 1)
	stop := b.Do(t, http.MethodPost, "/v1/points/campaigns/"+id+"/stop", b.owner, nil)
	require.Equal(t, http.StatusConflict, stop.Status, "%s", stop.Raw)
	require.Equal(t, "campaign_not_running", stop.ProblemCode())
	missing := b.Do(t, http.MethodGet, "/v1/points/campaigns/0193a1b2-0000-7000-8000-000000000000", b.owner, nil)
	require.Equal(t, http.StatusNotFound, missing.Status)
	require.Equal(t, "campaign_not_found", missing.ProblemCode())
	none := b.Do(t, http.MethodGet, "/v1/me/points/campaigns", b.member, nil)
	require.Empty(t, none.Body["campaigns"], "a stopped campaign is not offered")
}
