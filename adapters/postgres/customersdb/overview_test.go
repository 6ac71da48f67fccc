package customersdb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/application/customers/overview"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// member is a fixture customer: when the profile was made, their city and purchases.
type member struct {
	created   time.Time
	city      string
	purchases []purchase
}

type purchase struct {
	at    time.Time
	fen   int64
	store string
}

// storeMembers writes ms as customers of tn, with their purchases and activity rows.
func (b *testBundle) storeMembers(t *testing.T, tn tenants.Tenant, ms []member) {
	t.Helper()
	b.inTenant(t, tn, func(ctx context.Context) error {
		q, _, _ := postgres.TenantTx(ctx)
		var ids []uuid.UUID
		var evs []event.Event
		for i, m := range ms {
			id, err := newCustomer(ctx)
			if err != nil {
				return err
			}
			if _, err := q.Exec(ctx, `UPDATE customers SET created_at = $2, city = $3 WHERE id = $1`, id, m.created, m.city); err != nil {
				return err
			}
			ids = append(ids, id)
			for j, p := range m.purchases {
				e := purchaseOf(fmt.Sprintf("m%d-p%d", i, j), id, p.at, p.fen)
				e.Store = p.store
				evs = append(evs, e)
			}
		}
		if len(evs) > 0 {
			if _, err := (customersdb.Events{}).InsertNew(ctx, evs); err != nil {
				return err
			}
		}
		return customersdb.Activity{}.Recompute(ctx, ids)
	})
}

