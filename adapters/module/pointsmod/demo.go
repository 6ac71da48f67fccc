package pointsmod

import (
	"context"
	"time"

	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/domain/points/campaigns"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	domain "github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/domain/points/rules"
	"github.com/engagehq/engage/tenants"
)

// demo gives a demo brand its points program, a rule version in effect since before its
// history (a point and a status point per yuan, double points at weekends, a birthday-month
// bonus), two campaigns over the history's last weeks (one ended, one running), and a small
// catalog. The history replayed afterwards earns under them through the points subscriber, as
// any purchase does. A brand that has rules or campaigns already keeps what it has.
func demo(ctx context.Context, k *module.Kernel, tenant tenants.ID, historyEnds time.Time) error {
	end := time.Date(historyEnds.Year(), historyEnds.Month(), historyEnds.Day(), 0, 0, 0, 0, historyEnds.Location()).AddDate(0, 0, 1)
	seeded, err := module.Get[*points.Service](k).SeedDemo(ctx, tenant, points.Demo{Program: program.Defaults(), Rules: demoRules(),
		Since: end.AddDate(-3, 0, 0), Campaigns: demoCampaigns(end)})
	if err != nil || !seeded {
		return err
	}
	catalog := module.Get[*rewards.Service](k)
	for _, r := range demoRewards() {
		if _, err := catalog.Create(ctx, tenant, r); err != nil {
			return err
		}
	}
	return nil
}

func demoRules() rules.Set {
	return rules.Set{Rules: []rules.Rule{
		{Key: "base", Title: rules.Text{ZH: "消费积分", EN: "Points for purchases"}, Tip: rules.Text{ZH: "每消费 1 元得 1 积分", EN: "A point for every yuan"},
			Wallet: ledger.Points, Kind: rules.KindBase, Points: 1, PerFen: 100},
		{Key: "base_status", Title: rules.Text{ZH: "成长值", EN: "Status points"}, Wallet: ledger.Status, Kind: rules.KindBase, Points: 1, PerFen: 100},
		{Key: "weekend_double", Title: rules.Text{ZH: "周末双倍积分", EN: "Double points at weekends"},
			Tip:    rules.Text{ZH: "周六、周日消费积分翻倍", EN: "Shop on Saturdays and Sundays for double points"},
			Wallet: ledger.Points, Kind: rules.KindMultiplier, Percent: 200, Priority: 10, Stacking: rules.Stack,
			When: rules.Conditions{Weekdays: []int{0, 6}}},
		{Key: "birthday_bonus", Title: rules.Text{ZH: "生日月礼遇", EN: "Birthday month bonus"},
			Tip:    rules.Text{ZH: "生日当月每笔消费满 50 元加赠 100 积分", EN: "100 extra points on every purchase of 50 yuan or more in your birthday month"},
			Wallet: ledger.Points, Kind: rules.KindBonus, Points: 100, Priority: 5, Stacking: rules.Stack,
			When: rules.Conditions{Birthday: rules.BirthdayMonth, MinSpendFen: 5000}},
	}}
}

// demoCampaigns are laid over the history ending before end: one ended a month before, one
// running from its last week to two weeks on.
func demoCampaigns(end time.Time) []campaigns.Campaign {
	return []campaigns.Campaign{
		{Name: rules.Text{ZH: "秋季音乐节加赠", EN: "Autumn music festival bonus"},
			Description: rules.Text{ZH: "活动期间每笔消费满 30 元加赠 50 积分", EN: "50 extra points on every purchase of 30 yuan or more"},
			Wallet:      ledger.Points, StartsAt: end.AddDate(0, 0, -45), EndsAt: end.AddDate(0, 0, -31), Kind: rules.KindBonus, Points: 50,
			When: rules.Conditions{MinSpendFen: 3000}, Budget: 200_000},
		{Name: rules.Text{ZH: "会员周三倍积分", EN: "Members' week: triple points"},
			Description: rules.Text{ZH: "活动期间消费得三倍积分，积分发完即止", EN: "Triple points while the budget lasts"},
			Wallet:      ledger.Points, StartsAt: end.AddDate(0, 0, -6), EndsAt: end.AddDate(0, 0, 14), Kind: rules.KindMultiplier, Percent: 300,
			Budget: 100_000},
	}
}

func demoRewards() []domain.Reward {
	stock := func(n int64) *int64 { return &n }
	return []domain.Reward{
		{Kind: domain.KindVoucher, Status: domain.StatusActive, Title: domain.Text{ZH: "乌龙茶一杯", EN: "A cup of oolong tea"},
			Description: domain.Text{ZH: "任意门店兑换一杯中杯乌龙茶", EN: "A medium oolong tea at any store"}, Category: "饮品",
			Points: 300, VoucherDays: 30},
		{Kind: domain.KindDiscount, Status: domain.StatusActive, Title: domain.Text{ZH: "满 100 减 20 券", EN: "20 yuan off 100"},
			Description: domain.Text{ZH: "单笔消费满 100 元立减 20 元", EN: "20 yuan off a purchase of 100 yuan or more"}, Category: "优惠券",
			Points: 800, VoucherDays: 60, PerCustomer: 2},
		{Kind: domain.KindGift, Status: domain.StatusActive, Title: domain.Text{ZH: "帆布袋", EN: "Canvas tote bag"},
			Description: domain.Text{ZH: "门店领取", EN: "Collect it at a store"}, Category: "周边", Points: 1500, Stock: stock(200), VoucherDays: 30},
		{Kind: domain.KindPhysical, Status: domain.StatusActive, Title: domain.Text{ZH: "限量版黑胶唱片", EN: "Limited-edition vinyl record"},
			Description: domain.Text{ZH: "包邮到家，每人限兑 1 张", EN: "Shipped free; one per member"}, Category: "周边",
			Points: 5000, Stock: stock(50), PerCustomer: 1, VoucherDays: 90},
	}
}
