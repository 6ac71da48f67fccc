package rewards_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/rewards"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func valid() rewards.Reward {
	stock := int64(10)
	return rewards.Reward{Kind: rewards.KindVoucher, Status: rewards.StatusActive,
		Title: rewards.Text{ZH: "免费乌龙茶一杯", EN: "A free oolong tea"}, Points: 500, Stock: &stock, VoucherDays: 30,
		Images: []string{"https://cdn.example.com/tea.png"}, Category: "drinks"}
}

// fieldsOf returns the fields a joined error names.
func fieldsOf(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var fe *fielderr.Error
		if errors.As(err, &fe) {
			out = append(out, fe.Field)
		}
	}
	walk(err)
	return out
}

func TestARewardIsCheckedFieldByField(t *testing.T) {
	t.Parallel()
	neg := int64(-1)
	for _, tc := range []struct {
		name string
		edit func(r *rewards.Reward)
		want []string
	}{
		{"valid", func(*rewards.Reward) {}, nil},
		{"unknown kind", func(r *rewards.Reward) { r.Kind = "coupon" }, []string{"kind"}},
		{"unknown status", func(r *rewards.Reward) { r.Status = "live" }, []string{"status"}},
		{"titles required", func(r *rewards.Reward) { r.Title = rewards.Text{ZH: " ", EN: ""} }, []string{"title.zh", "title.en"}},
		{"title too long", func(r *rewards.Reward) { r.Title.EN = strings.Repeat("a", 81) }, []string{"title.en"}},
		{"control characters", func(r *rewards.Reward) { r.Title.ZH = "茶\x00" }, []string{"title.zh"}},
		{"description may have lines", func(r *rewards.Reward) { r.Description.ZH = "一杯\n两杯" }, nil},
		{"zero points", func(r *rewards.Reward) { r.Points = 0 }, []string{"points"}},
		{"negative points", func(r *rewards.Reward) { r.Points = -5 }, []string{"points"}},
		{"negative cash", func(r *rewards.Reward) { r.CashFen = -1 }, []string{"cash_fen"}},
		{"negative stock", func(r *rewards.Reward) { r.Stock = &neg }, []string{"stock"}},
		{"unlimited stock", func(r *rewards.Reward) { r.Stock = nil }, nil},
		{"negative limits", func(r *rewards.Reward) { r.PerCustomer = -1; r.PerPeriod.Count = -2 }, []string{"per_customer", "per_period.count"}},
		{"period limit without period", func(r *rewards.Reward) { r.PerPeriod = rewards.Limit{Count: 1, Period: "year"} }, []string{"per_period.period"}},
		{"no voucher days", func(r *rewards.Reward) { r.VoucherDays = 0 }, []string{"voucher_days"}},
		{"window backwards", func(r *rewards.Reward) {
			r.ValidFrom = time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai)
			r.ValidUntil = r.ValidFrom
		}, []string{"valid_until"}},
		{"image not https", func(r *rewards.Reward) {
			r.Images = []string{"https://ok.example.com/a.png", "http://x.example.com/b.png"}
		}, []string{"images[1]"}},
		{"bad segment and condition", func(r *rewards.Reward) {
			s := uuid.New()
			r.Eligibility = rewards.Eligibility{Segments: []uuid.UUID{s, s},
				Conditions: []rewards.Condition{{Attribute: "Tier!", Values: []string{"gold"}}, {Attribute: "tier"}}}
		}, []string{"eligibility.segments[1]", "eligibility.conditions[0].attribute", "eligibility.conditions[1].values"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := valid()
			tc.edit(&r)
			err := r.Check()
			require.Equal(t, tc.want, fieldsOf(err), "%v", err)
		})
	}
}

