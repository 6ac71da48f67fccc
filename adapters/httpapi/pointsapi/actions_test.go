package pointsapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/domain/access"
)

// A brand defines its action rules over the API (201, then 200; a rule at fault names its
// fields); a member checks in from the Mini Program once a day and reads the ways to earn in
// their language; a rule's removal leaves what it awarded.
func TestActionRulesAndTheDailyCheckInOverTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.Do(t, http.MethodPost, "/v1/me/points/check-ins", b.member, nil)
	require.Equal(t, http.StatusNotFound, r.Status, "%s", r.Raw)
	require.Equal(t, "check_in_not_offered", r.Body["code"])

	rule := map[string]any{"action": "check_in", "wallet": "points", "points": 5, "limit": map[string]any{"count": 1, "period": "day"},
		"streak": []map[string]any{{"days": 7, "points": 20, "repeat": true}}, "title": "每日签到", "title_en": "Daily check-in",
		"tip": "每天签到得 5 积分", "tip_en": "5 points a day", "active": true}
	r = b.Do(t, http.MethodPut, "/v1/points/action-rules/daily_check_in", b.owner, rule)
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Raw)
	require.Equal(t, "/v1/points/action-rules/daily_check_in", r.Header.Get("Location"))
	r = b.Do(t, http.MethodPut, "/v1/points/action-rules/daily_check_in", b.owner, rule)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)

	bad := map[string]any{"action": "survey", "wallet": "gems", "points": 5, "limit": map[string]any{"count": 1, "period": "day"},
		"streak": []map[string]any{{"days": 7, "points": 20}}, "title": "问卷", "title_en": "", "tip": "", "tip_en": "", "active": true}
	r = b.Do(t, http.MethodPut, "/v1/points/action-rules/survey", b.owner, bad)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Raw)
	require.Contains(t, string(r.Raw), "body.streak")

	staff := b.APIKey(t, b.tn, access.RoleStoreStaff)
	r = b.Do(t, http.MethodPut, "/v1/points/action-rules/other", staff, rule)
	require.Equal(t, http.StatusForbidden, r.Status, "%s", r.Raw)

	first := b.Do(t, http.MethodPost, "/v1/me/points/check-ins", b.member, nil)
	require.Equal(t, http.StatusOK, first.Status, "%s", first.Raw)
	require.Equal(t, 1.0, first.Body["streak"])
	require.Equal(t, 5.0, first.Body["points"])
	require.Equal(t, 5.0, first.Body["balance"])
	again := b.Do(t, http.MethodPost, "/v1/me/points/check-ins", b.member, nil)
	require.Equal(t, true, again.Body["replayed"])
	require.Equal(t, 5.0, again.Body["balance"])

	mine := b.Do(t, http.MethodGet, "/v1/me/points/actions?lang=en", b.member, nil)
	require.Equal(t, http.StatusOK, mine.Status, "%s", mine.Raw)
	require.Equal(t, true, mine.Body["checked_in_today"])
	require.Equal(t, 1.0, mine.Body["streak"])
	items := mine.Body["items"].([]any)
	require.Len(t, items, 1)
	require.Equal(t, "Daily check-in", items[0].(map[string]any)["title"])
	zh := b.Do(t, http.MethodGet, "/v1/me/points/actions", b.member, nil)
	require.Equal(t, "每日签到", zh.Body["items"].([]any)[0].(map[string]any)["title"])

	require.Equal(t, http.StatusNoContent, b.Do(t, http.MethodDelete, "/v1/points/action-rules/daily_check_in", b.owner, nil).Status)
	require.Equal(t, http.StatusNotFound, b.Do(t, http.MethodDelete, "/v1/points/action-rules/daily_check_in", b.owner, nil).Status)
	points := b.Do(t, http.MethodGet, "/v1/me/points", b.member, nil)
	require.Equal(t, 5.0, wallet(t, points.Body, "points")["balance"])
	jobstest.WorkSubscribers(t, b.App.DB.Pool(), b.App.Bus)
}
