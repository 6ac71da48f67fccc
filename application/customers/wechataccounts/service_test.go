package wechataccounts_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/wechataccounts"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
)

func TestAdminsSeeTheLinksWithTheirAppAndLastLogin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t)
	svc := b.app.WeChatAccounts
	id, _ := b.login(t, tn, "o-mp-1", "u-1")
	b.clock.Advance(time.Minute)
	b.follower(t, tn, id, "o-oa-1", "u-1")

	links, err := svc.List(t.Context(), tn.ID, id)
	require.NoError(t, err)
	require.Len(t, links, 2)
	mp, oa := links[0], links[1]
	require.Equal(t, "o-mp-1", mp.OpenID)
	require.Equal(t, "u-1", mp.UnionID)
	require.Equal(t, miniApp, mp.AppID)
	require.Equal(t, wechataccounts.KindMiniProgram, mp.Kind)
	require.Equal(t, wechataccounts.StatusActive, mp.Status)
	require.True(t, mp.LastLoginAt.Equal(b.clock.Now().Add(-time.Minute)))
	require.Equal(t, wechataccounts.KindOfficialAccount, oa.Kind)
	require.Nil(t, oa.LastLoginAt, "followers never log in")

	_, err = svc.List(t.Context(), tn.ID, uuid.New())
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
	other := b.brand(t)
	_, err = svc.List(t.Context(), other.ID, id)
	require.ErrorIs(t, err, ports.ErrCustomerNotFound, "another brand's customer")
}

func TestReauthorizeStopsTheTokensUntilTheNextLogin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t)
	svc := b.app.WeChatAccounts
	id, token := b.login(t, tn, "o-mp-1", "")
	_, err := b.app.CustomerAuth.Authenticate(t.Context(), token)
	require.NoError(t, err)

	b.clock.Advance(30 * time.Second)
	require.NoError(t, svc.Reauthorize(t.Context(), tn.ID, id, "o-mp-1"))
	_, err = b.app.CustomerAuth.Authenticate(t.Context(), token)
	require.ErrorIs(t, err, customerauth.ErrTokenRevoked)
	links, err := svc.List(t.Context(), tn.ID, id)
	require.NoError(t, err)
	require.Equal(t, wechataccounts.StatusReauthRequired, links[0].Status)

	// A token issued in the same second as the request is cut off too.
	sameID, sameToken := b.login(t, tn, "o-mp-2", "")
	require.NoError(t, svc.Reauthorize(t.Context(), tn.ID, sameID, "o-mp-2"))
	_, err = b.app.CustomerAuth.Authenticate(t.Context(), sameToken)
	require.ErrorIs(t, err, customerauth.ErrTokenRevoked)

	b.clock.Advance(time.Second)
	again, fresh := b.login(t, tn, "o-mp-1", "")
	require.Equal(t, id, again, "the same customer")
	_, err = b.app.CustomerAuth.Authenticate(t.Context(), fresh)
	require.NoError(t, err)
	_, err = b.app.CustomerAuth.Authenticate(t.Context(), token)
	require.ErrorIs(t, err, customerauth.ErrTokenRevoked, "the old token stays refused")
	links, err = svc.List(t.Context(), tn.ID, id)
	require.NoError(t, err)
	require.Equal(t, wechataccounts.StatusActive, links[0].Status, "the login answered the request")

	require.ErrorIs(t, svc.Reauthorize(t.Context(), tn.ID, id, "o-someone-else"), ports.ErrWeChatAccountNotFound)
	actions, afters := b.actions(t, tn)
	require.Contains(t, actions, "customer.wechat_reauthorize")
	for _, a := range afters {
		require.NotContains(t, a, "o-mp-1", "no OpenID in the trail")
	}
}

func TestDisconnectedAccountLogsInAsANewCustomer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t)
	svc := b.app.WeChatAccounts
	id, token := b.login(t, tn, "o-mp-1", "")
	other, _ := b.login(t, tn, "o-mp-2", "")

	require.ErrorIs(t, svc.Disconnect(t.Context(), tn.ID, other, "o-mp-1"), ports.ErrWeChatAccountNotFound, "not that customer's")
	b.clock.Advance(time.Second)
	require.NoError(t, svc.Disconnect(t.Context(), tn.ID, id, "o-mp-1"))
	_, err := b.app.CustomerAuth.Authenticate(t.Context(), token)
	require.ErrorIs(t, err, customerauth.ErrTokenRevoked)
	links, err := svc.List(t.Context(), tn.ID, id)
	require.NoError(t, err)
	require.Empty(t, links)

	b.clock.Advance(time.Second)
	l, err := b.app.CustomerAuth.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)
	require.True(t, l.New)
	require.NotEqual(t, id, l.CustomerID)
	actions, _ := b.actions(t, tn)
	require.Contains(t, actions, "customer.wechat_disconnect")
}

