package wechat_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/wechat"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/ports"
)

// requireWeChatError requires err to be WeChat's refusal with errcode.
func requireWeChatError(t *testing.T, err error, errcode int, msgAndArgs ...any) {
	t.Helper()
	var pe *ports.ProviderError
	require.ErrorAs(t, err, &pe, msgAndArgs...)
	require.Equal(t, "wechat", pe.Provider, msgAndArgs...)
	require.Equal(t, strconv.Itoa(errcode), pe.Code, msgAndArgs...)
	require.Regexp(t, "^"+regexp.QuoteMeta(wechattest.Message(errcode))+" rid: ", pe.Message, msgAndArgs...)
}

// withQuery changes one query parameter of each request.
func withQuery(name, value string) tamper {
	return func(r *http.Request) {
		q := r.URL.Query()
		q.Set(name, value)
		r.URL.RawQuery = q.Encode()
	}
}

func TestCode2SessionExchangesACodeOnceForTheUsersIDs(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wxmini", "s3cret")
	c := wechat.New(srv.URL(), nil)

	code := srv.IssueCode("wxmini", "o-mini-1", "u-1")
	s, err := c.Code2Session(t.Context(), "wxmini", "s3cret", code)
	require.NoError(t, err)
	require.Equal(t, "o-mini-1", s.OpenID)
	require.Equal(t, "u-1", s.UnionID)
	require.Len(t, s.SessionKey, 24, "16 bytes in Base64")

	_, err = c.Code2Session(t.Context(), "wxmini", "s3cret", code)
	requireWeChatError(t, err, wechattest.ErrCodeUsed)

	s, err = c.Code2Session(t.Context(), "wxmini", "s3cret", srv.IssueCode("wxmini", "o-mini-2", ""))
	require.NoError(t, err)
	require.Equal(t, wechat.Session{OpenID: "o-mini-2", SessionKey: s.SessionKey}, s, "an app bound to no Open Platform account gives no UnionID")
}

func TestCode2SessionRefusalIsAProviderErrorWithWeChatsCode(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wxmini", "s3cret")
	srv.AddApp("wxother", "s3cret")
	srv.AddApp("wxbusy", "s3cret")
	srv.Throttle("wxbusy")
	expiring := srv.IssueCode("wxmini", "o-late", "")
	srv.Advance(wechattest.CodeLifetime)
	used := srv.IssueCode("wxmini", "o-used", "")
	_, err := wechat.New(srv.URL(), nil).Code2Session(t.Context(), "wxmini", "s3cret", used)
	require.NoError(t, err)

	cases := []struct {
		name, appID, secret, code string
		tamper                    tamper
		errcode                   int
	}{
		{name: "unknown appid", appID: "wxnobody", secret: "s3cret", code: srv.IssueCode("wxmini", "o", ""), errcode: 40013},
		{name: "missing appid", appID: "", secret: "s3cret", code: srv.IssueCode("wxmini", "o", ""), errcode: 41002},
		{name: "wrong secret", appID: "wxmini", secret: "wrong", code: srv.IssueCode("wxmini", "o", ""), errcode: 40125},
		{name: "missing secret", appID: "wxmini", secret: "", code: srv.IssueCode("wxmini", "o", ""), errcode: 41004},
		{name: "unknown code", appID: "wxmini", secret: "s3cret", code: "made-up", errcode: 40029},
		{name: "another app's code", appID: "wxmini", secret: "s3cret", code: srv.IssueCode("wxother", "o", ""), errcode: 40029},
		{name: "a phone code", appID: "wxmini", secret: "s3cret", code: srv.IssuePhoneCode("wxmini", "13812345678"), errcode: 40029},
		{name: "expired code", appID: "wxmini", secret: "s3cret", code: expiring, errcode: 40029},
		{name: "used code", appID: "wxmini", secret: "s3cret", code: used, errcode: 40163},
		{name: "missing code", appID: "wxmini", secret: "s3cret", code: "", errcode: 41008},
		{name: "minute quota", appID: "wxbusy", secret: "s3cret", code: srv.IssueCode("wxbusy", "o", ""), errcode: 45011},
		{
			name: "other grant_type", appID: "wxmini", secret: "s3cret", code: srv.IssueCode("wxmini", "o", ""), errcode: 40002,
			tamper: withQuery("grant_type", "client_credential"),
		},
	}
	for _, tc := range cases {
		var hc *http.Client
		if tc.tamper != nil {
			hc = &http.Client{Transport: tc.tamper}
		}
		s, err := wechat.New(srv.URL(), hc).Code2Session(t.Context(), tc.appID, tc.secret, tc.code)
		require.Empty(t, s, tc.name)
		requireWeChatError(t, err, tc.errcode, tc.name)
	}

	srv.Unthrottle("wxbusy")
	_, err = wechat.New(srv.URL(), nil).Code2Session(t.Context(), "wxbusy", "s3cret", srv.IssueCode("wxbusy", "o", ""))
	require.NoError(t, err, "a refused code is not spent")
}

