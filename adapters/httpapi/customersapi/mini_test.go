package customersapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Mini Programs of the brands in these tests, and their AppSecret.
const (
	testMiniApp   = "wx0123456789abcdef"
	testOtherMini = "wx00112233445566aa"
	testAppSecret = "mini-program-app-secret-0123456789"
)

// miniBundle is the API with WeChat's stand-in behind it.
type miniBundle struct {
	*testBundle
	wx *wechattest.Server
}

func setupMini(t *testing.T) *miniBundle {
	t.Helper()
	wx := wechattest.New(t)
	wx.AddApp(testMiniApp, testAppSecret)
	wx.AddApp(testOtherMini, testAppSecret)
	return &miniBundle{testBundle: &testBundle{apitest.NewWith(t, apitest.Options{WeChatAPI: wx.URL()})}, wx: wx}
}

// miniBrand onboards a brand whose Mini Program is appID, with an owner's API key.
func (b *miniBundle) miniBrand(t *testing.T, appID string) (tenants.Tenant, string) {
	t.Helper()
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	require.NoError(t, b.App.Channels.Save(context.Background(), tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: appID}, testAppSecret))
	return tn, owner
}

// login logs the user openID of appID in to brand ref and returns the answer.
func (b *miniBundle) login(t *testing.T, ref, appID, openID, unionID string) apitest.Response {
	t.Helper()
	return b.Do(t, http.MethodPost, "/v1/mini/"+ref+"/login", "", map[string]any{"code": b.wx.IssueCode(appID, openID, unionID)})
}