// The overview counts days, months, joinings and stages in the brand's zone: a purchase at
// 00:30 Beijing time is that day's though it is the day before in UTC, a December 1st at
// midnight is December's, and a customer whose first event precedes the profile joined on the
// event's day.
func TestTheOverviewCutsDaysAndMonthsInTheBrandsZone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	cst, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, cst) }
	now := at(2026, 3, 15, 10, 0)
	b.storeMembers(t, tn, []member{
		// A joined late on the 13th and bought at 00:30 on the 14th (the 13th in UTC) and on the 15th.
		{created: at(2026, 3, 13, 23, 30), city: "杭州", purchases: []purchase{
			{at(2026, 3, 14, 0, 30), 10000, "杭州西湖店"}, {at(2026, 3, 15, 9, 0), 5000, "杭州西湖店"}}},
		// B's profile is from the 14th, but their first purchase was at 23:50 on the 13th.
		{created: at(2026, 3, 14, 0, 10), city: "杭州", purchases: []purchase{{at(2026, 3, 13, 23, 50), 3000, "上海南京路店"}}},
		// C lapsed for a year and came back on the 10th: won back.
		{created: at(2025, 1, 1, 12, 0), city: "上海", purchases: []purchase{
			{at(2025, 1, 1, 12, 0), 500, ""}, {at(2025, 4, 1, 0, 0), 700, ""}, {at(2026, 3, 10, 12, 0), 2000, ""}}},
		// D never bought since June: lapsed.
		{created: at(2025, 6, 1, 12, 0)},
		// E bought once, 103 days before the 13th ended: at risk.
		{created: at(2025, 12, 1, 0, 0), purchases: []purchase{{at(2025, 12, 1, 0, 0), 1000, ""}}},
		// F is new up to exactly 30 days (the end of the 13th), active after.
		{created: at(2026, 2, 12, 0, 0)},
		// H joined at 07:59 on the 14th (the 13th in UTC); I this morning.
		{created: at(2026, 3, 14, 7, 59)},
		{created: at(2026, 3, 15, 8, 30)},
	})
	// Another brand's customers count nowhere.
	b.storeMembers(t, other, []member{{created: at(2026, 3, 14, 12, 0), city: "杭州",
		purchases: []purchase{{at(2026, 3, 14, 12, 0), 99900, "杭州西湖店"}}}})

	svc := overview.NewService(overview.Deps{Tx: b.db, Repo: customersdb.Overview{}, Lifecycle: customersdb.Lifecycle{}, Clock: fixedClock(now)})
	o, err := svc.Overview(context.Background(), tn.ID, 3, cst)
	require.NoError(t, err)

	require.Equal(t, []time.Time{at(2026, 3, 13, 0, 0), at(2026, 3, 14, 0, 0), at(2026, 3, 15, 0, 0)}, o.Days)
	require.Equal(t, int64(8), o.Members)
	require.Equal(t, []int64{2, 1, 1}, o.Joined, "A and B on the 13th, H on the 14th, I on the 15th")
	require.Equal(t, []int64{6, 7, 8}, o.MembersAt)
	stages := func(i int) map[lifecycle.Stage]int64 {
		out := map[lifecycle.Stage]int64{}
		for _, c := range o.Stages[i] {
			out[c.Stage] = c.Customers
		}
		return out
	}
	require.Equal(t, map[lifecycle.Stage]int64{lifecycle.New: 3, lifecycle.Active: 0, lifecycle.AtRisk: 1, lifecycle.Lapsed: 1, lifecycle.WonBack: 1}, stages(0))
	require.Equal(t, map[lifecycle.Stage]int64{lifecycle.New: 3, lifecycle.Active: 1, lifecycle.AtRisk: 1, lifecycle.Lapsed: 1, lifecycle.WonBack: 1}, stages(1))
	require.Equal(t, map[lifecycle.Stage]int64{lifecycle.New: 4, lifecycle.Active: 1, lifecycle.AtRisk: 1, lifecycle.Lapsed: 1, lifecycle.WonBack: 1}, stages(2))

	require.Equal(t, ports.PeriodSales{SpendFen: 18000, Purchases: 3}, o.Sales)
	require.Equal(t, [2]int64{2, 1}, [2]int64{o.Buyers, o.Repeat}, "A and B bought in the days, A twice")
	require.Equal(t, [2]int64{4, 2}, [2]int64{o.EverBuyers, o.EverRepeat}, "A, B, C and E ever, A and C more than once")
	require.InDelta(t, 0.5, overview.RepeatRate(o.Buyers, o.Repeat), 1e-9)

	require.Len(t, o.Months, overview.Months)
	require.Equal(t, at(2025, 4, 1, 0, 0), o.Months[0])
	require.Equal(t, at(2026, 3, 1, 0, 0), o.Months[11])
	want := make([]ports.PeriodSales, overview.Months)
	want[0] = ports.PeriodSales{SpendFen: 700, Purchases: 1}    // April 1st at 00:00 is March 31st in UTC
	want[8] = ports.PeriodSales{SpendFen: 1000, Purchases: 1}   // December 1st at 00:00 is November 30th in UTC
	want[11] = ports.PeriodSales{SpendFen: 20000, Purchases: 4} // A's two, B's and C's
	require.Equal(t, want, o.MonthSales)

	require.Equal(t, []ports.CityCount{{City: "杭州", Customers: 2}, {City: "上海", Customers: 1}}, o.Cities)
	require.Equal(t, []ports.StoreSales{{Store: "杭州西湖店", SpendFen: 15000, Purchases: 2, Customers: 1},
		{Store: "上海南京路店", SpendFen: 3000, Purchases: 1, Customers: 1}}, o.Stores)

	// In New York the same instants fall on other days: A and B joined on the 13th there too
	// (11:30 and 11:50 in the morning), H on the 13th (19:59), I on the 14th (20:30).
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	o, err = svc.Overview(context.Background(), tn.ID, 3, ny)
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 3, 12, 0, 0, 0, 0, ny), o.Days[0])
	require.Equal(t, []int64{0, 3, 1}, o.Joined)
}

