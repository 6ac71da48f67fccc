package tier_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/tiers/tier"
)

// ladder is four tiers on spend (yuan in fen), status points or visits.
func ladder() tier.Ladder {
	return tier.Ladder{
		{Code: "orange", Name: tier.Text{ZH: "橙卡", EN: "Orange"}, Match: tier.All},
		{Code: "silver", Name: tier.Text{ZH: "银卡", EN: "Silver"}, Match: tier.Any,
			Criteria: []tier.Criterion{{Kind: tier.Spend, Min: 100_000}, {Kind: tier.StatusPoints, Min: 1_000}}},
		{Code: "gold", Name: tier.Text{ZH: "金卡", EN: "Gold"}, Match: tier.Any, Colour: "#C9A227",
			BadgeURL: "https://cdn.example.com/gold.png", Criteria: []tier.Criterion{{Kind: tier.Spend, Min: 500_000}}},
		{Code: "platinum", Name: tier.Text{ZH: "白金卡", EN: "Platinum"}, Match: tier.All,
			Criteria: []tier.Criterion{{Kind: tier.Spend, Min: 2_000_000}, {Kind: tier.Visits, Min: 12}}},
	}
}

func fields(t *testing.T, err error) map[string]error {
	t.Helper()
	out := map[string]error{}
	for _, e := range fielderr.All(err) {
		out[e.Field] = e.Err
	}
	return out
}

func TestALadderQualifiesAtExactlyTheThreshold(t *testing.T) {
	t.Parallel()
	l := ladder()
	require.NoError(t, l.Validate())
	cases := []struct {
		name string
		f    tier.Figures
		want tier.Code
	}{
		{"nothing at all is the lowest tier, whose minimum is 0", tier.Figures{}, "orange"},
		{"one fen below silver", tier.Figures{SpendFen: 99_999}, "orange"},
		{"exactly silver's spend", tier.Figures{SpendFen: 100_000}, "silver"},
		{"silver's status points alone (any)", tier.Figures{StatusPoints: 1_000}, "silver"},
		{"one fen below gold", tier.Figures{SpendFen: 499_999}, "silver"},
		{"exactly gold", tier.Figures{SpendFen: 500_000}, "gold"},
		{"platinum's spend without its visits (all)", tier.Figures{SpendFen: 2_000_000, Visits: 11}, "gold"},
		{"exactly platinum's spend and visits", tier.Figures{SpendFen: 2_000_000, Visits: 12}, "platinum"},
	}
	for _, c := range cases {
		require.Equal(t, c.want, l[l.Qualify(c.f)].Code, c.name)
	}
}