func TestDisconnectKeepsTheUnionIDMergeOfLogin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t)
	id, _ := b.login(t, tn, "o-mp-1", "u-1")
	b.follower(t, tn, id, "o-oa-1", "u-1")
	require.NoError(t, b.app.WeChatAccounts.Disconnect(t.Context(), tn.ID, id, "o-mp-1"))
	b.clock.Advance(time.Second)
	again, _ := b.login(t, tn, "o-mp-1", "u-1")
	require.Equal(t, id, again, "the Official Account link with the same UnionID still finds them, as any first login does")
}

func TestMoveMapsAWeChatLoginToAnExistingProfile(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t)
	svc := b.app.WeChatAccounts
	name := "王小明"
	crm, err := b.app.Customers.Create(t.Context(), tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)
	stray, token := b.login(t, tn, "o-mp-1", "")

	b.clock.Advance(time.Second)
	moved, err := svc.Move(t.Context(), tn.ID, "", "o-mp-1", crm.ID)
	require.NoError(t, err)
	require.Equal(t, crm.ID, moved.CustomerID)
	require.Equal(t, wechataccounts.KindMiniProgram, moved.Kind)
	_, err = b.app.CustomerAuth.Authenticate(t.Context(), token)
	require.ErrorIs(t, err, customerauth.ErrTokenRevoked, "the stray profile's token stops")

	b.clock.Advance(time.Second)
	now, _ := b.login(t, tn, "o-mp-1", "")
	require.Equal(t, crm.ID, now, "the next login is the CRM profile")

	// Refusals.
	_, err = svc.Move(t.Context(), tn.ID, "", "o-nobody", crm.ID)
	require.ErrorIs(t, err, ports.ErrWeChatAccountNotFound)
	_, err = svc.Move(t.Context(), tn.ID, officialApp, "o-mp-1", crm.ID)
	require.ErrorIs(t, err, ports.ErrWeChatAccountNotFound, "not in that app")
	_, err = svc.Move(t.Context(), tn.ID, "", "o-mp-1", uuid.New())
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
	_, _ = b.login(t, tn, "o-mp-2", "")
	_, err = svc.Move(t.Context(), tn.ID, "", "o-mp-2", crm.ID)
	require.ErrorIs(t, err, ports.ErrWeChatAppTaken, "the CRM profile has a Mini Program account already")
	again, err := svc.Move(t.Context(), tn.ID, miniApp, "o-mp-1", crm.ID)
	require.NoError(t, err, "moving to the owner changes nothing")
	require.Equal(t, crm.ID, again.CustomerID)

	actions, afters := b.actions(t, tn)
	moves := 0
	for i, a := range actions {
		if a == "customer.wechat_move" {
			moves++
			require.Contains(t, afters[i], stray.String())
			require.NotContains(t, afters[i], "o-mp-1")
		}
	}
	require.Equal(t, 1, moves)
}

func TestImportProfileStoresWhatTheMemberAuthorised(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t)
	svc := b.app.WeChatAccounts
	id, _ := b.login(t, tn, "o-mp-1", "")
	avatar := "https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132"

	c, err := svc.ImportProfile(t.Context(), tn.ID, id, " 小明 ", avatar)
	require.NoError(t, err)
	require.Equal(t, "小明", c.Name, "an empty name takes the nickname")
	require.Equal(t, avatar, c.AvatarURL)
	links, err := svc.List(t.Context(), tn.ID, id)
	require.NoError(t, err)
	require.Equal(t, "小明", links[0].Nickname)
	require.Equal(t, avatar, links[0].AvatarURL)

	c, err = svc.ImportProfile(t.Context(), tn.ID, id, "Ming", avatar)
	require.NoError(t, err)
	require.Equal(t, "小明", c.Name, "a name the member has is kept")

	_, err = svc.ImportProfile(t.Context(), tn.ID, id, "", "https://example.com/a.png")
	var fe *fielderr.Error
	require.ErrorAs(t, err, &fe)
	got, err := b.app.Customers.Get(t.Context(), tn.ID, id)
	require.NoError(t, err)
	require.Equal(t, avatar, got.AvatarURL, "nothing changed")
}
