package wechataccounts_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wechat"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/application/customers/wechataccounts"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// runImport requests an import and works its job, as River would.
func (b *testBundle) runImport(t *testing.T, tn tenants.Tenant) ports.FanTagImport {
	t.Helper()
	imp, err := b.app.WeChatAccounts.RequestFanTagImport(t.Context(), tn.ID)
	require.NoError(t, err)
	require.Equal(t, wechataccounts.ImportQueued, imp.Status)
	args := wechataccounts.ImportFanTagsArgs{TenantID: tn.ID.UUID(), ImportID: imp.ID}
	require.NoError(t, b.app.WeChatAccounts.RunFanTagImport(t.Context(), args))
	done, err := b.app.WeChatAccounts.FanTagImport(t.Context(), tn.ID, imp.ID)
	require.NoError(t, err)
	return done
}

func TestFanTagImportTagsTheFollowersWhoAreCustomers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t)
	alice, _ := b.login(t, tn, "o-mp-a", "u-a")
	bob, _ := b.login(t, tn, "o-mp-b", "u-b")
	b.follower(t, tn, alice, "o-oa-a", "u-a")
	b.follower(t, tn, bob, "o-oa-b", "u-b")
	b.wx.AddFanTag(officialApp, 2, "星标组", "o-oa-a", "o-stranger-1", "o-oa-b", "o-stranger-2", "o-stranger-3")
	b.wx.AddFanTag(officialApp, 101, "VIP", "o-oa-b")
	b.wx.AddFanTag(officialApp, 102, "empty")
	b.wx.AddFanTag(miniApp, 7, "not the account's", "o-mp-a")
	b.wx.FanPageSize(2)

	imp := b.runImport(t, tn)
	require.Equal(t, wechataccounts.ImportDone, imp.Status, imp.ErrorCode)
	require.Equal(t, 3, imp.Tags)
	require.Equal(t, 6, imp.Fans)
	require.Equal(t, 3, imp.Matched)
	require.NotNil(t, imp.FinishedAt)
	require.Equal(t, map[string]string{"星标组": "wechat"}, b.tags(t, tn, alice))
	require.Equal(t, map[string]string{"星标组": "wechat", "VIP": "wechat"}, b.tags(t, tn, bob))
	require.Equal(t, 7, b.wx.APICalls("/cgi-bin/user/tag/get"), "星标组 in three pages, VIP in one, empty in none, each with the empty page that ends it")

	// The job delivered again finds its import finished and calls WeChat no more.
	require.NoError(t, b.app.WeChatAccounts.RunFanTagImport(t.Context(), wechataccounts.ImportFanTagsArgs{TenantID: tn.ID.UUID(), ImportID: imp.ID}))
	require.Equal(t, 1, b.wx.APICalls("/cgi-bin/tags/get"))
	// Importing again changes no tag.
	again := b.runImport(t, tn)
	require.Equal(t, imp.Matched, again.Matched)
	require.Len(t, b.tags(t, tn, bob), 2)

	actions, afters := b.actions(t, tn)
	require.Equal(t, "wechat_fan_tags.import", actions[len(actions)-1])
	require.Contains(t, afters[len(afters)-1], `"matched": 3`)
}

func TestFanTagImportFailsWithWeChatsReason(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t)
	b.wx.AddFanTag(officialApp, 2, "星标组", "o-oa-a")

	b.wx.Refuse(officialApp, "/cgi-bin/tags/get", wechattest.ErrUnauthorizedAPI)
	imp := b.runImport(t, tn)
	require.Equal(t, wechataccounts.ImportFailed, imp.Status)
	require.Equal(t, "wechat_48001", imp.ErrorCode)

	b.wx.Refuse(officialApp, "/cgi-bin/tags/get", 0)
	b.wx.Refuse(officialApp, "/cgi-bin/user/tag/get", wechattest.ErrDailyQuota)
	imp = b.runImport(t, tn)
	require.Equal(t, wechataccounts.ImportFailed, imp.Status)
	require.Equal(t, "wechat_45009", imp.ErrorCode)
	require.Equal(t, 1, imp.Tags, "the counts so far")
}

func TestFanTagImportRefreshesARevokedTokenOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t)
	id, _ := b.login(t, tn, "o-mp-a", "u-a")
	b.follower(t, tn, id, "o-oa-a", "u-a")
	b.wx.AddFanTag(officialApp, 2, "星标组", "o-oa-a")
	imp, err := b.app.WeChatAccounts.RequestFanTagImport(t.Context(), tn.ID)
	require.NoError(t, err)
	// The import's process has a token cached (testing the channel fetched it); another
	// process forces a new one, which revokes it: WeChat answers 40001 and the import forces a
	// refresh of its own.
	tested, err := b.app.Channels.Test(t.Context(), tn.ID, ports.ChannelWeChatOfficialAccount)
	require.NoError(t, err)
	require.True(t, tested.OK(), "%v", tested.Detail)
	forceRefresh(t, b)
	require.NoError(t, b.app.WeChatAccounts.RunFanTagImport(t.Context(), wechataccounts.ImportFanTagsArgs{TenantID: tn.ID.UUID(), ImportID: imp.ID}))
	done, err := b.app.WeChatAccounts.FanTagImport(t.Context(), tn.ID, imp.ID)
	require.NoError(t, err)
	require.Equal(t, wechataccounts.ImportDone, done.Status, done.ErrorCode)
	require.Equal(t, 1, done.Matched)
}

// forceRefresh has WeChat issue a new token of the Official Account, as another process's
// forced refresh does, revoking the one the service has cached.
func forceRefresh(t *testing.T, b *testBundle) {
	t.Helper()
	_, _, err := wechat.New(b.wx.URL(), nil).StableToken(t.Context(), officialApp, appSecret, true)
	require.NoError(t, err)
}

func TestFanTagImportNeedsTheOfficialAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t)
	bare := pgtest.NewTenant(t, b.app.Tenants)
	_, err := b.app.WeChatAccounts.RequestFanTagImport(t.Context(), bare.ID)
	require.ErrorIs(t, err, wechataccounts.ErrNotConfigured)
	_, err = b.app.WeChatAccounts.FanTagImport(t.Context(), bare.ID, uuid.New())
	require.ErrorIs(t, err, ports.ErrFanTagImportNotFound)
	imp, err := b.app.WeChatAccounts.RequestFanTagImport(t.Context(), tn.ID)
	require.NoError(t, err)
	_, err = b.app.WeChatAccounts.FanTagImport(t.Context(), bare.ID, imp.ID)
	require.ErrorIs(t, err, ports.ErrFanTagImportNotFound, "another brand's import")
	recent, err := b.app.WeChatAccounts.RecentFanTagImports(t.Context(), tn.ID, 5)
	require.NoError(t, err)
	require.Len(t, recent, 1)
}
