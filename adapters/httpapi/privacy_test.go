package httpapi

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
	require.Equal(t, http.StatusOK, login.status, "%s", login.raw)
	token := login.body["token"].(string)
	require.Equal(t, http.StatusOK, b.do(t, http.MethodPatch, "/v1/me", token, map[string]any{"name": "王小明"}).status)

	data := b.do(t, http.MethodGet, "/v1/me/data", token, nil)
	require.Equal(t, http.StatusOK, data.status, "%s", data.raw)
	require.Equal(t, "王小明", data.body["profile"].(map[string]any)["name"])
	sections := data.body["sections"].(map[string]any)
	require.Equal(t, "o-priv-1", sections["wechat_accounts"].([]any)[0].(map[string]any)["open_id"])
	require.Contains(t, sections, "activity")

	asked := b.do(t, http.MethodPost, "/v1/me/erasure", token, nil)
	require.Equal(t, http.StatusAccepted, asked.status, "%s", asked.raw)
	require.Equal(t, "pending", asked.body["status"])
	due, err := time.Parse(time.RFC3339, asked.body["due_at"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().Add(7*24*time.Hour), due, time.Minute, "a week to change one's mind")
	twice := b.do(t, http.MethodPost, "/v1/me/erasure", token, nil)
	require.Equal(t, http.StatusConflict, twice.status)
	require.Equal(t, "erasure_pending", twice.problemCode())
	require.Equal(t, asked.body["id"], b.do(t, http.MethodGet, "/v1/me/erasure", token, nil).body["id"])

	cancelled := b.do(t, http.MethodDelete, "/v1/me/erasure", token, nil)
	require.Equal(t, http.StatusOK, cancelled.status, "%s", cancelled.raw)
	require.Equal(t, "cancelled", cancelled.body["status"])
	none := b.do(t, http.MethodGet, "/v1/me/erasure", token, nil)
	require.Equal(t, http.StatusNotFound, none.status)
	require.Equal(t, "no_erasure_pending", none.problemCode())
	require.Equal(t, "王小明", b.do(t, http.MethodGet, "/v1/me", token, nil).body["name"])
}

func TestAdminsEraseACustomerForGood(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, owner := b.miniBrand(t, testMiniApp)
	marketer, err := b.keys.Create(context.Background(), tn.ID, nil, "marketer", access.RoleMarketer)
	require.NoError(t, err)
	login := b.login(t, tn.Slug, testMiniApp, "o-priv-2", "")
	require.Equal(t, http.StatusOK, login.status, "%s", login.raw)
	id, token := login.body["customer_id"].(string), login.body["token"].(string)
	require.Equal(t, http.StatusOK, b.do(t, http.MethodPatch, "/v1/customers/"+id, owner,
		map[string]any{"name": "李秀英", "phone": "13912345678", "email": "li@example.com", "city": "杭州"}).status)

	denied := b.do(t, http.MethodPost, "/v1/customers/"+id+"/erase", marketer.Token, nil)
	require.Equal(t, http.StatusForbidden, denied.status, "erasure takes customers:erase")
	erase := b.do(t, http.MethodPost, "/v1/customers/"+id+"/erase", owner, nil)
	require.Equal(t, http.StatusAccepted, erase.status, "%s", erase.raw)
	require.Equal(t, "admin", erase.body["requested_by"])

	ctx, stop := context.WithCancel(context.Background())
	require.NoError(t, b.app.River.Start(ctx))
	t.Cleanup(func() {
		stop()
		<-b.app.River.Stopped()
	})
	require.Eventually(t, func() bool {
		list := b.do(t, http.MethodGet, "/v1/customer-erasures", owner, nil)
		items, _ := list.body["items"].([]any)
		return len(items) == 1 && items[0].(map[string]any)["status"] == "done"
	}, 30*time.Second, 50*time.Millisecond, "the job erases the customer")

	got := b.do(t, http.MethodGet, "/v1/customers/"+id, owner, nil)
	require.Equal(t, http.StatusOK, got.status)
	for _, personal := range []string{"李秀英", "13912345678", "li@example.com"} {
		require.NotContains(t, string(got.raw), personal)
	}
	require.Equal(t, "杭州", got.body["city"], "what identifies nobody stays")
	back := b.do(t, http.MethodPatch, "/v1/customers/"+id, owner, map[string]any{"name": "李秀英"})
	require.Equal(t, http.StatusConflict, back.status, "%s", back.raw)
	require.Equal(t, "customer_erased", back.problemCode())
	again := b.do(t, http.MethodPost, "/v1/customers/"+id+"/erase", owner, nil)
	require.Equal(t, http.StatusConflict, again.status)
	require.Equal(t, "customer_erased", again.problemCode())

	data := b.do(t, http.MethodGet, "/v1/customers/"+id+"/data", owner, nil)
	require.Equal(t, http.StatusOK, data.status)
	require.NotContains(t, string(data.raw), "o-priv-2", "the WeChat link is gone")
	trail := b.do(t, http.MethodGet, "/v1/audit-log?target_id="+id, owner, nil)
	require.NotContains(t, string(trail.raw), "13912345678")
	require.Contains(t, string(trail.raw), "customer.erase")
	require.Contains(t, string(trail.raw), "customer.data_export")

	require.Equal(t, http.StatusUnauthorized, b.do(t, http.MethodGet, "/v1/me", token, nil).status,
		"the erased customer's token stops working")
	relogin := b.login(t, tn.Slug, testMiniApp, "o-priv-2", "")
	require.Equal(t, true, relogin.body["new"], "the WeChat user is a stranger to the brand again")
}
