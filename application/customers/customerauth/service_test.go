package customerauth_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wechat"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/ports"
)

// requireWeChatCode requires err to carry WeChat's refusal with errcode.
func requireWeChatCode(t *testing.T, err error, errcode string) {
	t.Helper()
	var pe *ports.ProviderError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, errcode, pe.Code)
}

func TestLoginCreatesANewCustomerAndLinksTheirAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)

	login, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", "u-1"))
	require.NoError(t, err)
	require.True(t, login.New)
	require.Equal(t, b.clock.Now().Add(customerauth.TokenTTL), login.ExpiresAt)

	c, err := b.customers.Get(t.Context(), tn.ID, login.CustomerID)
	require.NoError(t, err)
	require.Equal(t, "zh-CN", c.Language)
	account := b.accounts(t, tn, "o-mp-1")["o-mp-1"]
	require.Equal(t, login.CustomerID, account.CustomerID)
	require.Equal(t, "u-1", account.UnionID)
	require.Equal(t, miniApp, account.AppID)

	who, err := b.svc.Authenticate(t.Context(), login.Token)
	require.NoError(t, err)
	require.Equal(t, tn.ID, who.Tenant.ID)
	require.Equal(t, login.CustomerID, who.CustomerID)

	id := login.CustomerID.String()
	require.Equal(t, []auditEntry{
		{Action: "customer.create", ActorKind: "customer", ActorID: id, TargetID: id, After: map[string]any{"fields": []any{"gender", "language"}}},
		{Action: "customer.wechat_link", ActorKind: "customer", ActorID: id, TargetID: id,
			After: map[string]any{"app_id": miniApp, "matched_by": "new_customer"}},
	}, b.trail(t, tn), "created and linked in the customer's name; the trail holds no OpenID")
}

func TestLoginFindsTheReturningCustomer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)
	first, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)
	require.Empty(t, b.accounts(t, tn, "o-mp-1")["o-mp-1"].UnionID)

	// The brand has since bound its Mini Program to an Open Platform account: WeChat now gives
	// a UnionID, which the account keeps.
	again, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", "u-1"))
	require.NoError(t, err)
	require.False(t, again.New)
	require.Equal(t, first.CustomerID, again.CustomerID)
	require.NotEqual(t, first.Token, again.Token, "each login has its own token")
	require.Equal(t, "u-1", b.accounts(t, tn, "o-mp-1")["o-mp-1"].UnionID)

	other, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-2", ""))
	require.NoError(t, err)
	require.True(t, other.New)
	require.NotEqual(t, first.CustomerID, other.CustomerID)
	list, err := b.customers.List(t.Context(), tn.ID, ports.CustomerQuery{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, list, 2)
}

func TestLoginMergesByUnionIDWithTheOfficialAccount(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)
	// A follower of the Official Account who is already a customer (their account linked
	// when they followed it).
	name := "王小明"
	follower, err := b.customers.Create(t.Context(), tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)
	require.NoError(t, b.db.InTenant(t.Context(), tn.ID, func(ctx context.Context) error {
		return customersdb.WeChatAccounts{}.Insert(ctx, ports.WeChatAccount{AppID: officialApp, OpenID: "o-oa-1", UnionID: "u-1",
			CustomerID: follower.ID, LinkedAt: b.clock.Now()})
	}))

	login, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", "u-1"))
	require.NoError(t, err)
	require.False(t, login.New, "the same person, by UnionID")
	require.Equal(t, follower.ID, login.CustomerID)
	accounts := b.accounts(t, tn, "o-oa-1", "o-mp-1")
	require.Equal(t, follower.ID, accounts["o-mp-1"].CustomerID)
	require.Equal(t, officialApp, accounts["o-oa-1"].AppID)
	trail := b.trail(t, tn)
	require.Equal(t, "customer.wechat_link", trail[len(trail)-1].Action)
	require.Equal(t, map[string]any{"app_id": miniApp, "matched_by": "union_id"}, trail[len(trail)-1].After)

	again, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", "u-1"))
	require.NoError(t, err)
	require.Equal(t, follower.ID, again.CustomerID)
	list, err := b.customers.List(t.Context(), tn.ID, ports.CustomerQuery{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, list, 1, "no second customer")

	// Another brand's customer with the same UnionID is not this brand's.
	other := b.brand(t, otherApp)
	theirs, err := b.svc.Login(t.Context(), other.ID, b.wx.IssueCode(otherApp, "o-other-1", "u-1"))
	require.NoError(t, err)
	require.True(t, theirs.New)
}

func TestConcurrentFirstLoginsOfOnePersonCreateOneCustomer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)
	codes := make([]string, 6)
	for i := range codes {
		codes[i] = b.wx.IssueCode(miniApp, "o-mp-1", "u-1")
	}
	logins := make([]customerauth.Login, len(codes))
	errs := make([]error, len(codes))
	var wg sync.WaitGroup
	for i, code := range codes {
		wg.Go(func() { logins[i], errs[i] = b.svc.Login(context.Background(), tn.ID, code) })
	}
	wg.Wait()
	for i := range codes {
		require.NoError(t, errs[i])
		require.Equal(t, logins[0].CustomerID, logins[i].CustomerID)
	}
	list, err := b.customers.List(t.Context(), tn.ID, ports.CustomerQuery{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, list, 1)
}