func TestPhoneNumberExchangesACodeOnce(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wxmini", "s3cret")
	c := wechat.New(srv.URL(), nil)
	token, _, err := c.StableToken(t.Context(), "wxmini", "s3cret", false)
	require.NoError(t, err)

	code := srv.IssuePhoneCode("wxmini", "13812345678")
	p, err := c.PhoneNumber(t.Context(), token, code)
	require.NoError(t, err)
	require.Equal(t, wechat.PhoneInfo{PhoneNumber: "13812345678", PurePhoneNumber: "13812345678", CountryCode: "86"}, p)

	_, err = c.PhoneNumber(t.Context(), token, code)
	requireWeChatError(t, err, wechattest.ErrCodeUsed)

	p, err = c.PhoneNumber(t.Context(), token, srv.IssuePhoneCode("wxmini", "+852 61234567"))
	require.NoError(t, err)
	require.Equal(t, wechat.PhoneInfo{PhoneNumber: "+85261234567", PurePhoneNumber: "61234567", CountryCode: "852"}, p)
}

func TestPhoneNumberRefusalIsAProviderErrorWithWeChatsCode(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wxmini", "s3cret")
	srv.AddApp("wxother", "s3cret")
	srv.AddApp("wxbusy", "s3cret")
	c := wechat.New(srv.URL(), nil)
	token := func(appID string, force bool) string {
		tok, _, err := c.StableToken(t.Context(), appID, "s3cret", force)
		require.NoError(t, err)
		return tok
	}
	replaced := token("wxmini", false)
	valid := token("wxmini", true)
	busy := token("wxbusy", false)
	srv.Throttle("wxbusy")
	expiring := srv.IssuePhoneCode("wxmini", "13812345678")
	srv.Advance(wechattest.CodeLifetime)
	used := srv.IssuePhoneCode("wxmini", "13812345678")
	_, err := c.PhoneNumber(t.Context(), valid, used)
	require.NoError(t, err)

	cases := []struct {
		name, token, code string
		tamper            tamper
		errcode           int
	}{
		{name: "missing token", token: "", code: srv.IssuePhoneCode("wxmini", "13812345678"), errcode: 41001},
		{name: "unknown token", token: "nope", code: srv.IssuePhoneCode("wxmini", "13812345678"), errcode: 40001},
		{name: "replaced token", token: replaced, code: srv.IssuePhoneCode("wxmini", "13812345678"), errcode: 40001},
		{name: "unknown code", token: valid, code: "made-up", errcode: 40029},
		{name: "another app's code", token: valid, code: srv.IssuePhoneCode("wxother", "13812345678"), errcode: 40029},
		{name: "a login code", token: valid, code: srv.IssueCode("wxmini", "o", ""), errcode: 40029},
		{name: "expired code", token: valid, code: expiring, errcode: 40029},
		{name: "used code", token: valid, code: used, errcode: 40163},
		{name: "missing code", token: valid, code: "", errcode: 41008},
		{name: "minute quota", token: busy, code: srv.IssuePhoneCode("wxbusy", "13812345678"), errcode: 45011},
		{
			name: "GET", token: valid, code: srv.IssuePhoneCode("wxmini", "13812345678"), errcode: 43002,
			tamper: func(r *http.Request) { r.Method = http.MethodGet },
		},
		{
			name: "malformed body", token: valid, code: srv.IssuePhoneCode("wxmini", "13812345678"), errcode: 47001,
			tamper: withBody(`{"code":`),
		},
	}
	for _, tc := range cases {
		var hc *http.Client
		if tc.tamper != nil {
			hc = &http.Client{Transport: tc.tamper}
		}
		p, err := wechat.New(srv.URL(), hc).PhoneNumber(t.Context(), tc.token, tc.code)
		require.Empty(t, p, tc.name)
		requireWeChatError(t, err, tc.errcode, tc.name)
	}

	srv.Advance(wechattest.TokenLifetime)
	_, err = c.PhoneNumber(t.Context(), valid, srv.IssuePhoneCode("wxmini", "13812345678"))
	requireWeChatError(t, err, wechattest.ErrTokenExpired, "expired token")
}

