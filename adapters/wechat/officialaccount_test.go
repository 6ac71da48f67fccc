package wechat_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/wechat"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/ports"
)

func TestFanTagsArePagedAsWeChatDoes(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wxoa", "s3cret")
	srv.AddApp("wxother", "s3cret")
	srv.AddFanTag("wxoa", 2, "星标组", "o1", "o2", "o3")
	srv.AddFanTag("wxoa", 100, "VIP")
	srv.AddFanTag("wxother", 7, "theirs", "x1")
	srv.FanPageSize(2)
	c := wechat.New(srv.URL(), nil)
	token, _, err := c.StableToken(t.Context(), "wxoa", "s3cret", false)
	require.NoError(t, err)

	tags, err := c.FanTags(t.Context(), token)
	require.NoError(t, err)
	require.Equal(t, []ports.WeChatFanTag{{ID: 2, Name: "星标组", Count: 3}, {ID: 100, Name: "VIP", Count: 0}}, tags)

	first, err := c.TagFans(t.Context(), token, 2, "")
	require.NoError(t, err)
	require.Equal(t, ports.WeChatFanPage{OpenIDs: []string{"o1", "o2"}, Next: "o2"}, first)
	second, err := c.TagFans(t.Context(), token, 2, first.Next)
	require.NoError(t, err)
	require.Equal(t, ports.WeChatFanPage{OpenIDs: []string{"o3"}, Next: "o3"}, second)
	end, err := c.TagFans(t.Context(), token, 2, second.Next)
	require.NoError(t, err)
	require.Empty(t, end.OpenIDs)
	require.Empty(t, end.Next)
}

func TestFanTagRefusalsCarryWeChatsCodes(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wxoa", "s3cret")
	srv.AddApp("wxlimited", "s3cret")
	srv.AddApp("wxunverified", "s3cret")
	srv.AddFanTag("wxoa", 2, "星标组", "o1")
	c := wechat.New(srv.URL(), nil)
	token := func(appID string) string {
		tok, _, err := c.StableToken(t.Context(), appID, "s3cret", false)
		require.NoError(t, err)
		return tok
	}
	oa, limited, unverified := token("wxoa"), token("wxlimited"), token("wxunverified")
	srv.Refuse("wxlimited", "/cgi-bin/tags/get", wechattest.ErrDailyQuota)
	srv.Refuse("wxunverified", "/cgi-bin/user/tag/get", wechattest.ErrUnauthorizedAPI)
	code := func(err error) string {
		var pe *ports.ProviderError
		require.ErrorAs(t, err, &pe)
		return pe.Code
	}

	_, err := c.FanTags(t.Context(), "not-a-token")
	require.Equal(t, "40001", code(err))
	_, err = c.TagFans(t.Context(), "", 2, "")
	require.Equal(t, "41001", code(err))
	_, err = c.FanTags(t.Context(), limited)
	require.Equal(t, "45009", code(err))
	_, err = c.TagFans(t.Context(), unverified, 2, "")
	require.Equal(t, "48001", code(err))
	_, err = c.TagFans(t.Context(), oa, 999, "")
	require.Equal(t, "45159", code(err), "a tag the account does not have")
	_, err = c.TagFans(t.Context(), oa, 2, "o-stranger")
	require.Equal(t, "40003", code(err), "a next_openid not among the fans")

	// A forced refresh revokes the token the import holds.
	_, _, err = c.StableToken(t.Context(), "wxoa", "s3cret", true)
	require.NoError(t, err)
	_, err = c.FanTags(t.Context(), oa)
	require.Equal(t, "40001", code(err))
	srv.Refuse("wxlimited", "/cgi-bin/tags/get", 0)
	_, err = c.FanTags(t.Context(), limited)
	require.NoError(t, err, "Refuse with 0 lifts it")
}

func TestTagFansTakesPostAndItsJSONOnly(t *testing.T) {
	t.Parallel()
	srv := wechattest.New(t)
	srv.AddApp("wxoa", "s3cret")
	srv.AddFanTag("wxoa", 2, "星标组", "o1")
	c := wechat.New(srv.URL(), nil)
	tok, _, err := c.StableToken(t.Context(), "wxoa", "s3cret", false)
	require.NoError(t, err)
	cases := []struct {
		name   string
		tamper tamper
		code   string
	}{
		{"GET", func(r *http.Request) { r.Method = http.MethodGet }, "43002"},
		{"malformed body", withBody(`{"tagid":`), "47001"},
		{"no tagid", withBody(`{"next_openid":""}`), "47001"},
	}
	for _, tc := range cases {
		_, err := wechat.New(srv.URL(), &http.Client{Transport: tc.tamper}).TagFans(t.Context(), tok, 2, "")
		var pe *ports.ProviderError
		require.ErrorAs(t, err, &pe, tc.name)
		require.Equal(t, tc.code, pe.Code, tc.name)
		require.NotContains(t, err.Error(), tok, tc.name)
	}
}