func TestAClaimIsDecidedOnAvailabilityEligibilityLimitsAndPayment(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 10, 0, 0, 0, shanghai)
	gold := uuid.New()
	for _, tc := range []struct {
		name  string
		edit  func(r *rewards.Reward)
		claim rewards.Claim
		want  error
		field string
	}{
		{"open to all", func(*rewards.Reward) {}, rewards.Claim{}, nil, ""},
		{"paused", func(r *rewards.Reward) { r.Status = rewards.StatusPaused }, rewards.Claim{}, rewards.ErrUnavailable, "reward_id"},
		{"archived", func(r *rewards.Reward) { r.Status = rewards.StatusArchived }, rewards.Claim{}, rewards.ErrUnavailable, "reward_id"},
		{"not yet open", func(r *rewards.Reward) { r.ValidFrom = now.Add(time.Second) }, rewards.Claim{}, rewards.ErrNotYetOpen, "reward_id"},
		{"opens now", func(r *rewards.Reward) { r.ValidFrom = now }, rewards.Claim{}, nil, ""},
		{"ended", func(r *rewards.Reward) { r.ValidUntil = now }, rewards.Claim{}, rewards.ErrEnded, "reward_id"},
		{"segment member", func(r *rewards.Reward) { r.Eligibility.Segments = []uuid.UUID{gold} },
			rewards.Claim{Facts: rewards.Facts{Segments: []uuid.UUID{uuid.New(), gold}}}, nil, ""},
		{"not in segment", func(r *rewards.Reward) { r.Eligibility.Segments = []uuid.UUID{gold} },
			rewards.Claim{Facts: rewards.Facts{Segments: []uuid.UUID{uuid.New()}}}, rewards.ErrIneligible, "customer_id"},
		{"tier attribute", func(r *rewards.Reward) {
			r.Eligibility.Conditions = []rewards.Condition{{Attribute: "tier", Values: []string{"gold", "platinum"}}}
		}, rewards.Claim{Facts: rewards.Facts{Attributes: map[string]any{"tier": "gold"}}}, nil, ""},
		{"wrong tier", func(r *rewards.Reward) {
			r.Eligibility.Conditions = []rewards.Condition{{Attribute: "tier", Values: []string{"gold"}}}
		}, rewards.Claim{Facts: rewards.Facts{Attributes: map[string]any{"tier": "silver"}}}, rewards.ErrIneligible, "customer_id"},
		{"no tier", func(r *rewards.Reward) {
			r.Eligibility.Conditions = []rewards.Condition{{Attribute: "tier", Values: []string{"gold"}}}
		}, rewards.Claim{}, rewards.ErrIneligible, "customer_id"},
		{"under the customer limit", func(r *rewards.Reward) { r.PerCustomer = 2 }, rewards.Claim{Claimed: rewards.Claimed{Total: 1}}, nil, ""},
		{"at the customer limit", func(r *rewards.Reward) { r.PerCustomer = 2 }, rewards.Claim{Claimed: rewards.Claimed{Total: 2}},
			rewards.ErrCustomerLimit, "reward_id"},
		{"at the period limit", func(r *rewards.Reward) { r.PerPeriod = rewards.Limit{Count: 1, Period: rewards.PeriodWeek} },
			rewards.Claim{Claimed: rewards.Claimed{Total: 5, InPeriod: 1}}, rewards.ErrPeriodLimit, "reward_id"},
		{"cash unpaid", func(r *rewards.Reward) { r.CashFen = 990 }, rewards.Claim{}, rewards.ErrPaymentRequired, "payment_reference"},
		{"cash paid", func(r *rewards.Reward) { r.CashFen = 990 }, rewards.Claim{Payment: "wxpay-42"}, nil, ""},
		{"payment without cash", func(*rewards.Reward) {}, rewards.Claim{Payment: "wxpay-42"}, rewards.ErrNoCash, "payment_reference"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := valid()
			tc.edit(&r)
			tc.claim.Now = now
			err := r.Allows(tc.claim)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, []string{tc.field}, fieldsOf(err))
		})
	}
}

func TestPeriodsStartInTheBrandsZone(t *testing.T) {
	t.Parallel()
	// Sunday 1 March 2026, 00:30 in Shanghai is Saturday 16:30 UTC.
	now := time.Date(2026, 3, 1, 0, 30, 0, 0, shanghai)
	for _, tc := range []struct {
		p    rewards.Period
		want time.Time
	}{
		{rewards.PeriodDay, time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai)},
		{rewards.PeriodWeek, time.Date(2026, 2, 23, 0, 0, 0, 0, shanghai)},
		{rewards.PeriodMonth, time.Date(2026, 3, 1, 0, 0, 0, 0, shanghai)},
	} {
		require.True(t, tc.p.Start(now.UTC(), shanghai).Equal(tc.want), "%s: %s", tc.p, tc.p.Start(now, shanghai))
	}
	monday := time.Date(2026, 3, 2, 9, 0, 0, 0, shanghai)
	require.True(t, rewards.PeriodWeek.Start(monday, shanghai).Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, shanghai)))
	// A voucher of 30 days issued late on 10 March is usable to the end of 9 April, Shanghai.
	r := valid()
	exp := r.VoucherExpiry(time.Date(2026, 3, 10, 23, 50, 0, 0, shanghai), shanghai)
	require.True(t, exp.Equal(time.Date(2026, 4, 10, 0, 0, 0, 0, shanghai)), exp.String())
}

