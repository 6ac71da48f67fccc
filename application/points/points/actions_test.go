package points_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/actions"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/ports"
)

func (b *testBundle) rule(t *testing.T, r actions.Rule) {
	t.Helper()
	if r.Wallet == "" {
		r.Wallet = ledger.Points
	}
	if r.Title == "" {
		r.Title = r.Key
	}
	r.Active = true
	_, err := b.svc.PutActionRule(ctx, b.tn.ID, r)
	require.NoError(t, err)
}

func (b *testBundle) ingest(t *testing.T, drafts ...event.Draft) {
	t.Helper()
	results, err := b.app.Events.IngestBatch(ctx, b.tn.ID, drafts)
	require.NoError(t, err)
	for _, r := range results {
		require.NotEqual(t, "rejected", string(r.Status), "%+v", r)
	}
	b.work(t)
}

// The daily check-in earns once a day in the brand's zone, and a streak of days earns its
// bonuses; a day missed starts again. Concurrent check-ins of one day earn once.
func TestTheDailyCheckInEarnsOnceADayWithStreakBonuses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.customer(t)
	_, err := b.svc.CheckIn(ctx, b.tn.ID, c)
	require.ErrorIs(t, err, points.ErrNoCheckIn)
	b.rule(t, actions.Rule{Key: "daily", Action: actions.CheckIn, Points: 5, Limit: actions.Limit{Count: 1, Period: actions.Day},
		Streak: []actions.StreakBonus{{Days: 3, Points: 10, Repeat: true}}})

	// 23:50 in Shanghai: twenty people tapping at once earn once.
	b.clock.set(time.Date(2026, 3, 10, 23, 50, 0, 0, shanghai))
	var wg sync.WaitGroup
	results := make([]points.CheckInResult, 20)
	for i := range results {
		wg.Go(func() {
			var err error
			results[i], err = b.svc.CheckIn(ctx, b.tn.ID, c)
			require.NoError(t, err)
		})
	}
	wg.Wait()
	fresh := 0
	for _, r := range results {
		if !r.Replayed {
			fresh++
		}
		require.Equal(t, 1, r.Streak)
		require.Equal(t, int64(5), r.Points)
	}
	require.Equal(t, 1, fresh)
	require.Equal(t, int64(5), b.balances(t, c)["points"][0])

	// Twenty minutes later it is the next day in Shanghai: day 2, then day 3 with the bonus.
	b.clock.set(time.Date(2026, 3, 11, 0, 10, 0, 0, shanghai))
	r, err := b.svc.CheckIn(ctx, b.tn.ID, c)
	require.NoError(t, err)
	require.Equal(t, 2, r.Streak)
	b.clock.set(time.Date(2026, 3, 12, 9, 0, 0, 0, shanghai))
	r, err = b.svc.CheckIn(ctx, b.tn.ID, c)
	require.NoError(t, err)
	require.Equal(t, 3, r.Streak)
	require.Equal(t, int64(15), r.Points)
	require.Equal(t, int64(25), r.Balance)
	// A day missed: the streak starts again.
	b.clock.set(time.Date(2026, 3, 14, 9, 0, 0, 0, shanghai))
	r, err = b.svc.CheckIn(ctx, b.tn.ID, c)
	require.NoError(t, err)
	require.Equal(t, 1, r.Streak)
	require.Equal(t, int64(30), b.balances(t, c)["points"][0])
	b.checkLedger(t, false)
}