func TestMiniProgramCustomerLogsInAndKeepsTheirProfile(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, owner := b.miniBrand(t, testMiniApp)

	first := b.login(t, tn.Slug, testMiniApp, "o-mp-1", "u-1")
	require.Equal(t, http.StatusOK, first.Status, "%s", first.Raw)
	require.Equal(t, true, first.Body["new"])
	token := first.Body["token"].(string)
	require.True(t, strings.HasPrefix(token, "ect_"))
	id := first.Body["customer_id"].(string)
	expires, err := time.Parse(time.RFC3339, first.Body["expires_at"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().Add(2*time.Hour), expires, time.Minute)

	again := b.login(t, tn.ID.String(), testMiniApp, "o-mp-1", "u-1")
	require.Equal(t, http.StatusOK, again.Status, "%s", again.Raw)
	require.Equal(t, false, again.Body["new"], "the brand is named by slug or ID")
	require.Equal(t, id, again.Body["customer_id"])

	me := b.Do(t, http.MethodGet, "/v1/me", token, nil)
	require.Equal(t, http.StatusOK, me.Status, "%s", me.Raw)
	require.Equal(t, id, me.Body["id"])
	require.Equal(t, "zh-CN", me.Body["language"])
	require.NotContains(t, me.Body, "attributes", "the brand's own attributes are not shown to the customer")

	changed := b.Do(t, http.MethodPatch, "/v1/me", token, map[string]any{"name": "王小明", "gender": "male", "birth_date": "1990-05-20",
		"language": "en", "consents": map[string]bool{"marketing_wechat": true}})
	require.Equal(t, http.StatusOK, changed.Status, "%s", changed.Raw)
	require.Equal(t, "王小明", changed.Body["name"])
	require.Equal(t, "1990-05-20", changed.Body["birth_date"])
	require.Equal(t, map[string]any{"marketing_wechat": true}, changed.Body["consents"])

	phone := b.Do(t, http.MethodPost, "/v1/me/phone", token, map[string]any{"code": b.wx.IssuePhoneCode(testMiniApp, "138 1234 5678")})
	require.Equal(t, http.StatusOK, phone.Status, "%s", phone.Raw)
	require.Equal(t, "+8613812345678", phone.Body["phone"])

	// The brand's admins see the same customer, changed by the customer themselves.
	admin := b.Do(t, http.MethodGet, "/v1/customers/"+id, owner, nil)
	require.Equal(t, http.StatusOK, admin.Status, "%s", admin.Raw)
	require.Equal(t, "王小明", admin.Body["name"])
	require.Equal(t, "+8613812345678", admin.Body["phone"])
	trail := b.Do(t, http.MethodGet, "/v1/audit-log?target_type=customer", owner, nil)
	require.Equal(t, http.StatusOK, trail.Status, "%s", trail.Raw)
	items := trail.Body["items"].([]any)
	require.Len(t, items, 4, "created, linked, profile changed, phone set")
	for _, it := range items {
		require.Equal(t, "customer", it.(map[string]any)["actor_kind"])
		require.Equal(t, id, it.(map[string]any)["actor_id"])
	}
	require.NotContains(t, string(trail.Raw), "o-mp-1", "no OpenID in the trail")
	require.NotContains(t, string(trail.Raw), "13812345678", "no phone number in the trail")
}

func TestMiniProgramRefusalsHaveStableCodes(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, _ := b.miniBrand(t, testMiniApp)
	bare, _ := b.TenantWithKey(t, access.RoleOwner)
	login := func(ref string, body any) apitest.Response {
		return b.Do(t, http.MethodPost, "/v1/mini/"+ref+"/login", "", body)
	}

	used := b.wx.IssueCode(testMiniApp, "o-mp-1", "")
	require.Equal(t, http.StatusOK, login(tn.Slug, map[string]any{"code": used}).Status)
	cases := []struct {
		name   string
		res    apitest.Response
		status int
		code   string
		fields []string
	}{
		{"used code", login(tn.Slug, map[string]any{"code": used}), http.StatusUnprocessableEntity, "invalid_code", []string{"body.code"}},
		{"another Mini Program's code", login(tn.Slug, map[string]any{"code": b.wx.IssueCode(testOtherMini, "o", "")}),
			http.StatusUnprocessableEntity, "invalid_code", []string{"body.code"}},
		{"no code", login(tn.Slug, map[string]any{"code": ""}), http.StatusUnprocessableEntity, "validation_failed", []string{"body.code"}},
		{"unknown brand", login("no-such-brand", map[string]any{"code": "x"}), http.StatusNotFound, "tenant_not_found", []string{"path.tenant"}},
		{"brand without a Mini Program", login(bare.Slug, map[string]any{"code": "x"}), http.StatusServiceUnavailable,
			"mini_program_not_configured", nil},
	}
	for _, tc := range cases {
		require.Equalf(t, tc.status, tc.res.Status, "%s: %s", tc.name, tc.res.Raw)
		require.Equalf(t, tc.code, tc.res.ProblemCode(), "%s: %s", tc.name, tc.res.Raw)
		require.ElementsMatchf(t, tc.fields, tc.res.Fields(), "%s: %s", tc.name, tc.res.Raw)
	}

	b.wx.Throttle(testMiniApp)
	limited := login(tn.Slug, map[string]any{"code": b.wx.IssueCode(testMiniApp, "o-mp-1", "")})
	require.Equal(t, http.StatusTooManyRequests, limited.Status, "%s", limited.Raw)
	require.Equal(t, "wechat_rate_limited", limited.ProblemCode())
	require.Equal(t, "60", limited.Header.Get("Retry-After"))
	b.wx.Unthrottle(testMiniApp)

	_, err := b.Dir.Suspend(context.Background(), tn.Slug)
	require.NoError(t, err)
	suspended := login(tn.Slug, map[string]any{"code": b.wx.IssueCode(testMiniApp, "o-mp-1", "")})
	require.Equal(t, http.StatusForbidden, suspended.Status)
	require.Equal(t, "tenant_suspended", suspended.ProblemCode())
}

func TestMiniProgramLoginIsRateLimitedPerClientAddress(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, _ := b.miniBrand(t, testMiniApp)
	var last apitest.Response
	for range 11 {
		last = b.Do(t, http.MethodPost, "/v1/mini/"+tn.Slug+"/login", "", map[string]any{"code": "made-up"})
	}
	require.Equal(t, http.StatusTooManyRequests, last.Status, "%s", last.Raw)
	require.Equal(t, "rate_limited", last.ProblemCode())
	require.NotEmpty(t, last.Header.Get("Retry-After"))
}

func TestCustomerOperationsTakeOnlyAValidCustomerToken(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, owner := b.miniBrand(t, testMiniApp)
	other, _ := b.miniBrand(t, testOtherMini)
	mine := b.login(t, tn.Slug, testMiniApp, "o-mp-1", "u-1")
	theirs := b.login(t, other.Slug, testOtherMini, "o-other-1", "u-1")
	require.Equal(t, http.StatusOK, theirs.Status, "%s", theirs.Raw)
	token := mine.Body["token"].(string)

	// One character changed inside the claims: the signature no longer matches.
	forged := []byte(token)
	forged[10] = map[bool]byte{true: 'B', false: 'A'}[forged[10] == 'A']
	for name, credential := range map[string]string{
		"no token":          "",
		"an API key":        owner,
		"a forged token":    string(forged),
		"a malformed token": "ect_garbage",
	} {
		r := b.Do(t, http.MethodGet, "/v1/me", credential, nil)
		require.Equalf(t, http.StatusUnauthorized, r.Status, "%s: %s", name, r.Raw)
		require.Equalf(t, "unauthenticated", r.ProblemCode(), "%s", name)
		require.Equalf(t, []string{"header.Authorization"}, r.Fields(), "%s", name)
	}

	// A customer token opens nothing but the customer's own operations.
	r := b.Do(t, http.MethodGet, "/v1/customers", token, nil)
	require.Equal(t, http.StatusUnauthorized, r.Status, "%s", r.Raw)

	// Each brand's token shows that brand's customer, even for the same WeChat user.
	me := b.Do(t, http.MethodGet, "/v1/me", token, nil)
	require.Equal(t, mine.Body["customer_id"], me.Body["id"])
	them := b.Do(t, http.MethodGet, "/v1/me", theirs.Body["token"].(string), nil)
	require.Equal(t, theirs.Body["customer_id"], them.Body["id"])
	require.NotEqual(t, me.Body["id"], them.Body["id"])

	_, err := b.Dir.Suspend(context.Background(), tn.Slug)
	require.NoError(t, err)
	r = b.Do(t, http.MethodGet, "/v1/me", token, nil)
	require.Equal(t, http.StatusForbidden, r.Status, "%s", r.Raw)
	require.Equal(t, "tenant_suspended", r.ProblemCode())
}

func TestCustomerProfileChangesAreCheckedFieldByField(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, owner := b.miniBrand(t, testMiniApp)
	token := b.login(t, tn.Slug, testMiniApp, "o-mp-1", "").Body["token"].(string)
	phone := "+8613812345678"
	taken := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"phone": phone})
	require.Equal(t, http.StatusCreated, taken.Status, "%s", taken.Raw)

	cases := []struct {
		name, method, path string
		body               map[string]any
		status             int
		code               string
		fields             []string
	}{
		{"future birth date", http.MethodPatch, "/v1/me", map[string]any{"birth_date": "2999-01-01"},
			http.StatusUnprocessableEntity, "validation_failed", []string{"body.birth_date"}},
		{"unknown consent", http.MethodPatch, "/v1/me", map[string]any{"consents": map[string]bool{"sell_my_data": true}},
			http.StatusUnprocessableEntity, "validation_failed", []string{"body.consents.sell_my_data"}},
		{"unknown language", http.MethodPatch, "/v1/me", map[string]any{"language": "fr"},
			http.StatusUnprocessableEntity, "validation_failed", []string{"body.language"}},
		{"phone another customer has", http.MethodPost, "/v1/me/phone", map[string]any{"code": b.wx.IssuePhoneCode(testMiniApp, "13812345678")},
			http.StatusConflict, "phone_taken", []string{"body.code"}},
		{"unknown phone code", http.MethodPost, "/v1/me/phone", map[string]any{"code": "made-up"},
			http.StatusUnprocessableEntity, "invalid_code", []string{"body.code"}},
	}
	for _, tc := range cases {
		r := b.Do(t, tc.method, tc.path, token, tc.body)
		require.Equalf(t, tc.status, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equalf(t, tc.code, r.ProblemCode(), "%s: %s", tc.name, r.Raw)
		require.ElementsMatchf(t, tc.fields, r.Fields(), "%s: %s", tc.name, r.Raw)
	}
	me := b.Do(t, http.MethodGet, "/v1/me", token, nil)
	require.NotContains(t, me.Body, "birth_date", "no refused change was applied")
	require.NotContains(t, me.Body, "phone")
}

