package wechattest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/wechat/wechattest"
)

// raw sends method path?query with body and returns the answer's JSON fields, requiring HTTP
// 200 with WeChat's Content-Type whatever it says.
func raw(t *testing.T, srv *wechattest.Server, method, path string, query url.Values, body string) map[string]any {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+path+"?"+query.Encode(), strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/json; encoding=utf-8", resp.Header.Get("Content-Type"))
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out), string(b))
	return out
}

func TestJSCode2SessionAnswersInWeChatsShape(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wxmini", "s3cret")
	login := func(code string) map[string]any {
		return raw(t, srv, http.MethodGet, "/sns/jscode2session", url.Values{"appid": {"wxmini"}, "secret": {"s3cret"},
			"js_code": {code}, "grant_type": {"authorization_code"}}, "")
	}

	with := login(srv.IssueCode("wxmini", "o-1", "u-1"))
	require.Equal(t, "o-1", with["openid"])
	require.Equal(t, "u-1", with["unionid"])
	require.NotEmpty(t, with["session_key"])
	require.NotContains(t, with, "errcode", "a session answer carries no errcode")

	without := login(srv.IssueCode("wxmini", "o-2", ""))
	require.Equal(t, "o-2", without["openid"])
	require.NotContains(t, without, "unionid", "no UnionID means no unionid field, not an empty one")
	require.NotEqual(t, with["session_key"], without["session_key"])

	refused := login("made-up")
	require.EqualValues(t, 40029, refused["errcode"])
	require.Regexp(t, `^invalid code rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$`, refused["errmsg"])
}

func TestGetUserPhoneNumberAnswersInWeChatsShape(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wxmini", "s3cret")
	tok := call(t, srv, http.MethodPost, tokenBody("wxmini", "s3cret", false)).AccessToken

	a := raw(t, srv, http.MethodPost, "/wxa/business/getuserphonenumber", url.Values{"access_token": {tok}},
		`{"code":"`+srv.IssuePhoneCode("wxmini", "13812345678")+`"}`)
	require.EqualValues(t, 0, a["errcode"])
	require.Equal(t, "ok", a["errmsg"])
	info := a["phone_info"].(map[string]any)
	require.Equal(t, "13812345678", info["phoneNumber"])
	require.Equal(t, "13812345678", info["purePhoneNumber"])
	require.Equal(t, "86", info["countryCode"])
	require.Equal(t, "wxmini", info["watermark"].(map[string]any)["appid"])

	// The access token is checked before the body, as WeChat does.
	refused := raw(t, srv, http.MethodPost, "/wxa/business/getuserphonenumber", url.Values{"access_token": {"nope"}}, `{"code":`)
	require.EqualValues(t, 40001, refused["errcode"])
}
