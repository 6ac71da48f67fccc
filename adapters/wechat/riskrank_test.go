package wechat_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/wechat"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/ports"
)

// getuserriskrank answers the rank the stand-in holds for a user of the app, and refuses what
// WeChat refuses with its codes: a bad token, another app's or an unknown openid, a scene other
// than 0 and 1, no client IP, and -1 while it is busy.
func TestGetUserRiskRankAnswersTheRankOrWeChatsRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	wx := wechattest.New(t)
	wx.AddApp("wxrisk000000000001", "secret-1")
	wx.AddApp("wxrisk000000000002", "secret-2")
	c := wechat.New(wx.URL(), nil)
	token, _, err := c.StableToken(ctx, "wxrisk000000000001", "secret-1", false)
	require.NoError(t, err)
	wx.SetRiskRank("wxrisk000000000001", "o-risky", 3)
	wx.IssueCode("wxrisk000000000001", "o-fine", "")
	wx.SetRiskRank("wxrisk000000000002", "o-other", 1)

	q := ports.RiskQuery{AppID: "wxrisk000000000001", OpenID: "o-risky", Scene: ports.RiskSceneMarketing, ClientIP: "203.0.113.7"}
	rank, err := c.GetUserRiskRank(ctx, token, q)
	require.NoError(t, err)
	require.Equal(t, 3, rank)
	q.OpenID = "o-fine"
	rank, err = c.GetUserRiskRank(ctx, token, q)
	require.NoError(t, err)
	require.Zero(t, rank, "a user nobody ranked is 0")

	for _, tc := range []struct {
		name    string
		token   string
		edit    func(q *ports.RiskQuery)
		errcode int
	}{
		{"an unknown token", "not-a-token", func(*ports.RiskQuery) {}, wechattest.ErrInvalidCredential},
		{"an unknown openid", token, func(q *ports.RiskQuery) { q.OpenID = "o-nobody" }, wechattest.ErrInvalidOpenID},
		{"another app's user", token, func(q *ports.RiskQuery) { q.OpenID = "o-other" }, wechattest.ErrOpenIDOfOtherApp},
		{"another appid", token, func(q *ports.RiskQuery) { q.AppID = "wxrisk000000000002" }, wechattest.ErrOpenIDOfOtherApp},
		{"a scene of 2", token, func(q *ports.RiskQuery) { q.Scene = 2 }, wechattest.ErrInvalidScene},
		{"no client IP", token, func(q *ports.RiskQuery) { q.ClientIP = "" }, wechattest.ErrDataFormat},
	} {
		q := ports.RiskQuery{AppID: "wxrisk000000000001", OpenID: "o-risky", Scene: ports.RiskSceneRegister, ClientIP: "203.0.113.7"}
		tc.edit(&q)
		_, err := c.GetUserRiskRank(ctx, tc.token, q)
		requireWeChatError(t, err, tc.errcode, tc.name)
		require.NotContains(t, err.Error(), token, "the token appears in no error")
	}
	wx.Busy(true)
	_, err = c.GetUserRiskRank(ctx, token, ports.RiskQuery{AppID: "wxrisk000000000001", OpenID: "o-risky", ClientIP: "203.0.113.7"})
	requireWeChatError(t, err, wechattest.ErrSystemBusy)
}
