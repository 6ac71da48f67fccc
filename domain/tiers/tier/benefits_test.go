package tier_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/tiers/tier"
)

func TestABenefitIsCheckedFieldByField(t *testing.T) {
	l := tier.Ladder{{Code: "orange"}, {Code: "gold"}}
	reward := uuid.New()
	from := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	ok := tier.Benefit{Tier: "gold", Kind: tier.EntryReward, RewardID: &reward, Title: tier.Text{ZH: "升级礼", EN: "Welcome"},
		LimitPeriod: tier.PerEver}
	require.NoError(t, ok.Validate(l))

	bad := tier.Benefit{Tier: "diamond", Kind: tier.Perk, RewardID: &reward, Tag: "x", UsageLimit: 1001, LimitPeriod: "week",
		ValidFrom: &from, ValidUntil: &from}
	var fields []string
	for _, err := range bad.Validate(l).(interface{ Unwrap() []error }).Unwrap() {
		var fe *fielderr.Error
		require.True(t, errors.As(err, &fe))
		fields = append(fields, fe.Field)
	}
	require.ElementsMatch(t, []string{"tier", "title", "reward_id", "tag", "usage_limit", "limit_period", "valid_until"}, fields)
}

func TestALimitsPeriodStartsInTheBrandsZone(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	at := time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC) // 1 April, 01:00 in Shanghai
	require.Equal(t, time.Date(2026, 4, 1, 0, 0, 0, 0, sh), tier.PerMonth.Start(at, sh))
	require.Equal(t, time.Date(2026, 4, 1, 0, 0, 0, 0, sh), tier.PerDay.Start(at, sh))
	require.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, sh), tier.PerYear.Start(at, sh))
	require.True(t, tier.PerEver.Start(at, sh).IsZero())
}
