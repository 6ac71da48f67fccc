package program_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
)

func TestExpiryIsTheEndOfAPeriodInTheBrandsZone(t *testing.T) {
	t.Parallel()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	// 2026-01-31 23:30 in Shanghai is still the 31st there, though 15:30 UTC.
	earned := time.Date(2026, 1, 31, 23, 30, 0, 0, shanghai)
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, shanghai) }
	for _, tc := range []struct {
		expiry program.Expiry
		want   time.Time
	}{
		{program.NeverExpire, time.Time{}},
		{program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 0, Period: program.Day}, at(2026, 2, 1)},
		// A month after 31 January is the last day of February.
		{program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 1, Period: program.Day}, at(2026, 3, 1)},
		{program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 12, Period: program.Day}, at(2027, 2, 1)},
		{program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 0, Period: program.Month}, at(2026, 2, 1)},
		{program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 2, Period: program.Quarter}, at(2026, 4, 1)},
		{program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 3, Period: program.Quarter}, at(2026, 7, 1)},
		{program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 5, Period: program.HalfYear}, at(2026, 7, 1)},
		{program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 6, Period: program.HalfYear}, at(2027, 1, 1)},
		// The end of the calendar year, and of the next one.
		{program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 0, Period: program.Year}, at(2027, 1, 1)},
		{program.Expiry{Policy: program.ExpireEndOfPeriod, Months: 12, Period: program.Year}, at(2028, 1, 1)},
	} {
		require.Equal(t, tc.want, tc.expiry.ExpiresAt(earned, shanghai), "%+v", tc.expiry)
	}
	// In UTC the same instant is still the 31st, but a purchase at 01:00 Shanghai on the 1st is
	// the 31st in UTC: the brand's calendar decides.
	early := time.Date(2026, 2, 1, 1, 0, 0, 0, shanghai)
	endOfMonth := program.Expiry{Policy: program.ExpireEndOfPeriod, Period: program.Month}
	require.Equal(t, at(2026, 3, 1), endOfMonth.ExpiresAt(early, shanghai))
	require.Equal(t, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), endOfMonth.ExpiresAt(early, time.UTC))
}

func TestBaseRateEarnsPerWholeBlockWithMinimumAndCap(t *testing.T) {
	t.Parallel()
	r := program.Rate{Points: 2, PerFen: 100, MinSpendFen: 1000, MaxPerOrder: 500}
	require.Equal(t, int64(0), r.Earn(999), "under the minimum spend")
	require.Equal(t, int64(20), r.Earn(1000))
	require.Equal(t, int64(38), r.Earn(1999), "whole blocks of 100 fen only")
	require.Equal(t, int64(500), r.Earn(1_000_000), "capped per order")
	require.Equal(t, int64(0), r.Earn(0))
	require.Equal(t, int64(0), program.Rate{PerFen: 100}.Earn(5000), "a wallet that earns nothing")
}

func TestSettingsCheckNamesEveryFieldAtFault(t *testing.T) {
	t.Parallel()
	require.NoError(t, program.Defaults().Check())
	s := program.Defaults()
	s.RefundPolicy = "keep_all"
	s.PendingDays = -1
	s.WarningDays = 400
	s.Wallets[0].Rate.PerFen = 0
	s.Wallets[1].Expiry = program.Expiry{Policy: "soon", Months: 121, Period: "week"}
	s.Wallets = append(s.Wallets, program.Wallet{Key: "Coins", Rate: program.Rate{PerFen: 100}, Expiry: program.NeverExpire},
		program.Wallet{Key: ledger.Points, Rate: program.Rate{PerFen: 100}, Expiry: program.NeverExpire})
	var fields []string
	for _, e := range s.Check().(interface{ Unwrap() []error }).Unwrap() {
		var fe *fielderr.Error
		require.True(t, errors.As(e, &fe), "%v", e)
		fields = append(fields, fe.Field)
	}
	require.Equal(t, []string{"refund_policy", "pending_days", "warning_days", "wallets[0].rate.per_fen",
		"wallets[1].expiry.policy", "wallets[1].expiry.months", "wallets[1].expiry.period", "wallets[2].key", "wallets[3].key"}, fields)

	s = program.Defaults()
	s.Wallets = s.Wallets[:1]
	require.ErrorIs(t, s.Check(), program.ErrBuiltinWallet)
}
