package checkins_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/checkins"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/domain/customers/membercode"
	"github.com/engagehq/engage/ports"
)

// clock is a settable time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func setup(t *testing.T) (*wire.App, *clock) {
	t.Helper()
	pg := pgtest.New(t)
	clk := &clock{now: time.Date(2026, 5, 1, 9, 0, 10, 0, time.UTC)}
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("test sign-in key"), Workers: 1, NoPeriodicJobs: true, Clock: clk}, pg.OpenApp(t))
	require.NoError(t, err)
	return a, clk
}

func TestCheckInRecordsOneVisitPerCode(t *testing.T) {
	t.Parallel()
	a, clk := setup(t)
	tn := pgtest.NewTenant(t, a.Tenants)
	name := "王小明"
	c, err := a.Customers.Create(t.Context(), tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)

	code := a.Checkins.Code(tn.ID, c.ID)
	require.Equal(t, time.Date(2026, 5, 1, 9, 1, 0, 0, time.UTC), code.RefreshAt)
	require.Equal(t, time.Date(2026, 5, 1, 9, 2, 0, 0, time.UTC), code.ExpiresAt)

	clk.Advance(70 * time.Second) // the next minute: still valid
	in, err := a.Checkins.CheckIn(t.Context(), tn.ID, code.Code, "上海静安店")
	require.NoError(t, err)
	require.Equal(t, c.ID, in.CustomerID)
	require.Equal(t, "王小明", in.Member.Name)
	require.Equal(t, "new", in.Member.LifecycleStage)
	require.True(t, strings.HasPrefix(in.EventID, "checkin-"))

	_, err = a.Checkins.CheckIn(t.Context(), tn.ID, code.Code, "上海静安店")
	require.ErrorIs(t, err, checkins.ErrCodeUsed, "a replay, or a retry")
	_, err = a.Checkins.CheckIn(t.Context(), tn.ID, code.Code, "北京三里屯店")
	require.ErrorIs(t, err, checkins.ErrCodeUsed, "at another store too")

	timeline, err := a.Events.Timeline(t.Context(), tn.ID, c.ID, ports.TimelineQuery{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, timeline, 1)
	require.Equal(t, "visit", timeline[0].Type)
	require.Equal(t, "pos", timeline[0].Channel)
	require.Equal(t, "上海静安店", timeline[0].Store)
	require.Equal(t, in.EventID, timeline[0].ID)

	// The current code checks in again: a new minute, a new visit.
	next := a.Checkins.Code(tn.ID, c.ID)
	_, err = a.Checkins.CheckIn(t.Context(), tn.ID, next.Code, "北京三里屯店")
	require.NoError(t, err)
}

func TestCheckInRefusals(t *testing.T) {
	t.Parallel()
	a, clk := setup(t)
	mine := pgtest.NewTenant(t, a.Tenants)
	theirs := pgtest.NewTenant(t, a.Tenants)
	c, err := a.Customers.Create(t.Context(), mine.ID, customers.Patch{})
	require.NoError(t, err)
	code := a.Checkins.Code(mine.ID, c.ID).Code
	forger, err := membercode.NewSigner([]byte("someone else's key of 32 bytes.."))
	require.NoError(t, err)
	forged, _ := forger.Issue(mine.ID.UUID(), c.ID, clk.Now())
	ghost := a.Checkins.Code(mine.ID, uuid.New()).Code

	cases := []struct {
		name, code string
		want       error
	}{
		{name: "malformed", code: "not a code", want: membercode.ErrMalformed},
		{name: "forged", code: forged, want: membercode.ErrBadSignature},
		{name: "unknown customer", code: ghost, want: ports.ErrCustomerNotFound},
	}
	for _, tc := range cases {
		_, err := a.Checkins.CheckIn(t.Context(), mine.ID, tc.code, "store")
		require.ErrorIs(t, err, tc.want, tc.name)
	}
	_, err = a.Checkins.CheckIn(t.Context(), theirs.ID, code, "store")
	require.ErrorIs(t, err, checkins.ErrWrongTenant)

	clk.Advance(2 * time.Minute)
	_, err = a.Checkins.CheckIn(t.Context(), mine.ID, code, "store")
	require.ErrorIs(t, err, membercode.ErrExpired)
	future := a.Checkins.Code(mine.ID, c.ID).Code
	clk.Advance(-2 * time.Minute)
	_, err = a.Checkins.CheckIn(t.Context(), mine.ID, future, "store")
	require.ErrorIs(t, err, membercode.ErrNotYetValid)

	timeline, err := a.Events.Timeline(t.Context(), mine.ID, c.ID, ports.TimelineQuery{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Empty(t, timeline, "no refused code recorded a visit")
}