func TestBadLaddersNameTheFieldAtFault(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(l tier.Ladder) tier.Ladder
		field  string
		reason error
	}{
		{"empty", func(tier.Ladder) tier.Ladder { return nil }, "", tier.ErrNoTiers},
		{"a duplicate code", func(l tier.Ladder) tier.Ladder { l[2].Code = "silver"; return l }, "[2].code", tier.ErrDuplicateCode},
		{"a malformed code", func(l tier.Ladder) tier.Ladder { l[1].Code = "Silver!"; return l }, "[1].code", tier.ErrCode},
		{"an unknown criterion", func(l tier.Ladder) tier.Ladder {
			l[2].Criteria[0].Kind = "age"
			return l
		}, "[2].criteria[0].kind", tier.ErrUnknownKind},
		{"overlapping thresholds (gold's spend equals silver's)", func(l tier.Ladder) tier.Ladder {
			l[2].Criteria[0].Min = 100_000
			return l
		}, "[2].criteria[0].min", tier.ErrNotAscending},
		{"non-monotonic thresholds (platinum below gold)", func(l tier.Ladder) tier.Ladder {
			l[3].Criteria[0].Min = 400_000
			return l
		}, "[3].criteria[0].min", tier.ErrNotAscending},
		{"a lowest tier with a minimum", func(l tier.Ladder) tier.Ladder {
			l[0].Criteria = []tier.Criterion{{Kind: tier.Spend, Min: 1}}
			return l
		}, "[0].criteria[0].min", tier.ErrLowestMin},
		{"a higher tier without criteria", func(l tier.Ladder) tier.Ladder { l[1].Criteria = nil; return l }, "[1].criteria", tier.ErrNoCriteria},
		{"a negative minimum", func(l tier.Ladder) tier.Ladder {
			l[1].Criteria[1].Min = -1
			return l
		}, "[1].criteria[1].min", tier.ErrMinRange},
		{"a criterion twice", func(l tier.Ladder) tier.Ladder {
			l[3].Criteria[1].Kind = tier.Spend
			return l
		}, "[3].criteria[1].kind", tier.ErrDuplicateKind},
		{"no English name", func(l tier.Ladder) tier.Ladder { l[0].Name.EN = ""; return l }, "[0].name", tier.ErrName},
		{"a bad colour", func(l tier.Ladder) tier.Ladder { l[2].Colour = "gold"; return l }, "[2].colour", tier.ErrColour},
		{"a plain-http badge", func(l tier.Ladder) tier.Ladder { l[2].BadgeURL = "http://x.example/b.png"; return l }, "[2].badge_url", tier.ErrURL},
		{"no match", func(l tier.Ladder) tier.Ladder { l[1].Match = ""; return l }, "[1].match", tier.ErrMatch},
	}
	for _, c := range cases {
		got := fields(t, c.change(ladder()).Validate())
		require.Contains(t, got, c.field, c.name)
		require.ErrorIs(t, got[c.field], c.reason, c.name)
	}
}

func TestALowestTierOfZeroMinimumsIsValid(t *testing.T) {
	t.Parallel()
	l := ladder()
	l[0].Criteria = []tier.Criterion{{Kind: tier.Spend, Min: 0}}
	require.NoError(t, l.Validate())
	require.Equal(t, 0, l.Qualify(tier.Figures{}))
}

func TestBadSettingsNameTheFieldAtFault(t *testing.T) {
	t.Parallel()
	require.NoError(t, tier.DefaultSettings.Validate())
	s := tier.DefaultSettings
	s.GraceMonths = 13
	require.ErrorIs(t, fields(t, s.Validate())["grace_months"], tier.ErrGrace, "a grace longer than the window")
	s = tier.DefaultSettings
	s.GraceMonths = 12
	require.NoError(t, s.Validate(), "a grace as long as the window")
	s.Window, s.Start = tier.Rolling12Months, tier.NextPeriod
	require.ErrorIs(t, fields(t, s.Validate())["start"], tier.ErrNextPeriod)
	s = tier.Settings{}
	got := fields(t, s.Validate())
	for _, f := range []string{"window", "start", "downgrade", "validity", "mode"} {
		require.ErrorIs(t, got[f], tier.ErrEnum, f)
	}
}

func TestARemovedTierMembersHoldIsRefused(t *testing.T) {
	t.Parallel()
	p := tier.Program{Ladder: ladder()[:3], Settings: tier.DefaultSettings}
	require.NoError(t, p.Validate(map[tier.Code]int64{"gold": 3, "platinum": 0}))
	err := p.Validate(map[tier.Code]int64{"platinum": 2})
	require.ErrorIs(t, fields(t, err)["tiers"], tier.ErrRemovedHeld)
}

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	return loc
}