func TestLoginRefusesAnInvalidOrUsedCodeAndChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)
	code := b.wx.IssueCode(miniApp, "o-mp-1", "")
	_, err := b.svc.Login(t.Context(), tn.ID, code)
	require.NoError(t, err)

	_, err = b.svc.Login(t.Context(), tn.ID, code)
	require.ErrorIs(t, err, customerauth.ErrInvalidCode)
	requireWeChatCode(t, err, "40163")

	_, err = b.svc.Login(t.Context(), tn.ID, "made-up")
	require.ErrorIs(t, err, customerauth.ErrInvalidCode)
	requireWeChatCode(t, err, "40029")

	_, err = b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(otherApp, "o-x", ""))
	require.ErrorIs(t, err, customerauth.ErrInvalidCode, "another Mini Program's code")

	list, err := b.customers.List(t.Context(), tn.ID, ports.CustomerQuery{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, list, 1)
}

func TestLinkPhoneSetsTheSharedNumber(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)
	login, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)

	c, err := b.svc.LinkPhone(t.Context(), tn.ID, login.CustomerID, b.wx.IssuePhoneCode(miniApp, "13812345678"))
	require.NoError(t, err)
	require.Equal(t, "+8613812345678", c.Phone)
	c, err = b.svc.LinkPhone(t.Context(), tn.ID, login.CustomerID, b.wx.IssuePhoneCode(miniApp, "+852 61234567"))
	require.NoError(t, err)
	require.Equal(t, "+85261234567", c.Phone)

	trail := b.trail(t, tn)
	last := trail[len(trail)-1]
	require.Equal(t, "customer.update", last.Action)
	require.Equal(t, map[string]any{"fields": []any{"phone"}}, last.After, "the trail names the field, not the number")

	code := b.wx.IssuePhoneCode(miniApp, "13912345678")
	_, err = b.svc.LinkPhone(t.Context(), tn.ID, login.CustomerID, code)
	require.NoError(t, err)
	_, err = b.svc.LinkPhone(t.Context(), tn.ID, login.CustomerID, code)
	require.ErrorIs(t, err, customerauth.ErrInvalidCode)
	requireWeChatCode(t, err, "40163")
}

func TestLinkPhoneRefusesANumberAnotherCustomerHas(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)
	phone := "+86 138 1234 5678"
	owner, err := b.customers.Create(t.Context(), tn.ID, customers.Patch{Phone: &phone})
	require.NoError(t, err)
	login, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)

	_, err = b.svc.LinkPhone(t.Context(), tn.ID, login.CustomerID, b.wx.IssuePhoneCode(miniApp, "13812345678"))
	require.ErrorIs(t, err, ports.ErrPhoneTaken)
	c, err := b.customers.Get(t.Context(), tn.ID, login.CustomerID)
	require.NoError(t, err)
	require.Empty(t, c.Phone)
	c, err = b.customers.Get(t.Context(), tn.ID, owner.ID)
	require.NoError(t, err)
	require.Equal(t, "+8613812345678", c.Phone)

	// The same number in another brand is another customer's business.
	other := b.brand(t, otherApp)
	theirs, err := b.svc.Login(t.Context(), other.ID, b.wx.IssueCode(otherApp, "o-other-1", ""))
	require.NoError(t, err)
	c, err = b.svc.LinkPhone(t.Context(), other.ID, theirs.CustomerID, b.wx.IssuePhoneCode(otherApp, "13812345678"))
	require.NoError(t, err)
	require.Equal(t, "+8613812345678", c.Phone)
}

func TestLinkPhoneRenewsAnAccessTokenWeChatNoLongerAccepts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)
	login, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)
	_, err = b.svc.LinkPhone(t.Context(), tn.ID, login.CustomerID, b.wx.IssuePhoneCode(miniApp, "13812345678"))
	require.NoError(t, err)

	// Another process forces a new token, which revokes the one this process has cached.
	_, _, err = wechat.New(b.wx.URL(), nil).StableToken(t.Context(), miniApp, appSecret, true)
	require.NoError(t, err)

	c, err := b.svc.LinkPhone(t.Context(), tn.ID, login.CustomerID, b.wx.IssuePhoneCode(miniApp, "13912345678"))
	require.NoError(t, err)
	require.Equal(t, "+8613912345678", c.Phone)
}

func TestWeChatRefusalsAreClassified(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)
	login, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)

	b.wx.Throttle(miniApp)
	_, err = b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.ErrorIs(t, err, customerauth.ErrRateLimited)
	requireWeChatCode(t, err, "45011")
	_, err = b.svc.LinkPhone(t.Context(), tn.ID, login.CustomerID, b.wx.IssuePhoneCode(miniApp, "13812345678"))
	require.ErrorIs(t, err, customerauth.ErrRateLimited)
	b.wx.Unthrottle(miniApp)

	b.wx.AddApp(miniApp, "reset-in-wechat-console")
	_, err = b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.ErrorIs(t, err, customerauth.ErrNotConfigured, "a secret WeChat refuses")
	requireWeChatCode(t, err, "40125")

	down := wechattest.New(t)
	down.Close()
	_, err = b.service(t, wechat.New(down.URL(), nil)).Login(t.Context(), tn.ID, "any")
	require.ErrorIs(t, err, customerauth.ErrWeChatUnavailable)
}

func TestLoginNeedsTheBrandsMiniProgram(t *testing.T) {
	t.Parallel()
	b := setup(t)
	code := b.wx.IssueCode(miniApp, "o-mp-1", "")

	tn := pgtest.NewTenant(t, b.dir)
	_, err := b.svc.Login(t.Context(), tn.ID, code)
	require.ErrorIs(t, err, customerauth.ErrNotConfigured)
	require.ErrorIs(t, err, ports.ErrChannelNotConfigured)

	require.NoError(t, b.channels.Save(t.Context(), tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: miniApp}, ""))
	_, err = b.svc.Login(t.Context(), tn.ID, code)
	require.ErrorIs(t, err, customerauth.ErrNotConfigured)
	require.ErrorIs(t, err, channels.ErrNoSecret)
}
