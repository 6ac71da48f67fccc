package customersdb_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/ports"
)

// lifecycleCase is a customer's facts as stored: the profile's creation, the first event and
// last purchase (nil without), and the stage it had.
type lifecycleCase struct {
	created         time.Time
	firstSeen, last *time.Time
	prev            lifecycle.Stage
	prevSince       time.Time
}

func (c lifecycleCase) facts() lifecycle.Facts {
	joined := c.created
	if c.firstSeen != nil && c.firstSeen.Before(joined) {
		joined = *c.firstSeen
	}
	return lifecycle.Facts{JoinedAt: joined, LastPurchaseAt: c.last, Previous: c.prev, PreviousSince: c.prevSince}
}

// store writes the case as a customer of the tenant of ctx, with its activity row.
func (c lifecycleCase) store(ctx context.Context) (uuid.UUID, error) {
	id, err := newCustomer(ctx)
	if err != nil {
		return id, err
	}
	q, tenant, _ := postgres.TenantTx(ctx)
	if _, err := q.Exec(ctx, `UPDATE customers SET created_at = $2, lifecycle_stage = $3, lifecycle_since = $4 WHERE id = $1`,
		id, c.created, string(c.prev), c.prevSince); err != nil {
		return id, err
	}
	if c.firstSeen == nil {
		return id, nil
	}
	_, err = q.Exec(ctx, `INSERT INTO customer_activity (tenant_id, customer_id, first_seen_at, last_seen_at, last_purchase_at)
		VALUES ($1, $2, $3, $3, $4)`, tenant.UUID(), id, *c.firstSeen, c.last)
	return id, err
}

// randomCase draws facts around the rules' boundaries, to the second.
func randomCase(r *rand.Rand, s lifecycle.Settings, now time.Time) lifecycleCase {
	marks := []int{0, 1, s.NewDays, s.AtRiskDays, s.LapsedDays, s.WonBackDays, s.NewDays + s.AtRiskDays, 400}
	ago := func() time.Time {
		d := time.Duration(marks[r.IntN(len(marks))]) * lifecycle.Day
		return now.Add(-d + time.Duration(r.IntN(3)-1)*time.Second)
	}
	c := lifecycleCase{created: ago(), prev: lifecycle.Stages[r.IntN(len(lifecycle.Stages))], prevSince: ago()}
	if r.IntN(4) > 0 {
		first := ago()
		c.firstSeen = &first
		if r.IntN(3) > 0 {
			last := ago()
			if last.Before(first) {
				last = first
			}
			c.last = &last
		}
	}
	return c
}

func stageOf(ctx context.Context, id uuid.UUID) (lifecycle.Stage, time.Time, error) {
	c, err := customersdb.Customers{}.Get(ctx, id)
	return c.LifecycleStage, c.LifecycleSince, err
}

// boundaryCases are customers at each boundary of the default rules (new 30, at risk 90,
// lapsed 180, won back 30 days) and a second past it, for the differential test.
func boundaryCases(now time.Time) map[string]lifecycleCase {
	day := lifecycle.Day
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	at := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	long := 400 * day
	bought := func(last time.Duration, prev lifecycle.Stage, since time.Duration) lifecycleCase {
		return lifecycleCase{created: ago(long), firstSeen: at(long), last: at(last), prev: prev, prevSince: ago(since)}
	}
	return map[string]lifecycleCase{
		"joined exactly new_days ago":              {created: ago(30 * day), prev: lifecycle.New, prevSince: ago(30 * day)},
		"new period over a second ago":             {created: ago(30*day + time.Second), prev: lifecycle.New, prevSince: ago(30*day + time.Second)},
		"joined by an imported first event":        {created: ago(0), firstSeen: at(long), last: at(10 * day), prev: lifecycle.New, prevSince: ago(0)},
		"a new customer is never won back":         {created: ago(day), firstSeen: at(day), last: at(time.Hour), prev: lifecycle.New, prevSince: ago(day)},
		"bought exactly at_risk_days ago":          bought(90*day, lifecycle.Active, 90*day),
		"bought at_risk_days and a second ago":     bought(90*day+time.Second, lifecycle.Active, 90*day+time.Second),
		"bought exactly lapsed_days ago":           bought(180*day, lifecycle.AtRisk, 90*day),
		"bought lapsed_days and a second ago":      bought(180*day+time.Second, lifecycle.AtRisk, 90*day),
		"never bought, joined at_risk_days ago":    {created: ago(90 * day), prev: lifecycle.Active, prevSince: ago(60 * day)},
		"never bought, a day past at_risk_days":    {created: ago(91 * day), prev: lifecycle.Active, prevSince: ago(61 * day)},
		"never bought, a day past lapsed_days":     {created: ago(181 * day), prev: lifecycle.AtRisk, prevSince: ago(day)},
		"at risk buys again":                       bought(time.Hour, lifecycle.AtRisk, 20*day),
		"a purchase ahead of now":                  bought(-5*time.Minute, lifecycle.AtRisk, 20*day),
		"lapsed buys":                              bought(time.Hour, lifecycle.Lapsed, 50*day),
		"lapsed bought exactly won_back_days ago":  bought(30*day, lifecycle.Lapsed, 50*day),
		"lapsed bought won_back_days and a second": bought(30*day+time.Second, lifecycle.Lapsed, 50*day),
		"lapsed, purchase from before lapsing":     bought(200*day, lifecycle.Lapsed, 20*day),
		"won back exactly won_back_days ago":       bought(30*day, lifecycle.WonBack, 30*day),
		"won back period over a second ago":        bought(30*day+time.Second, lifecycle.WonBack, 30*day+time.Second),
		"won back and bought again":                bought(time.Hour, lifecycle.WonBack, 10*day),
		"won back long over, no purchase since":    bought(200*day, lifecycle.WonBack, 200*day),
	}
}