// Joining earns the registration rule once; surveys earn within the rule's limit per period;
// an event rule rewards its custom type only; a batch seen twice awards nothing more.
func TestActionsOfTheActivityStreamEarnWithinTheirLimits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.rule(t, actions.Rule{Key: "welcome", Action: actions.Registration, Points: 100, Limit: actions.Limit{Count: 1, Period: actions.Ever}})
	b.rule(t, actions.Rule{Key: "feedback", Action: actions.Survey, Points: 20, Limit: actions.Limit{Count: 2, Period: actions.Week}})
	_, err := b.app.Events.SaveEventType(ctx, b.tn.ID, event.CustomType{Key: "tasting_day", Label: "品鉴日"})
	require.NoError(t, err)
	b.rule(t, actions.Rule{Key: "tasting", Action: actions.Event, EventType: "custom:tasting_day", Points: 50,
		Limit: actions.Limit{Count: 1, Period: actions.Month}})
	c := b.customer(t)
	b.work(t)
	require.Equal(t, int64(100), b.balances(t, c)["points"][0], "the welcome bonus")

	draft := func(id, typ string) event.Draft {
		return event.Draft{ID: id, CustomerID: c.String(), Type: typ, Channel: "mini_program", OccurredAt: b.clock.Now()}
	}
	// Three surveys in a week earn twice; two tastings in a month once; a page view nothing.
	b.ingest(t, draft("s1", event.TypeSurvey), draft("s2", event.TypeSurvey), draft("s3", event.TypeSurvey),
		draft("t1", "custom:tasting_day"), draft("t2", "custom:tasting_day"), draft("p1", event.TypePageView))
	require.Equal(t, int64(100+40+50), b.balances(t, c)["points"][0])
	// The next week, surveys earn again.
	b.clock.set(b.clock.Now().AddDate(0, 0, 7))
	b.ingest(t, draft("s4", event.TypeSurvey))
	require.Equal(t, int64(210), b.balances(t, c)["points"][0])
	// The same events again award nothing.
	b.ingest(t, draft("s4", event.TypeSurvey))
	require.Equal(t, int64(210), b.balances(t, c)["points"][0])

	// An inactive rule awards nothing and costs the stream no job.
	rules, err := b.svc.ActionRules(ctx, b.tn.ID)
	require.NoError(t, err)
	for _, r := range rules {
		r.Active = false
		_, err := b.svc.PutActionRule(ctx, b.tn.ID, r)
		require.NoError(t, err)
	}
	b.clock.set(b.clock.Now().AddDate(0, 0, 7))
	jobs := func() (n int) {
		require.NoError(t, b.super.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE args->>'subscriber' = 'points_actions'`).Scan(&n))
		return n
	}
	before := jobs()
	require.NotZero(t, before, "the batches before had their jobs")
	b.ingest(t, draft("s5", event.TypeSurvey))
	require.Equal(t, before, jobs(), "no job for a brand without active action rules")
	require.Equal(t, int64(210), b.balances(t, c)["points"][0])
	b.checkLedger(t, false)
}

// A first Mini Program login earns the first-login rule once, whether the login made the
// customer a member (who also earns the welcome bonus) or found them one already (a follower
// of the Official Account, joined before); logging in again earns nothing.
func TestAFirstMiniProgramLoginEarnsOnceWhetherItJoinsOrFinds(t *testing.T) {
	t.Parallel()
	const (
		mini, official = "wx0123456789abcdef", "wxfedcba9876543210"
		secret         = "wechat-app-secret-0001"
	)
	wx := wechattest.New(t)
	wx.AddApp(mini, secret)
	b := setupWith(t, func(c *wire.Config) { c.WeChatAPI = wx.URL() })
	require.NoError(t, b.app.Channels.Save(ctx, b.tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: mini}, secret))
	b.rule(t, actions.Rule{Key: "welcome", Action: actions.Registration, Points: 100, Limit: actions.Limit{Count: 1, Period: actions.Ever}})
	b.rule(t, actions.Rule{Key: "app", Action: actions.FirstLogin, Points: 30, Limit: actions.Limit{Count: 1, Period: actions.Ever}})

	joined, err := b.app.CustomerAuth.Login(ctx, b.tn.ID, wx.IssueCode(mini, "o-new", ""))
	require.NoError(t, err)
	require.True(t, joined.New)
	member := b.customer(t)
	require.NoError(t, b.app.DB.InTenant(ctx, b.tn.ID, func(ctx context.Context) error {
		return customersdb.WeChatAccounts{}.Insert(ctx, ports.WeChatAccount{AppID: official, OpenID: "o-follower", UnionID: "u-member",
			CustomerID: member, LinkedAt: b.clock.Now()})
	}))
	found, err := b.app.CustomerAuth.Login(ctx, b.tn.ID, wx.IssueCode(mini, "o-member", "u-member"))
	require.NoError(t, err)
	require.Equal(t, member, found.CustomerID)
	b.work(t)
	require.Equal(t, int64(130), b.balances(t, joined.CustomerID)["points"][0], "joining and the first login")
	require.Equal(t, int64(130), b.balances(t, member)["points"][0], "joined before, first login now")

	_, err = b.app.CustomerAuth.Login(ctx, b.tn.ID, wx.IssueCode(mini, "o-new", ""))
	require.NoError(t, err)
	b.work(t)
	require.Equal(t, int64(130), b.balances(t, joined.CustomerID)["points"][0], "a later login earns nothing")
	b.checkLedger(t, false)
}

// A referral rewards both sides once the friend first buys: the referral event of the new
// customer names the referrer; a second referral of the same friend, a referral of oneself and
// an unknown referrer earn nothing; the referrer earns for every friend.
func TestAReferralRewardsBothSidesAfterTheFriendsFirstPurchase(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.rule(t, actions.Rule{Key: "refer", Action: actions.Referral, Points: 200, RefereePoints: 100, AfterFirstPurchase: true,
		Limit: actions.Limit{Count: 1, Period: actions.Ever}})
	referrer, friend, other, third := b.customer(t), b.customer(t), b.customer(t), b.customer(t)
	referral := func(id string, referee uuid.UUID, referrerID string) event.Draft {
		return event.Draft{ID: id, CustomerID: referee.String(), Type: event.TypeReferral, Channel: "mini_program",
			OccurredAt: b.clock.Now(), Payload: map[string]any{"referrer_id": referrerID}}
	}
	b.ingest(t, referral("r1", friend, referrer.String()), referral("r2", friend, other.String()),
		referral("r3", other, other.String()), referral("r4", third, uuid.NewString()))
	for _, c := range []uuid.UUID{referrer, friend, other, third} {
		require.Zero(t, b.balances(t, c)["points"][0], "nothing before the friend buys")
	}
	b.clock.set(b.clock.Now().Add(time.Hour))
	amount := int64(100)
	b.ingest(t, event.Draft{ID: "buy-1", CustomerID: friend.String(), Type: event.TypePurchase, Channel: "pos",
		OccurredAt: b.clock.Now(), AmountFen: &amount, Items: []event.Item{{SKU: "tea", Quantity: 1}}})
	require.Equal(t, int64(200), b.balances(t, referrer)["points"][0])
	require.Equal(t, int64(100+1), b.balances(t, friend)["points"][0], "the referee's points and the purchase's")
	require.Zero(t, b.balances(t, other)["points"][0])
	// A second purchase awards nothing more; a second friend earns the referrer 200 more.
	b.ingest(t, event.Draft{ID: "buy-2", CustomerID: friend.String(), Type: event.TypePurchase, Channel: "pos",
		OccurredAt: b.clock.Now(), AmountFen: &amount, Items: []event.Item{{SKU: "tea", Quantity: 1}}})
	// The second friend buys at the till, which credits the purchase itself: the referral
	// still completes.
	second := b.customer(t)
	b.ingest(t, referral("r5", second, referrer.String()))
	_, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(second, "buy-3", amount))
	require.NoError(t, err)
	b.work(t)
	require.Equal(t, int64(400), b.balances(t, referrer)["points"][0])
	require.Equal(t, int64(100+1), b.balances(t, second)["points"][0])
	b.checkLedger(t, false)
}

// A rule at fault names its fields and changes nothing; a wallet the program lacks is refused;
// a brand has one active check-in rule.
func TestActionRulesAreCheckedAndOneCheckInRuleIsActive(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.svc.PutActionRule(ctx, b.tn.ID, actions.Rule{Key: "daily", Action: actions.CheckIn, Wallet: "gems", Points: 5,
		Limit: actions.Limit{Count: 1, Period: actions.Day}, Title: "签到", Active: true})
	require.ErrorIs(t, err, points.ErrUnknownWallet)
	_, err = b.svc.PutActionRule(ctx, b.tn.ID, actions.Rule{Key: "X", Action: actions.CheckIn, Wallet: ledger.Points, Points: -1})
	var fields []string
	for _, fe := range fielderr.All(err) {
		fields = append(fields, fe.Field)
	}
	require.ElementsMatch(t, []string{"key", "points", "limit.count", "title"}, fields)
	b.rule(t, actions.Rule{Key: "daily", Action: actions.CheckIn, Points: 5, Limit: actions.Limit{Count: 1, Period: actions.Day}})
	_, err = b.svc.PutActionRule(ctx, b.tn.ID, actions.Rule{Key: "daily2", Action: actions.CheckIn, Wallet: ledger.Points, Points: 8,
		Limit: actions.Limit{Count: 1, Period: actions.Day}, Title: "签到", Active: true})
	require.Equal(t, []string{"active"}, fieldsOf(err))
	rules, err := b.svc.ActionRules(ctx, b.tn.ID)
	require.NoError(t, err)
	require.Len(t, rules, 1)
	require.ErrorIs(t, b.svc.DeleteActionRule(ctx, b.tn.ID, "nope"), points.ErrRuleNotFound)
	require.NoError(t, b.svc.DeleteActionRule(ctx, b.tn.ID, "daily"))
}

// Merging customers keeps the survivor's check-in of a day and moves the duplicate's others.
func TestMergingCustomersMovesTheirCheckIns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.rule(t, actions.Rule{Key: "daily", Action: actions.CheckIn, Points: 5, Limit: actions.Limit{Count: 1, Period: actions.Day}})
	survivor, duplicate := b.customer(t), b.customer(t)
	for day := range 3 {
		b.clock.set(time.Date(2026, 3, 10+day, 9, 0, 0, 0, shanghai))
		_, err := b.svc.CheckIn(ctx, b.tn.ID, duplicate)
		require.NoError(t, err)
	}
	_, err := b.svc.CheckIn(ctx, b.tn.ID, survivor)
	require.NoError(t, err)
	_, err = b.app.Merges.Merge(ctx, b.tn.ID, survivor, duplicate)
	require.NoError(t, err)
	var days int
	require.NoError(t, b.super.QueryRow(ctx, `SELECT count(*) FROM points_check_ins WHERE customer_id = $1`, survivor).Scan(&days))
	require.Equal(t, 3, days)
	b.clock.set(time.Date(2026, 3, 13, 9, 0, 0, 0, shanghai))
	r, err := b.svc.CheckIn(ctx, b.tn.ID, survivor)
	require.NoError(t, err)
	require.Equal(t, 4, r.Streak, "the duplicate's streak carries on")
	b.checkLedger(t, false)
}

func fieldsOf(err error) []string {
	var out []string
	for _, fe := range fielderr.All(err) {
		out = append(out, fe.Field)
	}
	return out
}
