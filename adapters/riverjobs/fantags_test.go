package riverjobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/wechataccounts"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/ports"
)

func TestFanTagImportIsWorkedByRiver(t *testing.T) {
	t.Parallel()
	const (
		mini, official = "wx0123456789abcdef", "wxfedcba9876543210"
		secret         = "wechat-app-secret-0001"
	)
	wx := wechattest.New(t)
	wx.AddApp(mini, secret)
	wx.AddApp(official, secret)
	pg := pgtest.New(t)
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("riverjobs test"), WeChatAPI: wx.URL(), Workers: 2, NoPeriodicJobs: true}, pg.OpenApp(t))
	require.NoError(t, err)
	ctx := context.Background()
	tn := pgtest.NewTenant(t, a.Tenants)
	require.NoError(t, a.Channels.Save(ctx, tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: mini}, secret))
	require.NoError(t, a.Channels.Save(ctx, tn.ID, ports.ChannelWeChatOfficialAccount, channels.WeChatApp{AppID: official}, secret))
	login, err := a.CustomerAuth.Login(ctx, tn.ID, wx.IssueCode(mini, "o-mp-1", "u-1"))
	require.NoError(t, err)
	require.NoError(t, a.DB.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		return customersdb.WeChatAccounts{}.Insert(ctx, ports.WeChatAccount{AppID: official, OpenID: "o-oa-1", UnionID: "u-1",
			CustomerID: login.CustomerID, LinkedAt: time.Now()})
	}))
	wx.AddFanTag(official, 2, "星标组", "o-oa-1", "o-stranger")

	completed, cancel := a.River.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	require.NoError(t, a.River.Start(runCtx))
	t.Cleanup(func() {
		stop()
		<-a.River.Stopped()
	})
	imp, err := a.WeChatAccounts.RequestFanTagImport(ctx, tn.ID)
	require.NoError(t, err)
	waitForJobs(t, completed, wechataccounts.ImportFanTagsArgs{}.Kind(), 1)

	done, err := a.WeChatAccounts.FanTagImport(ctx, tn.ID, imp.ID)
	require.NoError(t, err)
	require.Equal(t, wechataccounts.ImportDone, done.Status, done.ErrorCode)
	require.Equal(t, 2, done.Fans)
	require.Equal(t, 1, done.Matched)
}
