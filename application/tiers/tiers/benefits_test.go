package tiers_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	domain "github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/domain/tiers/tier"
)

// reward adds a reward to the brand's points catalog and returns its ID.
func (b *testBundle) reward(t testing.TB) uuid.UUID {
	t.Helper()
	v, err := module.Get[*rewards.Service](b.app.Kernel).Create(ctx, b.tn.ID, domain.Reward{Kind: domain.KindVoucher,
		Status: domain.StatusActive, Title: domain.Text{ZH: "乌龙茶一杯", EN: "An oolong tea"}, Points: 500, VoucherDays: 30})
	require.NoError(t, err)
	return v.ID
}

// visit records a visit of the customer a minute before the clock's time and works the subscribers.
func (b *testBundle) visit(t testing.TB, customer uuid.UUID) {
	t.Helper()
	_, err := b.app.Events.IngestBatch(ctx, b.tn.ID, []event.Draft{{ID: "v" + uuid.NewString(), CustomerID: customer.String(),
		Type: event.TypeVisit, Channel: "pos", OccurredAt: b.clock.Now().Add(-time.Minute)}})
	require.NoError(t, err)
	jobstest.WorkSubscribers(t, b.app.DB.Pool(), b.app.Bus)
}

// benefit adds a benefit to a tier.
func (b *testBundle) benefit(t testing.TB, bn tier.Benefit) tier.Benefit {
	t.Helper()
	if bn.Title.ZH == "" {
		bn.Title = tier.Text{ZH: "权益", EN: "A benefit"}
	}
	out, err := b.svc.PutBenefit(ctx, b.tn.ID, bn)
	require.NoError(t, err)
	return out
}

// uses counts the customer's recorded uses of a benefit, by key.
func (b *testBundle) uses(t testing.TB, benefit, customer uuid.UUID) []string {
	t.Helper()
	rows, err := b.super.Query(ctx, `SELECT key FROM tier_benefit_uses WHERE tenant_id = $1 AND benefit_id = $2 AND customer_id = $3
		ORDER BY key`, b.tn.ID.UUID(), benefit, customer)
	require.NoError(t, err)
	var keys []string
	for rows.Next() {
		var k string
		require.NoError(t, rows.Scan(&k))
		keys = append(keys, k)
	}
	return keys
}