// answering starts a server that answers every request with status and body.
func answering(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestMiniProgramTransportFailureIsAnOrdinaryErrorWithoutCredentials(t *testing.T) {
	t.Parallel()
	down := wechattest.New(t)
	down.Close()
	cases := []struct {
		name, url, session, phone string
	}{
		{"unreachable server", down.URL(), "connect", "connect"},
		{"5xx", answering(t, http.StatusBadGateway, `<html>502</html>`), "HTTP status 502", "HTTP status 502"},
		{"not JSON", answering(t, http.StatusOK, `<html>busy</html>`), "not JSON", "not JSON"},
		{"no data", answering(t, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`), "no openid or session_key", "no phone_info"},
	}
	for _, tc := range cases {
		c := wechat.New(tc.url, nil)
		_, err := c.Code2Session(t.Context(), "wxmini", "topsecret", "the-code")
		require.ErrorContains(t, err, "wechat: jscode2session for wxmini", tc.name)
		require.ErrorContains(t, err, tc.session, tc.name)
		_, err2 := c.PhoneNumber(t.Context(), "the-token", "the-phone-code")
		require.ErrorContains(t, err2, "wechat: getuserphonenumber", tc.name)
		require.ErrorContains(t, err2, tc.phone, tc.name)
		for _, e := range []error{err, err2} {
			for _, secret := range []string{"topsecret", "the-code", "the-token", "the-phone-code"} {
				require.NotContains(t, e.Error(), secret, tc.name)
			}
			var pe *ports.ProviderError
			require.False(t, errors.As(e, &pe), tc.name)
		}
	}
}

func TestPhoneNumberReadsTheCountryCodeAsStringOrNumber(t *testing.T) {
	t.Parallel()
	for _, cc := range []string{`"86"`, `86`} {
		u := answering(t, http.StatusOK, `{"errcode":0,"errmsg":"ok","phone_info":{"phoneNumber":"13812345678",`+
			`"purePhoneNumber":"13812345678","countryCode":`+cc+`,"watermark":{"timestamp":1637744274,"appid":"wxmini"}}}`)
		p, err := wechat.New(u, nil).PhoneNumber(t.Context(), "tok", "code")
		require.NoError(t, err, cc)
		require.Equal(t, "86", p.CountryCode, cc)
	}
}

func TestMiniProgramRequestsAreWhatWeChatDocuments(t *testing.T) {
	t.Parallel()
	var got []*http.Request
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, bodies = append(got, r), append(bodies, string(b))
		_, _ = io.WriteString(w, `{"errcode":-1,"errmsg":"system error"}`)
	}))
	t.Cleanup(srv.Close)
	c := wechat.New(srv.URL, nil)
	_, err := c.Code2Session(t.Context(), "wxmini", "s&cret", "co de")
	requireSystemError(t, err)
	_, err = c.PhoneNumber(t.Context(), "to&ken", "pc")
	requireSystemError(t, err)

	require.Len(t, got, 2)
	require.Equal(t, http.MethodGet, got[0].Method)
	require.Equal(t, "/sns/jscode2session", got[0].URL.Path)
	require.Equal(t, url.Values{"appid": {"wxmini"}, "secret": {"s&cret"}, "js_code": {"co de"}, "grant_type": {"authorization_code"}}, got[0].URL.Query())
	require.Equal(t, http.MethodPost, got[1].Method)
	require.Equal(t, "/wxa/business/getuserphonenumber", got[1].URL.Path)
	require.Equal(t, url.Values{"access_token": {"to&ken"}}, got[1].URL.Query())
	require.JSONEq(t, `{"code":"pc"}`, bodies[1])
}

// requireSystemError requires WeChat's -1 "system error".
func requireSystemError(t *testing.T, err error) {
	t.Helper()
	var pe *ports.ProviderError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, &ports.ProviderError{Provider: "wechat", Code: "-1", Message: "system error"}, pe)
}

func TestMiniProgramRequestsStopWithTheContext(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wxmini", "s3cret")
	ctx, cancel := context.WithTimeout(t.Context(), time.Nanosecond)
	defer cancel()
	_, err := wechat.New(srv.URL(), nil).Code2Session(ctx, "wxmini", "s3cret", srv.IssueCode("wxmini", "o", ""))
	require.ErrorIs(t, err, ctx.Err())
}