func TestWindowsAreReadInTheBrandsZone(t *testing.T) {
	t.Parallel()
	loc := shanghai(t)
	joined := time.Date(2024, 2, 29, 15, 0, 0, 0, loc)
	// 2026-12-31 17:00 UTC is already 1 January 2027 in Shanghai.
	at := time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)
	s := tier.DefaultSettings

	from, to := s.Period(at, joined, loc)
	require.Equal(t, time.Date(2027, 1, 1, 0, 0, 0, 0, loc), from)
	require.Equal(t, time.Date(2028, 1, 1, 0, 0, 0, 0, loc), to)

	s.Window = tier.Rolling12Months
	from, to = s.Period(at, joined, loc)
	require.Equal(t, time.Date(2026, 1, 2, 0, 0, 0, 0, loc), from)
	require.Equal(t, time.Date(2027, 1, 2, 0, 0, 0, 0, loc), to)

	s.Window = tier.Anniversary
	from, to = s.Period(time.Date(2027, 2, 27, 12, 0, 0, 0, loc), joined, loc)
	require.Equal(t, time.Date(2026, 2, 28, 0, 0, 0, 0, loc), from, "29 February is the 28th in other years")
	require.Equal(t, time.Date(2027, 2, 28, 0, 0, 0, 0, loc), to)
	from, _ = s.Period(time.Date(2027, 2, 28, 0, 0, 0, 0, loc), joined, loc)
	require.Equal(t, time.Date(2027, 2, 28, 0, 0, 0, 0, loc), from, "the anniversary itself starts a period")
}

func TestValidityAndTheEvaluationWindow(t *testing.T) {
	t.Parallel()
	loc := shanghai(t)
	joined := time.Date(2020, 5, 1, 0, 0, 0, 0, loc)
	reached := time.Date(2026, 6, 15, 10, 0, 0, 0, loc)
	s := tier.DefaultSettings // calendar year, end of next period
	require.Equal(t, time.Date(2028, 1, 1, 0, 0, 0, 0, loc), s.ValidUntil(reached, joined, loc), "qualify in 2026, keep through 2027")
	s.Validity, s.GraceMonths = tier.EndOfPeriod, 3
	require.Equal(t, time.Date(2027, 4, 1, 0, 0, 0, 0, loc), s.ValidUntil(reached, joined, loc), "the end of 2026 and three months' grace")

	// The evaluation when that validity ends reads 2026, and what it decides holds through 2027
	// with either validity.
	require.Equal(t, time.Date(2028, 4, 1, 0, 0, 0, 0, loc), s.EvaluatedValidUntil(time.Date(2027, 4, 1, 0, 0, 0, 0, loc), joined, loc))
	s.Validity = tier.EndOfNextPeriod
	require.Equal(t, time.Date(2028, 4, 1, 0, 0, 0, 0, loc), s.EvaluatedValidUntil(time.Date(2027, 4, 1, 0, 0, 0, 0, loc), joined, loc))
	s.Validity = tier.EndOfPeriod
	from, to := s.EvaluationWindow(time.Date(2027, 4, 1, 0, 0, 0, 0, loc), joined, loc)
	require.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, loc), from)
	require.Equal(t, time.Date(2027, 1, 1, 0, 0, 0, 0, loc), to)

	s.Window, s.GraceMonths = tier.Rolling12Months, 0
	require.Equal(t, time.Date(2027, 6, 15, 0, 0, 0, 0, loc), s.ValidUntil(reached, joined, loc))
	from, to = s.EvaluationWindow(time.Date(2027, 6, 15, 0, 0, 0, 0, loc), joined, loc)
	require.Equal(t, time.Date(2026, 6, 15, 0, 0, 0, 0, loc), from)
	require.Equal(t, time.Date(2027, 6, 15, 0, 0, 0, 0, loc), to)
}

func TestDowngradesOnlyWhenDueByThePolicy(t *testing.T) {
	t.Parallel()
	s := tier.DefaultSettings
	require.Equal(t, 3, s.Decide(1, 3, false), "upgrades skip tiers at any time")
	require.Equal(t, 3, s.Decide(3, 0, false), "no downgrade mid-period")
	require.Equal(t, 0, s.Decide(3, 0, true), "recalculate")
	require.Equal(t, 2, s.Decide(2, 2, true), "kept")
	s.Downgrade = tier.OneLevel
	require.Equal(t, 2, s.Decide(3, 0, true), "at most one level")
}