// hoursAgo is a clock h hours behind.
type hoursAgo int

func (h hoursAgo) Now() time.Time { return time.Now().Add(-time.Duration(h) * time.Hour) }

func TestARefreshTokenRenewsAnExpiredCustomerTokenOnceAndARepeatRevokesThem(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, _ := b.miniBrand(t, testMiniApp)
	other, _ := b.miniBrand(t, testOtherMini)
	login := b.login(t, tn.Slug, testMiniApp, "o-mp-1", "")
	require.Equal(t, http.StatusOK, login.Status, "%s", login.Raw)
	id := login.Body["customer_id"].(string)
	first := login.Body["refresh_token"].(string)
	require.True(t, strings.HasPrefix(first, "ecr_"))
	until, err := time.Parse(time.RFC3339, login.Body["refresh_expires_at"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().Add(30*24*time.Hour), until, time.Minute)

	// A token issued three hours ago, as this deployment signs them, has expired.
	old, err := customerauth.NewTokens(customerauth.DeriveKey(apitest.SecretsKey), hoursAgo(3))
	require.NoError(t, err)
	expired, _ := old.Issue(tn.ID, uuid.MustParse(id))
	r := b.Do(t, http.MethodGet, "/v1/me", expired, nil)
	require.Equal(t, http.StatusUnauthorized, r.Status, "%s", r.Raw)
	require.Equal(t, "unauthenticated", r.ProblemCode())
	require.Contains(t, string(r.Raw), "expired")

	refresh := func(ref, token string) apitest.Response {
		return b.Do(t, http.MethodPost, "/v1/mini/"+ref+"/refresh", "", map[string]any{"refresh_token": token})
	}
	next := refresh(tn.Slug, first)
	require.Equal(t, http.StatusOK, next.Status, "%s", next.Raw)
	require.Equal(t, id, next.Body["customer_id"])
	require.Equal(t, false, next.Body["new"])
	second := next.Body["refresh_token"].(string)
	require.NotEqual(t, first, second)
	me := b.Do(t, http.MethodGet, "/v1/me", next.Body["token"].(string), nil)
	require.Equal(t, http.StatusOK, me.Status, "%s", me.Raw)
	require.Equal(t, id, me.Body["id"])

	wrong := refresh(other.Slug, second)
	require.Equal(t, http.StatusUnauthorized, wrong.Status, "%s", wrong.Raw)
	require.Equal(t, "refresh_token_invalid", wrong.ProblemCode(), "another brand's path")
	require.Equal(t, []string{"body.refresh_token"}, wrong.Fields())

	// The first refresh token again: copied. Refused, and everything issued from it goes.
	reused := refresh(tn.Slug, first)
	require.Equal(t, http.StatusUnauthorized, reused.Status, "%s", reused.Raw)
	require.Equal(t, "refresh_token_reused", reused.ProblemCode())
	revoked := refresh(tn.Slug, second)
	require.Equal(t, http.StatusUnauthorized, revoked.Status, "%s", revoked.Raw)
	require.Equal(t, "refresh_token_revoked", revoked.ProblemCode())
	me = b.Do(t, http.MethodGet, "/v1/me", next.Body["token"].(string), nil)
	require.Equal(t, http.StatusUnauthorized, me.Status, "%s", me.Raw)

	for name, body := range map[string]any{"no token": map[string]any{}, "a customer token": map[string]any{"refresh_token": expired},
		"garbage": map[string]any{"refresh_token": "ecr_garbage"}} {
		r := b.Do(t, http.MethodPost, "/v1/mini/"+tn.Slug+"/refresh", "", body)
		require.Containsf(t, []int{http.StatusUnauthorized, http.StatusUnprocessableEntity}, r.Status, "%s: %s", name, r.Raw)
		require.Equalf(t, []string{"body.refresh_token"}, r.Fields(), "%s", name)
	}
}
