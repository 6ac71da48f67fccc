package lifecycle_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/domain/fielderr"
)

func TestSettingsAreCheckedFieldByField(t *testing.T) {
	t.Parallel()
	require.NoError(t, lifecycle.Defaults.Check())
	for _, tc := range []struct {
		s      lifecycle.Settings
		fields []string
	}{
		{lifecycle.Settings{NewDays: 1, AtRiskDays: 1, LapsedDays: 2, WonBackDays: 1}, nil},
		{lifecycle.Settings{NewDays: 3650, AtRiskDays: 3649, LapsedDays: 3650, WonBackDays: 3650}, nil},
		{lifecycle.Settings{NewDays: 0, AtRiskDays: 90, LapsedDays: 180, WonBackDays: 30}, []string{"new_days"}},
		{lifecycle.Settings{NewDays: 30, AtRiskDays: 90, LapsedDays: 3651, WonBackDays: 0}, []string{"lapsed_days", "won_back_days"}},
		{lifecycle.Settings{NewDays: 30, AtRiskDays: 180, LapsedDays: 180, WonBackDays: 30}, []string{"at_risk_days"}},
		{lifecycle.Settings{NewDays: 30, AtRiskDays: 200, LapsedDays: 180, WonBackDays: 30}, []string{"at_risk_days"}},
		{lifecycle.Settings{NewDays: -1, AtRiskDays: -5, LapsedDays: -9, WonBackDays: 30}, []string{"new_days", "at_risk_days", "lapsed_days"}},
	} {
		err := tc.s.Check()
		var got []string
		if err != nil {
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var fe *fielderr.Error
				require.True(t, errors.As(e, &fe))
				got = append(got, fe.Field)
			}
		}
		require.Equal(t, tc.fields, got, "%+v", tc.s)
	}
	require.ErrorIs(t, lifecycle.Settings{NewDays: 30, AtRiskDays: 180, LapsedDays: 180, WonBackDays: 30}.Check(), lifecycle.ErrOrder)
}

func TestStagesParse(t *testing.T) {
	t.Parallel()
	for _, s := range lifecycle.Stages {
		got, err := lifecycle.ParseStage(string(s))
		require.NoError(t, err)
		require.Equal(t, s, got)
	}
	_, err := lifecycle.ParseStage("churned")
	require.ErrorIs(t, err, lifecycle.ErrUnknownStage)
}