func TestProgressSentencesInBothLanguages(t *testing.T) {
	t.Parallel()
	loc := shanghai(t)
	l := ladder()
	s := tier.DefaultSettings
	p := l.Progress(s, 1, tier.Figures{SpendFen: 300_000}, tier.Figures{SpendFen: 300_000})
	require.Equal(t, 2, p.Next)
	require.Equal(t, []tier.Missing{{Kind: tier.Spend, Min: 500_000, Have: 300_000, Short: 200_000}}, p.ToNext)
	require.Equal(t, "再消费2,000元即可升级为金卡会员", l.UpgradeSentence(p, "zh-CN"))
	require.Equal(t, "Spend ¥2,000 more to reach Gold", l.UpgradeSentence(p, "en"))
	require.Empty(t, p.Keep, "silver is held by the spend")
	require.Equal(t, 1, p.Projected)

	// Gold with ¥4,200 of the ¥5,000 it needs to be kept by the end of the year.
	p = l.Progress(s, 2, tier.Figures{SpendFen: 420_000, Visits: 3}, tier.Figures{SpendFen: 420_000})
	keepBy := time.Date(2027, 1, 1, 0, 0, 0, 0, loc)
	today := time.Date(2026, 11, 2, 0, 0, 0, 0, loc)
	require.Equal(t, "12月31日前再消费800元即可保级金卡", l.KeepSentence(p, "zh-CN", keepBy, today))
	require.Equal(t, "To keep Gold after 31 Dec, spend ¥800 more", l.KeepSentence(p, "en", keepBy, today))
	require.Equal(t, "2026年12月31日前再消费800元即可保级金卡", l.KeepSentence(p, "zh-CN", keepBy, today.AddDate(-1, 0, 0)))
	require.Equal(t, "再消费15,800元、到店9次即可升级为白金卡会员", l.UpgradeSentence(p, "zh-CN"))
	require.Equal(t, "Spend ¥15,800 more and visit 9 more times to reach Platinum", l.UpgradeSentence(p, "en"))
	require.Equal(t, 1, p.Projected, "on what is known now gold would drop to silver")

	// Exactly at the threshold nothing is lacking.
	p = l.Progress(s, 2, tier.Figures{SpendFen: 500_000}, tier.Figures{SpendFen: 500_000})
	require.Empty(t, l.KeepSentence(p, "en", keepBy, today))
	require.Equal(t, 2, p.Projected)

	// Any: either criterion, in words; fen in yuan with cents.
	p = l.Progress(s, 0, tier.Figures{SpendFen: 99_950, StatusPoints: 999}, tier.Figures{})
	require.Equal(t, "再消费0.50元或获得1成长值即可升级为银卡会员", l.UpgradeSentence(p, "zh-CN"))
	require.Equal(t, "Spend ¥0.50 more or earn 1 more status points to reach Silver", l.UpgradeSentence(p, "en"))

	top := l.Progress(s, 3, tier.Figures{SpendFen: 2_000_000, Visits: 12}, tier.Figures{SpendFen: 2_000_000, Visits: 12})
	require.Equal(t, -1, top.Next)
	require.Empty(t, l.UpgradeSentence(top, "en"))
}

func TestTheVersionInEffect(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	vs := []tier.Program{{Version: 1, From: day(1)}, {Version: 3, From: day(20)}, {Version: 2, From: day(10)}}
	_, ok := tier.InEffect(vs, day(1).Add(-time.Second))
	require.False(t, ok)
	v, _ := tier.InEffect(vs, day(10))
	require.Equal(t, 2, v.Version)
	v, _ = tier.InEffect(vs, day(31))
	require.Equal(t, 3, v.Version)
}

func TestYuan(t *testing.T) {
	t.Parallel()
	for fen, want := range map[int64]string{0: "0", 5: "0.05", 100: "1", 123_456_789: "1,234,567.89", 100_000_000: "1,000,000"} {
		require.Equal(t, want, tier.Yuan(fen))
	}
}

func TestAddMonthsClampsToTheMonthsEnd(t *testing.T) {
	t.Parallel()
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	require.Equal(t, d(2027, 2, 28), tier.AddMonths(d(2028, 2, 29), -12))
	require.Equal(t, d(2026, 2, 28), tier.AddMonths(d(2026, 3, 31), -1))
	require.Equal(t, d(2027, 1, 31), tier.AddMonths(d(2026, 1, 31), 12))
}