// TestLifecycleRecomputeInSQLAgreesWithTheDomain is the differential test of the lifecycle
// rule, which exists twice: in Go (domain/lifecycle, Settings.Evaluate) and set-based in SQL
// (changesSQL in lifecycle.go, behind Recompute and RecomputeAll). Customers at every boundary
// of the rules, and hundreds drawn around the boundaries of two sets of rules, are recomputed
// in SQL and must get the stage and since that Evaluate gives them.
func TestLifecycleRecomputeInSQLAgreesWithTheDomain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	repo := customersdb.Lifecycle{}
	now := time.Now().UTC().Truncate(time.Second)
	agree := func(t *testing.T, s lifecycle.Settings, names []string, cases []lifecycleCase) {
		ids := make([]uuid.UUID, len(cases))
		b.inTenant(t, tn, func(ctx context.Context) error {
			for i := range cases {
				var err error
				if ids[i], err = cases[i].store(ctx); err != nil {
					return err
				}
			}
			return nil
		})
		var changes int64
		for _, c := range cases {
			if stage, _ := s.Evaluate(c.facts(), now); stage != c.prev {
				changes++
			}
		}
		b.inTenant(t, tn, func(ctx context.Context) error {
			changed, err := repo.Recompute(ctx, s, now, ids)
			require.NoError(t, err)
			require.Equal(t, changes, int64(len(changed)), "only the customers whose stage changes are written")
			reported := map[uuid.UUID]lifecycle.Change{}
			for _, ch := range changed {
				reported[ch.CustomerID] = ch
			}
			for i, c := range cases {
				wantStage, wantSince := s.Evaluate(c.facts(), now)
				stage, since, err := stageOf(ctx, ids[i])
				require.NoError(t, err)
				require.Equal(t, wantStage, stage, "%s: %+v", names[i], c)
				require.True(t, wantSince.Equal(since), "%s: since %s, want %s: %+v", names[i], since, wantSince, c)
				if ch, ok := reported[ids[i]]; ok {
					require.Equal(t, c.prev, ch.From, "%s: the change names the stage it left", names[i])
					require.Equal(t, wantStage, ch.To, "%s", names[i])
					require.True(t, wantSince.Equal(ch.Since), "%s", names[i])
				} else {
					require.Equal(t, c.prev, wantStage, "%s: a change is reported", names[i])
				}
			}
			changed, err = repo.Recompute(ctx, s, now, ids)
			require.NoError(t, err)
			require.Empty(t, changed, "a second run changes nothing")
			return nil
		})
	}

	var names []string
	var cases []lifecycleCase
	for name, c := range boundaryCases(now) {
		names, cases = append(names, name), append(cases, c)
	}
	agree(t, lifecycle.Defaults, names, cases)

	r := rand.New(rand.NewPCG(5, 2026))
	for _, s := range []lifecycle.Settings{lifecycle.Defaults, {NewDays: 30, AtRiskDays: 7, LapsedDays: 14, WonBackDays: 60}} {
		names, cases := make([]string, 300), make([]lifecycleCase, 300)
		for i := range cases {
			names[i], cases[i] = fmt.Sprintf("case %d", i), randomCase(r, s, now)
		}
		agree(t, s, names, cases)
	}
}