// simulatedStages applies the domain's rule to m at every moment its stage can change (each
// purchase and just after each limit) and at each instant of at, as the event reactions and a
// sweep that never sleeps would, and returns m's stage at each instant of at ("" before
// joining).
func simulatedStages(s lifecycle.Settings, m member, at []time.Time) []lifecycle.Stage {
	joined := m.created
	for _, p := range m.purchases {
		if p.at.Before(joined) {
			joined = p.at
		}
	}
	tick := time.Microsecond
	day := func(n int) time.Duration { return time.Duration(n) * lifecycle.Day }
	moments := append([]time.Time{joined, joined.Add(day(s.NewDays) + tick), joined.Add(day(s.AtRiskDays) + tick),
		joined.Add(day(s.LapsedDays) + tick)}, at...)
	for _, p := range m.purchases {
		moments = append(moments, p.at, p.at.Add(day(s.AtRiskDays)+tick), p.at.Add(day(s.LapsedDays)+tick), p.at.Add(day(s.WonBackDays)+tick))
	}
	slices.SortFunc(moments, func(a, b time.Time) int { return a.Compare(b) })
	stage, since := lifecycle.New, joined
	out := make([]lifecycle.Stage, len(at))
	for _, t := range moments {
		if t.Before(joined) {
			continue
		}
		f := lifecycle.Facts{JoinedAt: joined, Previous: stage, PreviousSince: since}
		for _, p := range m.purchases {
			if !p.at.After(t) && (f.LastPurchaseAt == nil || p.at.After(*f.LastPurchaseAt)) {
				last := p.at
				f.LastPurchaseAt = &last
			}
		}
		stage, since = s.Evaluate(f, t)
		for i, a := range at {
			if a.Equal(t) {
				out[i] = stage
			}
		}
	}
	return out
}

// The stages the overview derives in SQL are the domain's rule applied at every moment, over
// customers whose joining and purchases are drawn around the rule's limits and the instants
// asked for.
func TestTheOverviewsStagesAgreeWithTheDomain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, s := range []lifecycle.Settings{lifecycle.Defaults, {NewDays: 7, AtRiskDays: 20, LapsedDays: 45, WonBackDays: 10}} {
		tn := pgtest.NewTenant(t, b.dir)
		b.inTenant(t, tn, func(ctx context.Context) error { return customersdb.Lifecycle{}.PutSettings(ctx, s) })
		r := rand.New(rand.NewPCG(uint64(s.NewDays), 11))
		now := time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)
		at := make([]time.Time, 20)
		for i := range at {
			at[i] = now.Add(-time.Duration(len(at)-1-i) * lifecycle.Day)
		}
		marks := []int{0, 1, s.NewDays, s.AtRiskDays, s.LapsedDays, s.WonBackDays, s.LapsedDays + s.WonBackDays, 3 * s.LapsedDays}
		ago := func() time.Time {
			base := at[r.IntN(len(at))]
			return base.Add(-time.Duration(marks[r.IntN(len(marks))])*lifecycle.Day + time.Duration(r.IntN(5)-2)*time.Second)
		}
		ms := make([]member, 300)
		for i := range ms {
			ms[i].created = ago()
			for range r.IntN(5) {
				if p := ago(); !p.After(now) {
					ms[i].purchases = append(ms[i].purchases, purchase{at: p, fen: 100})
				}
			}
		}
		b.storeMembers(t, tn, ms)
		want := make([]map[lifecycle.Stage]int64, len(at))
		for i := range want {
			want[i] = map[lifecycle.Stage]int64{}
			for _, st := range lifecycle.Stages {
				want[i][st] = 0
			}
		}
		for _, m := range ms {
			for i, st := range simulatedStages(s, m, at) {
				if st != "" {
					want[i][st]++
				}
			}
		}
		var got [][]ports.StageCount
		require.NoError(t, b.db.ReadInTenant(context.Background(), tn.ID, func(ctx context.Context) (err error) {
			got, err = customersdb.Overview{}.StagesAt(ctx, s, at)
			return err
		}))
		for i := range at {
			counts := map[lifecycle.Stage]int64{}
			for _, c := range got[i] {
				counts[c.Stage] = c.Customers
			}
			require.Equal(t, want[i], counts, "settings %+v at %s", s, at[i])
		}
	}
}
