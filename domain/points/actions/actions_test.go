package actions_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/actions"
	"github.com/engagehq/engage/domain/points/ledger"
)

func checkIn() actions.Rule {
	return actions.Rule{Key: "daily_check_in", Action: actions.CheckIn, Wallet: ledger.Points, Points: 5,
		Limit: actions.Limit{Count: 1, Period: actions.Day}, Title: "每日签到",
		Streak: []actions.StreakBonus{{Days: 3, Points: 10}, {Days: 7, Points: 20, Repeat: true}}}
}

func TestACheckInEarnsItsPointsAndTheBonusesOfItsStreakDay(t *testing.T) {
	r := checkIn()
	for streak, want := range map[int]int64{1: 5, 2: 5, 3: 15, 6: 5, 7: 25, 14: 25, 21: 25, 8: 5} {
		require.Equal(t, want, r.CheckInPoints(streak), "day %d of a streak", streak)
	}
}

func TestLimitsCountFromTheStartOfTheirPeriodInTheBrandsZone(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	// Thursday 3 December 2026, 00:30 in Shanghai, still Wednesday in UTC.
	now := time.Date(2026, 12, 2, 16, 30, 0, 0, time.UTC)
	require.Equal(t, time.Date(2026, 12, 3, 0, 0, 0, 0, sh), actions.Limit{Period: actions.Day}.PeriodStart(now, sh))
	require.Equal(t, time.Date(2026, 11, 30, 0, 0, 0, 0, sh), actions.Limit{Period: actions.Week}.PeriodStart(now, sh), "weeks start on Monday")
	require.Equal(t, time.Date(2026, 12, 1, 0, 0, 0, 0, sh), actions.Limit{Period: actions.Month}.PeriodStart(now, sh))
	require.True(t, actions.Limit{Period: actions.Ever}.PeriodStart(now, sh).IsZero())
}

func TestRulesTakeTheEventsOfTheirAction(t *testing.T) {
	survey := actions.Rule{Action: actions.Survey}
	tasting := actions.Rule{Action: actions.Event, EventType: "custom:tasting_day"}
	require.True(t, survey.Takes(event.Event{Type: event.TypeSurvey}))
	require.False(t, survey.Takes(event.Event{Type: event.TypePurchase}))
	require.True(t, tasting.Takes(event.Event{Type: "custom:tasting_day"}))
	require.False(t, tasting.Takes(event.Event{Type: "custom:other"}))
	require.False(t, checkIn().Takes(event.Event{Type: event.TypeVisit}), "check-ins come from the Mini Program's own call")
}

func TestARuleNamesEveryFieldAtFault(t *testing.T) {
	require.NoError(t, checkIn().Check())
	cases := []struct {
		name   string
		edit   func(r *actions.Rule)
		fields []string
	}{
		{"bad key", func(r *actions.Rule) { r.Key = "Daily" }, []string{"key"}},
		{"unknown action", func(r *actions.Rule) { r.Action, r.Streak = "tweet", nil }, []string{"action"}},
		{"check-in twice a day", func(r *actions.Rule) { r.Limit = actions.Limit{Count: 2, Period: actions.Day} }, []string{"limit"}},
		{"event without a custom type", func(r *actions.Rule) { r.Action, r.Streak, r.EventType = actions.Event, nil, "survey" }, []string{"event_type"}},
		{"streak on a survey", func(r *actions.Rule) { r.Action = actions.Survey }, []string{"streak"}},
		{"bad streak", func(r *actions.Rule) { r.Streak = []actions.StreakBonus{{Days: 0, Points: -1}} }, []string{"streak[0].days", "streak[0].points"}},
		{"referee points elsewhere", func(r *actions.Rule) { r.RefereePoints = 10 }, []string{"referee_points"}},
		{"no title", func(r *actions.Rule) { r.Title = " " }, []string{"title"}},
		{"control character", func(r *actions.Rule) { r.TipEn = "a\x00b" }, []string{"tip_en"}},
		{"negative points", func(r *actions.Rule) { r.Points = -5 }, []string{"points"}},
		{"nothing to award", func(r *actions.Rule) { r.Points, r.Streak = 0, nil }, []string{"points"}},
		{"referral more than once", func(r *actions.Rule) {
			r.Action, r.Streak, r.Limit = actions.Referral, nil, actions.Limit{Count: 2, Period: actions.Ever}
		}, []string{"limit"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := checkIn()
			c.edit(&r)
			var fields []string
			for _, fe := range fielderr.All(r.Check()) {
				fields = append(fields, fe.Field)
			}
			require.ElementsMatch(t, c.fields, fields)
		})
	}
}