func TestLifecycleSweepsTheWholeBrandAndCountsStages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	repo := customersdb.Lifecycle{}
	now := time.Now().UTC().Truncate(time.Second)
	ago := func(days int) *time.Time { t := now.Add(-time.Duration(days) * lifecycle.Day); return &t }
	var lapsed uuid.UUID
	b.inTenant(t, tn, func(ctx context.Context) error {
		s, err := repo.Settings(ctx)
		require.NoError(t, err)
		require.Equal(t, lifecycle.Defaults, s, "a brand without settings has the defaults")
		for _, c := range []lifecycleCase{
			{created: now, prev: lifecycle.New, prevSince: now},
			{created: *ago(400), firstSeen: ago(400), last: ago(10), prev: lifecycle.New, prevSince: *ago(400)},
			{created: *ago(400), firstSeen: ago(400), last: ago(100), prev: lifecycle.New, prevSince: *ago(400)},
			{created: *ago(400), firstSeen: ago(400), last: ago(200), prev: lifecycle.New, prevSince: *ago(400)},
		} {
			id, err := c.store(ctx)
			require.NoError(t, err)
			lapsed = id
		}
		return nil
	})
	b.inTenant(t, other, func(ctx context.Context) error {
		_, err := lifecycleCase{created: *ago(400), prev: lifecycle.New, prevSince: *ago(400)}.store(ctx)
		return err
	})
	b.inTenant(t, tn, func(ctx context.Context) error {
		changed, err := repo.RecomputeAll(ctx, lifecycle.Defaults, now)
		require.NoError(t, err)
		require.Len(t, changed, 3)
		for _, ch := range changed {
			require.Equal(t, lifecycle.New, ch.From, "every one of them was new")
			require.NotEqual(t, lifecycle.New, ch.To)
		}
		counts, err := repo.Counts(ctx)
		require.NoError(t, err)
		require.Equal(t, []ports.StageCount{{Stage: lifecycle.New, Customers: 1}, {Stage: lifecycle.Active, Customers: 1},
			{Stage: lifecycle.AtRisk, Customers: 1}, {Stage: lifecycle.Lapsed, Customers: 1}, {Stage: lifecycle.WonBack}}, counts)
		lapsedOnes, err := customersdb.Customers{}.List(ctx, ports.CustomerQuery{Lifecycle: lifecycle.Lapsed}, ports.Page{Limit: 10})
		require.NoError(t, err)
		require.Len(t, lapsedOnes, 1)
		require.Equal(t, lapsed, lapsedOnes[0].ID)
		return nil
	})
	b.inTenant(t, other, func(ctx context.Context) error {
		counts, err := repo.Counts(ctx)
		require.NoError(t, err)
		require.Equal(t, int64(1), counts[0].Customers, "the other brand's customer was not swept")
		return nil
	})
}

func TestLifecycleSettingsAreTheBrandsOwn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.Lifecycle{}
	tn, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	mine := lifecycle.Settings{NewDays: 14, AtRiskDays: 30, LapsedDays: 60, WonBackDays: 14}
	b.inTenant(t, tn, func(ctx context.Context) error { return repo.PutSettings(ctx, lifecycle.Defaults) })
	b.inTenant(t, tn, func(ctx context.Context) error { return repo.PutSettings(ctx, mine) })
	b.inTenant(t, tn, func(ctx context.Context) error {
		s, err := repo.Settings(ctx)
		require.Equal(t, mine, s)
		return err
	})
	b.inTenant(t, other, func(ctx context.Context) error {
		s, err := repo.Settings(ctx)
		require.Equal(t, lifecycle.Defaults, s)
		return err
	})
}

func TestLifecycleStagesAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.Lifecycle{}
	long := time.Now().Add(-400 * lifecycle.Day)
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			id, err := lifecycleCase{created: long, prev: lifecycle.New, prevSince: long}.store(ctx)
			return id.String(), err
		},
		Get: func(ctx context.Context, id string) error {
			_, _, err := stageOf(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			changed, err := repo.Recompute(ctx, lifecycle.Defaults, time.Now(), []uuid.UUID{uuid.MustParse(id)})
			if err == nil && len(changed) == 0 {
				return ports.ErrCustomerNotFound
			}
			return err
		},
		NotFound: ports.ErrCustomerNotFound,
	})
}

func TestCustomersAreFilteredByTag(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	b.inTenant(t, tn, func(ctx context.Context) error {
		vip, err := newCustomer(ctx)
		require.NoError(t, err)
		_, err = newCustomer(ctx)
		require.NoError(t, err)
		require.NoError(t, customersdb.Tags{}.AssignTags(ctx, vip, []string{"VIP"}, ports.TagManual))
		got, err := customersdb.Customers{}.List(ctx, ports.CustomerQuery{Tag: "VIP"}, ports.Page{Limit: 10})
		require.NoError(t, err)
		require.Equal(t, []uuid.UUID{vip}, []uuid.UUID{got[0].ID})
		require.Len(t, got, 1)
		c, err := customersdb.Customers{}.Get(ctx, vip)
		require.NoError(t, err)
		require.Equal(t, lifecycle.New, c.LifecycleStage, "customers start new")
		require.WithinDuration(t, c.CreatedAt, c.LifecycleSince, time.Second)
		return nil
	})
}