func TestStagesFollowTheRecencyRulesAtEveryBoundary(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	day := lifecycle.Day
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	at := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	s := lifecycle.Defaults // new 30, at risk 90, lapsed 180, won back 30
	long := 400 * day       // joined long ago
	for _, tc := range []struct {
		name      string
		f         lifecycle.Facts
		stage     lifecycle.Stage
		sinceAgo  time.Duration
		keepSince bool
	}{
		// New: joined within new_days, bought or not.
		{"joined today", lifecycle.Facts{JoinedAt: ago(0), Previous: lifecycle.New, PreviousSince: ago(0)}, lifecycle.New, 0, true},
		{"joined exactly 30 days ago", lifecycle.Facts{JoinedAt: ago(30 * day), Previous: lifecycle.New, PreviousSince: ago(30 * day)}, lifecycle.New, 30 * day, true},
		{"joined 30 days ago and bought", lifecycle.Facts{JoinedAt: ago(30 * day), LastPurchaseAt: at(day), Previous: lifecycle.New, PreviousSince: ago(30 * day)}, lifecycle.New, 30 * day, true},
		{"new period over a second ago, no purchase", lifecycle.Facts{JoinedAt: ago(30*day + time.Second), Previous: lifecycle.New, PreviousSince: ago(30*day + time.Second)}, lifecycle.Active, time.Second, false},
		{"imported history: joined by first event long ago", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(10 * day), Previous: lifecycle.New, PreviousSince: ago(0)}, lifecycle.Active, 10 * day, false},

		// Active, at risk, lapsed by days since the last purchase.
		{"bought 90 days ago", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(90 * day), Previous: lifecycle.Active, PreviousSince: ago(90 * day)}, lifecycle.Active, 90 * day, true},
		{"bought 90 days and a second ago", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(90*day + time.Second), Previous: lifecycle.Active, PreviousSince: ago(90*day + time.Second)}, lifecycle.AtRisk, time.Second, false},
		{"bought 180 days ago", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(180 * day), Previous: lifecycle.AtRisk, PreviousSince: ago(90 * day)}, lifecycle.AtRisk, 90 * day, true},
		{"bought 180 days and a second ago", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(180*day + time.Second), Previous: lifecycle.AtRisk, PreviousSince: ago(90 * day)}, lifecycle.Lapsed, time.Second, false},
		{"never bought, joined 90 days ago", lifecycle.Facts{JoinedAt: ago(90 * day), Previous: lifecycle.Active, PreviousSince: ago(60 * day)}, lifecycle.Active, 60 * day, true},
		{"never bought, joined 91 days ago", lifecycle.Facts{JoinedAt: ago(91 * day), Previous: lifecycle.Active, PreviousSince: ago(61 * day)}, lifecycle.AtRisk, day, false},
		{"never bought, joined 181 days ago", lifecycle.Facts{JoinedAt: ago(181 * day), Previous: lifecycle.AtRisk, PreviousSince: ago(day)}, lifecycle.Lapsed, day, false},
		{"at risk buys again", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(time.Hour), Previous: lifecycle.AtRisk, PreviousSince: ago(20 * day)}, lifecycle.Active, time.Hour, false},
		{"a purchase 5 minutes ahead counts from now", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(-5 * time.Minute), Previous: lifecycle.AtRisk, PreviousSince: ago(20 * day)}, lifecycle.Active, 0, false},

		// Won back: a lapsed customer who buys again.
		{"lapsed buys", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(time.Hour), Previous: lifecycle.Lapsed, PreviousSince: ago(50 * day)}, lifecycle.WonBack, time.Hour, false},
		{"lapsed bought 30 days ago", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(30 * day), Previous: lifecycle.Lapsed, PreviousSince: ago(50 * day)}, lifecycle.WonBack, 30 * day, false},
		{"lapsed bought 30 days and a second ago: too late to be won back", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(30*day + time.Second), Previous: lifecycle.Lapsed, PreviousSince: ago(50 * day)}, lifecycle.Active, 30*day + time.Second, false},
		{"lapsed, purchase from before lapsing backfilled", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(200 * day), Previous: lifecycle.Lapsed, PreviousSince: ago(20 * day)}, lifecycle.Lapsed, 20 * day, true},
		{"won back 30 days ago", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(30 * day), Previous: lifecycle.WonBack, PreviousSince: ago(30 * day)}, lifecycle.WonBack, 30 * day, true},
		{"won back stays won back when buying again", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(time.Hour), Previous: lifecycle.WonBack, PreviousSince: ago(10 * day)}, lifecycle.WonBack, 10 * day, true},
		{"won back period over: active since it ended", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(31 * day), Previous: lifecycle.WonBack, PreviousSince: ago(31 * day)}, lifecycle.Active, day, false},
		{"won back period long over, no purchase since: lapsed", lifecycle.Facts{JoinedAt: ago(long), LastPurchaseAt: at(200 * day), Previous: lifecycle.WonBack, PreviousSince: ago(200 * day)}, lifecycle.Lapsed, 20 * day, false},
		{"a new customer is never won back", lifecycle.Facts{JoinedAt: ago(day), LastPurchaseAt: at(time.Hour), Previous: lifecycle.New, PreviousSince: ago(day)}, lifecycle.New, day, true},
	} {
		stage, since := s.Evaluate(tc.f, now)
		require.Equal(t, tc.stage, stage, tc.name)
		require.Equal(t, ago(tc.sinceAgo), since, tc.name)
		require.Equal(t, tc.keepSince, since.Equal(tc.f.PreviousSince) && stage == tc.f.Previous, tc.name)
	}
}

func TestAtRiskShorterThanTheNewPeriodStartsWhenItEnds(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s := lifecycle.Settings{NewDays: 30, AtRiskDays: 7, LapsedDays: 14, WonBackDays: 7}
	joined := now.Add(-31 * lifecycle.Day)
	stage, since := s.Evaluate(lifecycle.Facts{JoinedAt: joined, Previous: lifecycle.New, PreviousSince: joined}, now)
	require.Equal(t, lifecycle.Lapsed, stage)
	require.Equal(t, joined.Add(30*lifecycle.Day), since)
}
