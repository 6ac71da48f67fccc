package customersapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMemberChangesTheirProfileAndImportsTheirWeChatProfile(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, owner := b.miniBrand(t, testMiniApp)
	login := b.login(t, tn.Slug, testMiniApp, "o-mp-1", "")
	token := login.Body["token"].(string)
	id := login.Body["customer_id"].(string)

	changed := b.Do(t, http.MethodPatch, "/v1/me", token, map[string]any{
		"address":    map[string]any{"province": "上海", "city": "上海", "district": "静安", "line": "南京西路1号", "postcode": "200040"},
		"avatar_url": "https://cdn.brand.example/avatars/1.png"})
	require.Equal(t, http.StatusOK, changed.Status, "%s", changed.Raw)
	require.Equal(t, "200040", changed.Body["address"].(map[string]any)["postcode"])
	require.Equal(t, "https://cdn.brand.example/avatars/1.png", changed.Body["avatar_url"])

	avatar := "https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132"
	imported := b.Do(t, http.MethodPost, "/v1/me/wechat-profile", token, map[string]any{"nickname": "小明", "avatar_url": avatar})
	require.Equal(t, http.StatusOK, imported.Status, "%s", imported.Raw)
	require.Equal(t, "小明", imported.Body["name"])
	require.Equal(t, avatar, imported.Body["avatar_url"])
	accounts := b.Do(t, http.MethodGet, "/v1/customers/"+id+"/wechat-accounts", owner, nil)
	require.Equal(t, http.StatusOK, accounts.Status, "%s", accounts.Raw)
	acc := accounts.Body["items"].([]any)[0].(map[string]any)
	require.Equal(t, "小明", acc["nickname"])
	require.Equal(t, avatar, acc["avatar_url"])

	cases := []struct {
		name, method, path string
		body               map[string]any
		code               string
		fields             []string
	}{
		{"bad postcode", http.MethodPatch, "/v1/me", map[string]any{"address": map[string]any{"postcode": "12"}},
			"validation_failed", []string{"body.address.postcode"}},
		{"plain http avatar", http.MethodPatch, "/v1/me", map[string]any{"avatar_url": "http://cdn.example/a.png"},
			"validation_failed", []string{"body.avatar_url"}},
		{"phone is not the member's to type", http.MethodPatch, "/v1/me", map[string]any{"phone": "+8613812345678"},
			"validation_failed", []string{"body.phone"}},
		{"avatar off WeChat's CDN", http.MethodPost, "/v1/me/wechat-profile", map[string]any{"nickname": "x", "avatar_url": "https://evil.example/a.png"},
			"validation_failed", []string{"body.avatar_url"}},
		{"empty nickname", http.MethodPost, "/v1/me/wechat-profile", map[string]any{"nickname": " ", "avatar_url": avatar},
			"validation_failed", []string{"body.nickname"}},
	}
	for _, tc := range cases {
		r := b.Do(t, tc.method, tc.path, token, tc.body)
		require.Equalf(t, http.StatusUnprocessableEntity, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equalf(t, tc.code, r.ProblemCode(), "%s: %s", tc.name, r.Raw)
		require.Equalf(t, tc.fields, r.Fields(), "%s: %s", tc.name, r.Raw)
	}
	me := b.Do(t, http.MethodGet, "/v1/me", token, nil)
	require.Equal(t, "200040", me.Body["address"].(map[string]any)["postcode"], "no refused change applied")
	require.Equal(t, avatar, me.Body["avatar_url"])
	require.NotContains(t, me.Body, "phone")
}

func TestMemberReadsTheirPurchasesTimelineAndMembership(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, owner := b.miniBrand(t, testMiniApp)
	login := b.login(t, tn.Slug, testMiniApp, "o-mp-1", "")
	token := login.Body["token"].(string)
	id := login.Body["customer_id"].(string)
	stranger := b.login(t, tn.Slug, testMiniApp, "o-mp-2", "").Body["customer_id"].(string)

	empty := b.Do(t, http.MethodGet, "/v1/me/membership", token, nil)
	require.Equal(t, http.StatusOK, empty.Status, "%s", empty.Raw)
	require.Equal(t, "new", empty.Body["lifecycle_stage"])
	require.EqualValues(t, 0, empty.Body["purchase_count"])
	require.Equal(t, map[string]any{}, empty.Body["sections"], "no module fills a section yet: none is shown")

	at := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Second)
	sent := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []map[string]any{
		{"id": "p1", "customer_id": id, "type": "purchase", "channel": "pos", "occurred_at": at.Format(time.RFC3339), "amount_fen": 3800,
			"store": "静安店", "items": []map[string]any{{"sku": "oolong-50g", "category": "tea", "quantity": 2, "price_fen": 1900}}},
		{"id": "p2", "customer_id": id, "type": "purchase", "channel": "mini_program", "occurred_at": at.Add(time.Hour).Format(time.RFC3339),
			"amount_fen": 1200, "items": []map[string]any{{"sku": "cup", "quantity": 1}}},
		{"id": "v1", "customer_id": id, "type": "visit", "channel": "pos", "occurred_at": at.Add(2 * time.Hour).Format(time.RFC3339), "store": "静安店"},
		{"id": "s1", "customer_id": stranger, "type": "purchase", "channel": "pos", "occurred_at": at.Format(time.RFC3339), "amount_fen": 9900,
			"items": []map[string]any{{"sku": "gift", "quantity": 1}}},
	}})
	require.Equal(t, http.StatusOK, sent.Status, "%s", sent.Raw)
	require.EqualValues(t, 4, sent.Body["accepted"])
	require.Positive(t, b.React(t))

	first := b.Do(t, http.MethodGet, "/v1/me/purchases?limit=1", token, nil)
	require.Equal(t, http.StatusOK, first.Status, "%s", first.Raw)
	items := first.Body["items"].([]any)
	require.Len(t, items, 1)
	require.Equal(t, "p2", items[0].(map[string]any)["id"], "newest first")
	require.EqualValues(t, 1200, items[0].(map[string]any)["amount_fen"])
	next := b.Do(t, http.MethodGet, "/v1/me/purchases?limit=1&cursor="+first.Body["next_cursor"].(string), token, nil)
	p1 := next.Body["items"].([]any)[0].(map[string]any)
	require.Equal(t, "p1", p1["id"])
	require.Equal(t, "静安店", p1["store"])
	require.EqualValues(t, 3800, p1["amount_fen"])
	require.Equal(t, "oolong-50g", p1["items"].([]any)[0].(map[string]any)["sku"])
	require.NotContains(t, next.Body, "next_cursor", "only the member's own two purchases")

	timeline := b.Do(t, http.MethodGet, "/v1/me/timeline", token, nil)
	require.Equal(t, http.StatusOK, timeline.Status, "%s", timeline.Raw)
	require.Len(t, timeline.Body["items"], 3)
	require.Equal(t, "v1", timeline.Body["items"].([]any)[0].(map[string]any)["id"])
	visits := b.Do(t, http.MethodGet, "/v1/me/timeline?type=visit", token, nil)
	require.Len(t, visits.Body["items"], 1)
	bad := b.Do(t, http.MethodGet, "/v1/me/timeline?type=Visit!", token, nil)
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status, "%s", bad.Raw)
	require.Equal(t, []string{"query.type"}, bad.Fields())
	badCursor := b.Do(t, http.MethodGet, "/v1/me/purchases?cursor=***", token, nil)
	require.Equal(t, "invalid_cursor", badCursor.ProblemCode())

	m := b.Do(t, http.MethodGet, "/v1/me/membership", token, nil)
	require.Equal(t, http.StatusOK, m.Status, "%s", m.Raw)
	require.EqualValues(t, 2, m.Body["purchase_count"])
	require.EqualValues(t, 5000, m.Body["spend_fen"])
	require.EqualValues(t, 1, m.Body["visit_count"])
	require.NotEmpty(t, m.Body["member_since"])

	for _, path := range []string{"/v1/me/purchases", "/v1/me/timeline", "/v1/me/membership", "/v1/me/qr", "/v1/me/wechat-profile"} {
		method := http.MethodGet
		if path == "/v1/me/wechat-profile" {
			method = http.MethodPost
		}
		r := b.Do(t, method, path, owner, map[string]any{})
		require.Equalf(t, http.StatusUnauthorized, r.Status, "%s takes a customer token only: %s", path, r.Raw)
	}
}
