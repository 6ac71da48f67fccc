package fraud_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/fraud"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func TestALimitPerStoreHoldsWhatGoesBeyondItInTheBrandsDay(t *testing.T) {
	t.Parallel()
	s := fraud.Settings{Limits: []fraud.Limit{{Subject: fraud.Store, Period: fraud.Day, Measure: fraud.Points, Max: 100}}}
	// 00:30 in Shanghai is the day before in UTC: the day is Shanghai's.
	at := time.Date(2026, 12, 5, 16, 30, 0, 0, time.UTC)
	a := fraud.Activity{Kind: fraud.Earn, Customer: uuid.New(), Store: "SH01", Points: 30, At: at, RiskRank: -1}
	qs := s.Queries(a, shanghai)
	require.Len(t, qs, 1)
	require.Equal(t, time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC), qs[0].Since)
	require.Equal(t, time.Date(2026, 12, 6, 16, 0, 0, 0, time.UTC), qs[0].Until)
	require.Empty(t, s.Evaluate(a, shanghai, func(fraud.Query) fraud.Total { return fraud.Total{Count: 2, Points: 70} }))
	got := s.Evaluate(a, shanghai, func(fraud.Query) fraud.Total { return fraud.Total{Count: 3, Points: 71} })
	require.Equal(t, []fraud.Reason{{Code: fraud.ReasonLimit, Subject: fraud.Store, Period: fraud.Day, Measure: fraud.Points, Max: 100, Actual: 101}}, got)
	// Without a store the limit per store does not apply.
	a.Store = ""
	require.Empty(t, s.Queries(a, shanghai))
}

func TestVelocityReferralsReceiptsAndRiskRank(t *testing.T) {
	t.Parallel()
	s := fraud.Settings{Velocity: fraud.Window{Count: 3, Minutes: 10}, Referrals: fraud.Window{Count: 2, Minutes: 60},
		Receipts: fraud.Window{Count: 5, Minutes: 30}, RiskRank: 3}
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	three := func(fraud.Query) fraud.Total { return fraud.Total{Count: 3} }
	earn := fraud.Activity{Kind: fraud.Earn, Customer: uuid.New(), Points: 5, At: at, RiskRank: 2}
	require.Equal(t, []fraud.Reason{{Code: fraud.ReasonVelocity, Subject: fraud.Customer, Minutes: 10, Max: 3, Actual: 4}},
		s.Evaluate(earn, shanghai, three))
	q := s.Queries(earn, shanghai)[0]
	require.Equal(t, at.Add(-10*time.Minute), q.Since)
	require.True(t, q.Contains(fraud.Earn, q.Key, at))
	ref := fraud.Activity{Kind: fraud.Referral, Customer: uuid.New(), Device: "dev-1", Phone: "+86 138 0013 8000", At: at, RiskRank: 4}
	got := s.Evaluate(ref, shanghai, three)
	require.Len(t, got, 3, "device, phone prefix and the risk rank")
	require.Equal(t, fraud.Phone, got[1].Subject)
	require.Equal(t, fraud.ReasonRiskRank, got[2].Code)
	require.Equal(t, "1380013", fraud.PhonePrefix("13800138000"))
	rc := fraud.Activity{Kind: fraud.Receipt, Customer: uuid.New(), Store: "SH01", At: at, RiskRank: -1}
	require.Len(t, s.Queries(rc, shanghai), 2, "velocity of the customer and receipts of the store")
	require.Empty(t, s.Evaluate(rc, shanghai, func(fraud.Query) fraud.Total { return fraud.Total{} }))
}

func TestARedemptionRightAfterAnUnusualEarningIsRefused(t *testing.T) {
	t.Parallel()
	s := fraud.Settings{Redeem: fraud.RedeemAfter{Minutes: 30, Points: 500}}
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	require.Nil(t, s.EvaluateRedemption(now, []fraud.Earned{{Points: 500, At: now}, {Points: 900, At: now.Add(-31 * time.Minute)}}))
	require.Nil(t, s.EvaluateRedemption(now, []fraud.Earned{{Points: 900, At: now, Approved: true}}))
	r := s.EvaluateRedemption(now, []fraud.Earned{{Points: 900, At: now.Add(-time.Minute)}})
	require.Equal(t, fraud.ReasonRedeemAfterEarn, r.Code)
	require.False(t, fraud.Settings{}.On())
}

func TestSettingsNameEveryFieldAtFault(t *testing.T) {
	t.Parallel()
	s := fraud.Settings{Limits: []fraud.Limit{{Subject: "ip", Period: "year", Measure: "fen", Max: 0},
		{Subject: fraud.Customer, Period: fraud.Day, Measure: fraud.Points, Max: 1}, {Subject: fraud.Customer, Period: fraud.Day, Measure: fraud.Points, Max: 2}},
		Velocity: fraud.Window{Count: 3}, RiskRank: 5, Redeem: fraud.RedeemAfter{Minutes: -1}}
	var fields []string
	for _, fe := range fielderr.All(s.Check()) {
		fields = append(fields, fe.Field)
	}
	require.ElementsMatch(t, []string{"limits[0].subject", "limits[0].period", "limits[0].measure", "limits[0].max", "limits[2]",
		"velocity.minutes", "risk_rank", "redeem.minutes"}, fields)
}
