package customersapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

func TestCustomersDownloadTheirDataAndAskForErasure(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, _ := b.miniBrand(t, testMiniApp)
	login := b.login(t, tn.Slug, testMiniApp, "o-priv-1", "")
	require.Equal(t, http.StatusOK, login.Status, "%s", login.Raw)
	token := login.Body["token"].(string)
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodPatch, "/v1/me", token, map[string]any{"name": "王小明"}).Status)

	data := b.Do(t, http.MethodGet, "/v1/me/data", token, nil)
	require.Equal(t, http.StatusOK, data.Status, "%s", data.Raw)
	require.Equal(t, "王小明", data.Body["profile"].(map[string]any)["name"])
	sections := data.Body["sections"].(map[string]any)
	require.Equal(t, "o-priv-1", sections["wechat_accounts"].([]any)[0].(map[string]any)["open_id"])
	require.Contains(t, sections, "activity")

	asked := b.Do(t, http.MethodPost, "/v1/me/erasure", token, nil)
	require.Equal(t, http.StatusAccepted, asked.Status, "%s", asked.Raw)
	require.Equal(t, "pending", asked.Body["status"])
	due, err := time.Parse(time.RFC3339, asked.Body["due_at"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().Add(7*24*time.Hour), due, time.Minute, "a week to change one's mind")
	twice := b.Do(t, http.MethodPost, "/v1/me/erasure", token, nil)
	require.Equal(t, http.StatusConflict, twice.Status)
	require.Equal(t, "erasure_pending", twice.ProblemCode())
	require.Equal(t, asked.Body["id"], b.Do(t, http.MethodGet, "/v1/me/erasure", token, nil).Body["id"])

	cancelled := b.Do(t, http.MethodDelete, "/v1/me/erasure", token, nil)
	require.Equal(t, http.StatusOK, cancelled.Status, "%s", cancelled.Raw)
	require.Equal(t, "cancelled", cancelled.Body["status"])
	none := b.Do(t, http.MethodGet, "/v1/me/erasure", token, nil)
	require.Equal(t, http.StatusNotFound, none.Status)
	require.Equal(t, "no_erasure_pending", none.ProblemCode())
	require.Equal(t, "王小明", b.Do(t, http.MethodGet, "/v1/me", token, nil).Body["name"])
}

func TestAdminsEraseACustomerForGood(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, owner := b.miniBrand(t, testMiniApp)
	marketer, err := b.Keys.Create(context.Background(), tn.ID, nil, "marketer", access.RoleMarketer)
	require.NoError(t, err)
	login := b.login(t, tn.Slug, testMiniApp, "o-priv-2", "")
	require.Equal(t, http.StatusOK, login.Status, "%s", login.Raw)
	id, token := login.Body["customer_id"].(string), login.Body["token"].(string)
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodPatch, "/v1/customers/"+id, owner,
		map[string]any{"name": "李秀英", "phone": "13912345678", "email": "li@example.com", "city": "杭州"}).Status)

	denied := b.Do(t, http.MethodPost, "/v1/customers/"+id+"/erase", marketer.Token, nil)
	require.Equal(t, http.StatusForbidden, denied.Status, "erasure takes customers:erase")
	erase := b.Do(t, http.MethodPost, "/v1/customers/"+id+"/erase", owner, nil)
	require.Equal(t, http.StatusAccepted, erase.Status, "%s", erase.Raw)
	require.Equal(t, "admin", erase.Body["requested_by"])

	ctx, stop := context.WithCancel(context.Background())
	require.NoError(t, b.App.River.Start(ctx))
	t.Cleanup(func() {
		stop()
		<-b.App.River.Stopped()
	})
	require.Eventually(t, func() bool {
		list := b.Do(t, http.MethodGet, "/v1/customer-erasures", owner, nil)
		items, _ := list.Body["items"].([]any)
		return len(items) == 1 && items[0].(map[string]any)["status"] == "done"
	}, 30*time.Second, 50*time.Millisecond, "the job erases the customer")

	got := b.Do(t, http.MethodGet, "/v1/customers/"+id, owner, nil)
	require.Equal(t, http.StatusOK, got.Status)
	for _, personal := range []string{"李秀英", "13912345678", "li@example.com"} {
		require.NotContains(t, string(got.Raw), personal)
	}
	require.Equal(t, "杭州", got.Body["city"], "what identifies nobody stays")
	back := b.Do(t, http.MethodPatch, "/v1/customers/"+id, owner, map[string]any{"name": "李秀英"})
	require.Equal(t, http.StatusConflict, back.Status, "%s", back.Raw)
	require.Equal(t, "customer_erased", back.ProblemCode())
	again := b.Do(t, http.MethodPost, "/v1/customers/"+id+"/erase", owner, nil)
	require.Equal(t, http.StatusConflict, again.Status)
	require.Equal(t, "customer_erased", again.ProblemCode())

	data := b.Do(t, http.MethodGet, "/v1/customers/"+id+"/data", owner, nil)
	require.Equal(t, http.StatusOK, data.Status)
	require.NotContains(t, string(data.Raw), "o-priv-2", "the WeChat link is gone")
	trail := b.Do(t, http.MethodGet, "/v1/audit-log?target_id="+id, owner, nil)
	require.NotContains(t, string(trail.Raw), "13912345678")
	require.Contains(t, string(trail.Raw), "customer.erase")
	require.Contains(t, string(trail.Raw), "customer.data_export")

	require.Equal(t, http.StatusUnauthorized, b.Do(t, http.MethodGet, "/v1/me", token, nil).Status,
		"the erased customer's token stops working")
	relogin := b.login(t, tn.Slug, testMiniApp, "o-priv-2", "")
	require.Equal(t, true, relogin.Body["new"], "the WeChat user is a stranger to the brand again")

	late := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{
		map[string]any{"id": "survey-after-erasure", "customer_id": id, "type": "survey", "channel": "mini_program",
			"occurred_at": time.Now().Add(-time.Minute).Format(time.RFC3339), "payload": map[string]any{"comment": "我是李秀英"}},
	}})
	require.Equal(t, http.StatusOK, late.Status, "%s", late.Raw)
	require.Equal(t, []string{"rejected customer_erased body.events[0].customer_id"}, results(t, late),
		"an event could bring personal data back")
}
