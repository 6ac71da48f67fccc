package wechattest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/wechat/wechattest"
)

// answer is a stable_token answer: a token or an error.
type answer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	ErrCode     int    `json:"errcode"`
	ErrMsg      string `json:"errmsg"`
}

// call sends method /cgi-bin/stable_token with body and decodes the answer, which must be
// HTTP 200 with WeChat's Content-Type whatever it says.
func call(t *testing.T, srv *wechattest.Server, method, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+"/cgi-bin/stable_token", strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/json; encoding=utf-8", resp.Header.Get("Content-Type"))
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var a answer
	require.NoError(t, json.Unmarshal(raw, &a), string(raw))
	return a
}

// tokenBody is a stable_token request body.
func tokenBody(appID, secret string, force bool) string {
	b, _ := json.Marshal(map[string]any{"grant_type": "client_credential", "appid": appID, "secret": secret, "force_refresh": force})
	return string(b)
}

func TestStableTokenRefusesWithWeChatsErrorCodes(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wx1", "s3cret")
	srv.AddApp("wxlimited", "s3cret")
	srv.Limit("wxlimited")
	cases := []struct {
		name, method, body string
		want               int
	}{
		{"GET is 43002", http.MethodGet, "", 43002},
		{"PUT is 43002", http.MethodPut, tokenBody("wx1", "s3cret", false), 43002},
		{"malformed JSON is 47001", http.MethodPost, `{"grant_type":`, 47001},
		{"empty body is 47001", http.MethodPost, "", 47001},
		{"wrongly typed field is 47001", http.MethodPost, `{"grant_type":"client_credential","appid":1}`, 47001},
		{"other grant_type is 40002", http.MethodPost, `{"grant_type":"authorization_code","appid":"wx1","secret":"s3cret"}`, 40002},
		{"missing grant_type is 40002", http.MethodPost, `{"appid":"wx1","secret":"s3cret"}`, 40002},
		{"missing appid is 41002", http.MethodPost, tokenBody("", "s3cret", false), 41002},
		{"unknown appid is 40013", http.MethodPost, tokenBody("wxnobody", "s3cret", false), 40013},
		{"appid in other case is 40013", http.MethodPost, tokenBody("WX1", "s3cret", false), 40013},
		{"missing secret is 41004", http.MethodPost, tokenBody("wx1", "", false), 41004},
		{"wrong secret is 40125", http.MethodPost, tokenBody("wx1", "other", false), 40125},
		{"limited app is 45009", http.MethodPost, tokenBody("wxlimited", "s3cret", false), 45009},
	}
	rid := regexp.MustCompile(` rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$`)
	for _, tc := range cases {
		a := call(t, srv, tc.method, tc.body)
		require.Equal(t, tc.want, a.ErrCode, tc.name)
		require.Empty(t, a.AccessToken, tc.name)
		require.Equal(t, wechattest.Message(tc.want), rid.ReplaceAllString(a.ErrMsg, ""), tc.name)
		require.Regexp(t, rid, a.ErrMsg, tc.name)
	}
	require.Equal(t, 4, srv.Calls("wx1"), "requests naming wx1 that got past the method and JSON checks")
}

func TestUnlimitLiftsTheQuota(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wx1", "s3cret")
	srv.Limit("wx1")
	require.Equal(t, 45009, call(t, srv, http.MethodPost, tokenBody("wx1", "s3cret", false)).ErrCode)
	srv.Unlimit("wx1")
	require.NotEmpty(t, call(t, srv, http.MethodPost, tokenBody("wx1", "s3cret", false)).AccessToken)
}

func TestNormalModeReusesTheTokenUntilFiveMinutesBeforeExpiry(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wx1", "s3cret")

	first := call(t, srv, http.MethodPost, tokenBody("wx1", "s3cret", false))
	require.NotEmpty(t, first.AccessToken)
	require.Equal(t, 7200, first.ExpiresIn)

	srv.Advance(time.Hour)
	again := call(t, srv, http.MethodPost, tokenBody("wx1", "s3cret", false))
	require.Equal(t, first.AccessToken, again.AccessToken)
	require.InDelta(t, 3600, again.ExpiresIn, 1, "the remaining lifetime")

	srv.Advance(time.Hour - 4*time.Minute)
	next := call(t, srv, http.MethodPost, tokenBody("wx1", "s3cret", false))
	require.NotEqual(t, first.AccessToken, next.AccessToken)
	require.Equal(t, 7200, next.ExpiresIn)
	require.True(t, srv.ValidToken("wx1", first.AccessToken), "the old token lives out its 7200 s")
	require.True(t, srv.ValidToken("wx1", next.AccessToken))

	srv.Advance(4 * time.Minute)
	require.False(t, srv.ValidToken("wx1", first.AccessToken), "expired")
	require.Equal(t, 3, srv.Calls("wx1"))
}

func TestForceRefreshIssuesANewTokenAndRevokesTheOld(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wx1", "s3cret")
	srv.AddApp("wx2", "s3cret")
	first := call(t, srv, http.MethodPost, tokenBody("wx1", "s3cret", false))
	other := call(t, srv, http.MethodPost, tokenBody("wx2", "s3cret", false))

	forced := call(t, srv, http.MethodPost, tokenBody("wx1", "s3cret", true))
	require.NotEqual(t, first.AccessToken, forced.AccessToken)
	require.Equal(t, 7200, forced.ExpiresIn)
	require.False(t, srv.ValidToken("wx1", first.AccessToken))
	require.True(t, srv.ValidToken("wx1", forced.AccessToken))
	require.True(t, srv.ValidToken("wx2", other.AccessToken), "another app's token is untouched")
	require.False(t, srv.ValidToken("wx2", forced.AccessToken), "a token is valid only for its app")
}

func TestChangedSecretRefusesTheOldOne(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wx1", "old")
	tok := call(t, srv, http.MethodPost, tokenBody("wx1", "old", false)).AccessToken
	srv.AddApp("wx1", "new")
	require.Equal(t, 40125, call(t, srv, http.MethodPost, tokenBody("wx1", "old", false)).ErrCode)
	require.Equal(t, tok, call(t, srv, http.MethodPost, tokenBody("wx1", "new", false)).AccessToken)
}

func TestCheckTokenAnswersWhatWeChatWould(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wx1", "s3cret")
	revoked := call(t, srv, http.MethodPost, tokenBody("wx1", "s3cret", false)).AccessToken
	valid := call(t, srv, http.MethodPost, tokenBody("wx1", "s3cret", true)).AccessToken
	srv.Advance(wechattest.TokenLifetime - time.Second)

	check := func(query string) (string, int) {
		return srv.CheckToken(httptest.NewRequest(http.MethodPost, "/cgi-bin/message/template/send"+query, nil))
	}
	cases := []struct {
		name, query, appID string
		errcode            int
	}{
		{"valid token names its app", "?access_token=" + valid, "wx1", 0},
		{"missing token is 41001", "", "", 41001},
		{"empty token is 41001", "?access_token=", "", 41001},
		{"unknown token is 40001", "?access_token=nope", "", 40001},
		{"token replaced by a forced refresh is 40001", "?access_token=" + revoked, "", 40001},
	}
	for _, tc := range cases {
		appID, errcode := check(tc.query)
		require.Equal(t, tc.errcode, errcode, tc.name)
		require.Equal(t, tc.appID, appID, tc.name)
	}

	srv.Advance(time.Second)
	appID, errcode := check("?access_token=" + valid)
	require.Equal(t, 42001, errcode, "expired token")
	require.Equal(t, "wx1", appID)
	require.Equal(t, "access_token expired", wechattest.Message(errcode))
}