// vouchers counts the customer's vouchers and checks that none took points.
func (b *testBundle) vouchers(t testing.TB, customer uuid.UUID) int {
	t.Helper()
	var n, paid int
	require.NoError(t, b.super.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE d.points > 0 OR d.operation_id IS NOT NULL)
		FROM reward_vouchers v JOIN reward_redemptions d ON d.id = v.redemption_id WHERE v.tenant_id = $1 AND v.customer_id = $2`,
		b.tn.ID.UUID(), customer).Scan(&n, &paid))
	require.Zero(t, paid)
	return n
}

func fieldOf(err error) string {
	var fe *fielderr.Error
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

// Bad benefits are refused with the field at fault, an unknown reward clearly, nothing stored.
func TestBenefitsAreCheckedField(t *testing.T) {
	t.Parallel()
	b := setupQuiet(t)
	b.program(t, nil)
	unknown := uuid.New()
	for name, c := range map[string]struct {
		b     tier.Benefit
		field string
	}{
		"unknown tier":    {tier.Benefit{Tier: "diamond", Kind: tier.Perk, Title: tier.Text{ZH: "a", EN: "a"}}, "tier"},
		"no title":        {tier.Benefit{Tier: "gold", Kind: tier.Perk}, "title"},
		"kind":            {tier.Benefit{Tier: "gold", Kind: "cake", Title: tier.Text{ZH: "a", EN: "a"}}, "kind"},
		"no reward":       {tier.Benefit{Tier: "gold", Kind: tier.EntryReward, Title: tier.Text{ZH: "a", EN: "a"}}, "reward_id"},
		"unknown reward":  {tier.Benefit{Tier: "gold", Kind: tier.EntryReward, RewardID: &unknown, Title: tier.Text{ZH: "a", EN: "a"}}, "reward_id"},
		"tag":             {tier.Benefit{Tier: "gold", Kind: tier.EarlyAccess, Tag: "Big Sale", Title: tier.Text{ZH: "a", EN: "a"}}, "tag"},
		"limit on a note": {tier.Benefit{Tier: "gold", Kind: tier.MultiplierNote, UsageLimit: 2, Title: tier.Text{ZH: "a", EN: "a"}}, "usage_limit"},
		"period":          {tier.Benefit{Tier: "gold", Kind: tier.Perk, LimitPeriod: "week", Title: tier.Text{ZH: "a", EN: "a"}}, "limit_period"},
	} {
		_, err := b.svc.PutBenefit(ctx, b.tn.ID, c.b)
		require.Error(t, err, name)
		require.Equal(t, c.field, fieldOf(err), name)
	}
	_, err := b.svc.PutBenefit(ctx, b.tn.ID, tier.Benefit{Tier: "gold", Kind: tier.EntryReward, RewardID: &unknown,
		Title: tier.Text{ZH: "a", EN: "a"}})
	require.ErrorIs(t, err, tiers.ErrUnknownReward)
	views, err := b.svc.Benefits(ctx, b.tn.ID)
	require.NoError(t, err)
	require.Empty(t, views)
}

// A customer skipping silver straight into gold gets both tiers' entry rewards once; the
// jobs worked again give nothing more; a renewal at evaluation gives none.
func TestEntryRewardsOfSkippedTiersOnceAndNotAtRenewal(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, nil)
	r := b.reward(t)
	silver := b.benefit(t, tier.Benefit{Tier: "silver", Kind: tier.EntryReward, RewardID: &r})
	gold := b.benefit(t, tier.Benefit{Tier: "gold", Kind: tier.EntryReward, RewardID: &r})
	c := b.customer(t)

	b.buy(t, c, 200_000)
	b.buy(t, c, 200_000)
	require.Equal(t, []string{"entry:2026-01-01"}, b.uses(t, silver.ID, c))
	require.Empty(t, b.uses(t, gold.ID, c))
	// Two days of visits, then one purchase of ¥6,000: orange straight to gold.
	c2 := b.customer(t)
	for range 2 {
		b.clock.set(b.clock.Now().Add(24 * time.Hour))
		b.visit(t, c2)
	}
	require.Empty(t, b.uses(t, silver.ID, c2))
	b.clock.set(b.clock.Now().Add(24 * time.Hour))
	b.buy(t, c2, 600_000)
	code, _ := b.tierOf(t, c2)
	require.Equal(t, tier.Code("gold"), code)
	require.Equal(t, []string{"tier.upgraded:gold", "tier.benefit_given:entry:2026-01-01", "tier.benefit_given:entry:2026-01-01"},
		b.published(t, c2), "one move, skipping silver; both rewards given")
	require.Equal(t, []string{"entry:2026-01-01"}, b.uses(t, silver.ID, c2), "silver, skipped")
	require.Equal(t, []string{"entry:2026-01-01"}, b.uses(t, gold.ID, c2))
	require.Equal(t, 2, b.vouchers(t, c2), "a voucher of each, free")
	b.rerun(t)
	require.Equal(t, []string{"entry:2026-01-01"}, b.uses(t, gold.ID, c2), "worked again: once")
	require.Equal(t, 2, b.vouchers(t, c2), "worked again: no more vouchers")

	// Valid through 2027: the evaluation in 2028 renews gold on 2027's figures, no reward.
	b.clock.set(time.Date(2027, 6, 1, 10, 0, 0, 0, shanghai))
	for range 3 {
		b.clock.set(b.clock.Now().Add(24 * time.Hour))
		b.buy(t, c2, 200_000)
	}
	b.clock.set(time.Date(2028, 1, 1, 1, 0, 0, 0, shanghai))
	b.evaluate(t)
	code, _ = b.tierOf(t, c2)
	require.Equal(t, tier.Code("gold"), code)
	require.Equal(t, []string{"entry:2026-01-01"}, b.uses(t, gold.ID, c2), "a renewal gives no entry reward")

	views, err := b.svc.Benefits(ctx, b.tn.ID)
	require.NoError(t, err)
	require.Len(t, views, 2)
	for _, v := range views {
		if v.ID == silver.ID {
			require.Equal(t, tiers.Usage{Uses: 2, Members: 2}, v.Usage)
		}
	}
}

// Upgrades of one customer at once give one entry reward.
func TestConcurrentUpgradesGiveOneEntryReward(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, nil)
	r := b.reward(t)
	silver := b.benefit(t, tier.Benefit{Tier: "silver", Kind: tier.EntryReward, RewardID: &r})
	c := b.customer(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = b.svc.Assign(ctx, b.tn.ID, tiers.Assignment{Customer: c, Tier: "silver", Reason: "VIP"})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, []string{"entry:2026-01-01"}, b.uses(t, silver.ID, c))

	// Purchases of another customer counted at once, each enough for silver.
	c2 := b.customer(t)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			amount := int64(150_000)
			_, errs[i] = b.app.Events.IngestBatch(ctx, b.tn.ID, []event.Draft{{ID: "p" + uuid.NewString(), CustomerID: c2.String(),
				Type: event.TypePurchase, Channel: "pos", OccurredAt: b.clock.Now().Add(-time.Minute), AmountFen: &amount,
				Items: []event.Item{{SKU: "tea", Quantity: 1}}}})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	jobstest.WorkSubscribers(t, b.app.DB.Pool(), b.app.Bus)
	require.Equal(t, []string{"tier.upgraded:silver", "tier.benefit_given:entry:2026-01-01"}, b.published(t, c2))
	require.Equal(t, []string{"entry:2026-01-01"}, b.uses(t, silver.ID, c2))
}

// A perk is claimed up to its limit per period, once per key; early access answers with the
// reason.
func TestPerkClaimsAndEarlyAccess(t *testing.T) {
	t.Parallel()
	b := setupQuiet(t)
	b.program(t, nil)
	perk := b.benefit(t, tier.Benefit{Tier: "silver", Kind: tier.Perk, UsageLimit: 2, LimitPeriod: tier.PerMonth, Existing: true})
	b.benefit(t, tier.Benefit{Tier: "silver", Kind: tier.EarlyAccess, Tag: "spring-sale", Existing: true})
	c := b.customer(t)

	e, err := b.svc.Eligible(ctx, b.tn.ID, c, "spring-sale")
	require.NoError(t, err)
	require.Equal(t, tiers.Eligibility{Reason: "not_in_tier", Tier: "orange", Tiers: []tier.Code{"silver"}}, e)
	_, err = b.svc.ClaimPerk(ctx, b.tn.ID, c, perk.ID, "k1")
	require.ErrorIs(t, err, tiers.ErrNotYours)

	b.buy(t, c, 100_000)
	e, err = b.svc.Eligible(ctx, b.tn.ID, c, "spring-sale")
	require.NoError(t, err)
	require.True(t, e.Eligible)
	e, err = b.svc.Eligible(ctx, b.tn.ID, c, "winter")
	require.NoError(t, err)
	require.Equal(t, "unknown_tag", e.Reason)

	got, err := b.svc.ClaimPerk(ctx, b.tn.ID, c, perk.ID, "k1")
	require.NoError(t, err)
	require.Equal(t, 1, *got.Left)
	got, err = b.svc.ClaimPerk(ctx, b.tn.ID, c, perk.ID, "k1")
	require.NoError(t, err)
	require.True(t, got.Replayed)
	require.Equal(t, 1, *got.Left)
	_, err = b.svc.ClaimPerk(ctx, b.tn.ID, c, perk.ID, "k2")
	require.NoError(t, err)
	_, err = b.svc.ClaimPerk(ctx, b.tn.ID, c, perk.ID, "k3")
	require.ErrorIs(t, err, tiers.ErrUsedUp)
	mine, err := b.svc.MyBenefits(ctx, b.tn.ID, c)
	require.NoError(t, err)
	require.Len(t, mine, 2)
	require.Equal(t, tiers.StatusUsedUp, mine[0].Status)

	b.clock.set(time.Date(2026, 4, 1, 0, 0, 0, 0, shanghai))
	_, err = b.svc.ClaimPerk(ctx, b.tn.ID, c, perk.ID, "k3")
	require.NoError(t, err, "a new month")
}

// The gifts job gives a birthday gift once a year, in the brand's zone, and an anniversary
// gift from the first anniversary.
func TestBirthdayAndAnniversaryGiftsOncePerYear(t *testing.T) {
	t.Parallel()
	b := setupQuiet(t)
	b.program(t, nil)
	r := b.reward(t)
	gift := b.benefit(t, tier.Benefit{Tier: "orange", Kind: tier.BirthdayGift, RewardID: &r, Existing: true})
	c := b.customer(t)
	b.buy(t, c, 100)
	_, err := b.super.Exec(ctx, `UPDATE customers SET birth_date = '1990-03-12' WHERE id = $1`, c)
	require.NoError(t, err)
	_, err = b.super.Exec(ctx, `UPDATE tier_members SET tier = 'orange' WHERE customer_id = $1`, c)
	require.NoError(t, err)

	gifts := func() int {
		n, err := b.svc.Gifts(ctx, tiers.GiftsArgs{TenantID: b.tn.ID.UUID()})
		require.NoError(t, err)
		return n
	}
	b.clock.set(time.Date(2026, 3, 11, 23, 30, 0, 0, shanghai))
	require.Equal(t, 0, gifts(), "the day before, in Shanghai")
	b.clock.set(time.Date(2026, 3, 12, 0, 30, 0, 0, shanghai))
	require.Equal(t, 1, gifts())
	require.Equal(t, 0, gifts(), "once")
	b.clock.set(time.Date(2026, 3, 15, 0, 30, 0, 0, shanghai))
	require.Equal(t, 0, gifts(), "once a year")
	require.Equal(t, []string{"birthday:2026"}, b.uses(t, gift.ID, c))
	jobstest.WorkSubscribers(t, b.app.DB.Pool(), b.app.Bus)
	require.Equal(t, 1, b.vouchers(t, c), "the gift's voucher")
	b.clock.set(time.Date(2027, 3, 13, 0, 30, 0, 0, shanghai))
	require.Equal(t, 1, gifts(), "next year, a day late")

	// An anniversary gift from the first anniversary of the member's first counted day.
	anniversary := b.benefit(t, tier.Benefit{Tier: "orange", Kind: tier.AnniversaryGift, RewardID: &r, Existing: true})
	_, err = b.super.Exec(ctx, `UPDATE tier_members SET joined = '2027-03-13' WHERE customer_id = $1`, c)
	require.NoError(t, err)
	require.Equal(t, 0, gifts(), "the day they joined is no anniversary")
	b.clock.set(time.Date(2028, 3, 13, 9, 0, 0, 0, shanghai))
	require.Equal(t, 2, gifts(), "the anniversary, and the birthday a day late")
	require.Equal(t, []string{"anniversary:2028"}, b.uses(t, anniversary.ID, c))
}

// With upgrades at the next period, the evaluation's upgrade gives the entry reward, once
// however often it runs.
func TestTheEvaluationsUpgradeGivesTheEntryReward(t *testing.T) {
	t.Parallel()
	b := setupQuiet(t)
	b.program(t, func(s *tier.Settings) { s.Start = tier.NextPeriod })
	r := b.reward(t)
	silver := b.benefit(t, tier.Benefit{Tier: "silver", Kind: tier.EntryReward, RewardID: &r})
	c := b.customer(t)
	b.buy(t, c, 150_000)
	code, _ := b.tierOf(t, c)
	require.Equal(t, tier.Code("orange"), code, "waits for the evaluation")
	require.Empty(t, b.uses(t, silver.ID, c))

	b.clock.set(time.Date(2027, 1, 1, 1, 0, 0, 0, shanghai))
	b.evaluate(t)
	b.evaluate(t)
	code, _ = b.tierOf(t, c)
	require.Equal(t, tier.Code("silver"), code)
	require.Equal(t, []string{"entry:2027-01-01"}, b.uses(t, silver.ID, c))
}