func TestTextFallsBackToTheOtherLanguage(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Tea", rewards.Text{ZH: "茶", EN: "Tea"}.In("en"))
	require.Equal(t, "茶", rewards.Text{ZH: "茶", EN: "Tea"}.In("zh-CN"))
	require.Equal(t, "茶", rewards.Text{ZH: "茶"}.In("en"))
	require.Equal(t, "Tea", rewards.Text{EN: "Tea"}.In("zh-CN"))
}

func TestVoucherCodesAreReadableAndNormalised(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		c := rewards.NewCode()
		require.Len(t, c, 14)
		require.Equal(t, c, rewards.NormalizeCode(c))
		require.False(t, strings.ContainsAny(c, "ILOU"))
		require.False(t, seen[c])
		seen[c] = true
	}
	for in, want := range map[string]string{
		"7kq2 m9xd 4rtw": "7KQ2-M9XD-4RTW", "7KQ2M9XD4RTW": "7KQ2-M9XD-4RTW", "oooo-iiii-llll": "0000-1111-1111",
		"7KQ2-M9XD": "", "7KQ2-M9XD-4RTU": "", "７KQ2-M9XD-4RTW": "", "": "",
	} {
		require.Equal(t, want, rewards.NormalizeCode(in), in)
	}
}

func TestVoucherQRPayloadsAreSignedPerBrand(t *testing.T) {
	t.Parallel()
	key, other := []byte(strings.Repeat("k", 32)), []byte(strings.Repeat("o", 32))
	tenant, id := uuid.New(), uuid.New()
	p := rewards.SignQR(key, tenant, id, "7KQ2-M9XD-4RTW")
	require.True(t, strings.HasPrefix(p, "EVC1."))
	got, err := rewards.ParseQR(p)
	require.NoError(t, err)
	require.Equal(t, id, got)
	require.True(t, rewards.VerifyQR(key, tenant, id, "7KQ2-M9XD-4RTW", p))
	require.False(t, rewards.VerifyQR(other, tenant, id, "7KQ2-M9XD-4RTW", p), "another brand's key")
	require.False(t, rewards.VerifyQR(key, uuid.New(), id, "7KQ2-M9XD-4RTW", p), "another brand")
	require.False(t, rewards.VerifyQR(key, tenant, id, "7KQ2-M9XD-4RTX", p), "another code")
	forged := rewards.SignQR(key, tenant, uuid.New(), "7KQ2-M9XD-4RTW")
	require.False(t, rewards.VerifyQR(key, tenant, id, "7KQ2-M9XD-4RTW", strings.Replace(p, strings.Split(p, ".")[2], strings.Split(forged, ".")[2], 1)))
	for _, bad := range []string{"", "EVC1", "EVC2." + strings.SplitN(p, ".", 2)[1], "EVC1.!!.x", "EVC1.AAAA.x"} {
		_, err := rewards.ParseQR(bad)
		require.ErrorIs(t, err, rewards.ErrBadQR, bad)
	}
}

func TestAVoucherExpiresAtItsInstantSweptOrNot(t *testing.T) {
	t.Parallel()
	exp := time.Date(2026, 4, 10, 0, 0, 0, 0, shanghai)
	v := rewards.Voucher{State: rewards.StateIssued, ExpiresAt: exp}
	require.NoError(t, v.Usable(exp.Add(-time.Second)))
	require.ErrorIs(t, v.Usable(exp), rewards.ErrVoucherExpired)
	v.State = rewards.StateUsed
	require.ErrorIs(t, v.Usable(exp.Add(-time.Hour)), rewards.ErrVoucherUsed)
	v.State = rewards.StateCancelled
	require.ErrorIs(t, v.Usable(exp.Add(-time.Hour)), rewards.ErrVoucherCancelled)
}
