package receipts_test

import (
	"slices"
	"testing"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/receipts"
)

func TestDecide(t *testing.T) {
	s := receipts.Settings{AutoApprove: true, MaxAgeDays: 7, MinAmountFen: 500, MaxAmountFen: 200_000, AutoApproveMaxFen: 50_000,
		Stores: []receipts.Store{{Code: "SH-NJW", Name: "全家便利店南京西路店"}, {Code: "SH-FM", Name: "全家便利店"}}}
	now := at(2026, 12, 3, 10, 0, 0)
	good := receipts.Fields{Store: "全家便利店 (南京西路店)", AmountFen: 1680, Date: at(2026, 12, 1, 14, 32, 0), Number: "20261201031588"}
	with := func(f func(*receipts.Fields)) receipts.Fields { g := good; f(&g); return g }
	for _, c := range []struct {
		name      string
		settings  receipts.Settings
		fields    receipts.Fields
		dup       bool
		status    receipts.Status
		flags     []receipts.Flag
		storeCode string
	}{
		{"passes every check", s, good, false, receipts.Approved, nil, "SH-NJW"},
		{"the longest store name wins; another branch of the chain is its own store", s,
			with(func(f *receipts.Fields) { f.Store = "全家便利店(淮海路店)" }), false, receipts.Approved, nil, "SH-FM"},
		{"duplicate number is rejected", s, good, true, receipts.Rejected, []receipts.Flag{receipts.FlagDuplicateNumber}, ""},
		{"seven days old in Shanghai is still fine", s, with(func(f *receipts.Fields) { f.Date = at(2026, 11, 26, 0, 0, 0) }), false, receipts.Approved, nil, "SH-NJW"},
		{"eight days old waits", s, with(func(f *receipts.Fields) { f.Date = at(2026, 11, 25, 23, 59, 0) }), false, receipts.Pending,
			[]receipts.Flag{receipts.FlagStale}, "SH-NJW"},
		{"tomorrow waits", s, with(func(f *receipts.Fields) { f.Date = at(2026, 12, 4, 0, 1, 0) }), false, receipts.Pending,
			[]receipts.Flag{receipts.FlagFuture}, "SH-NJW"},
		{"unknown store waits", s, with(func(f *receipts.Fields) { f.Store = "罗森便利店" }), false, receipts.Pending,
			[]receipts.Flag{receipts.FlagUnknownStore}, ""},
		{"below the minimum", s, with(func(f *receipts.Fields) { f.AmountFen = 499 }), false, receipts.Pending, []receipts.Flag{receipts.FlagBelowMinimum}, "SH-NJW"},
		{"above the maximum", s, with(func(f *receipts.Fields) { f.AmountFen = 200_001 }), false, receipts.Pending, []receipts.Flag{receipts.FlagAboveMaximum}, "SH-NJW"},
		{"above what is approved unseen", s, with(func(f *receipts.Fields) { f.AmountFen = 50_001 }), false, receipts.Pending,
			[]receipts.Flag{receipts.FlagAboveAutoApprove}, "SH-NJW"},
		{"no number read", s, with(func(f *receipts.Fields) { f.Number = "" }), false, receipts.Pending, []receipts.Flag{receipts.FlagUnreadable}, "SH-NJW"},
		{"brand approves nothing by itself", receipts.Defaults(), good, false, receipts.Pending,
			[]receipts.Flag{receipts.FlagUnknownStore, receipts.FlagManualReview}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := c.settings.Decide(c.fields, c.dup, now, shanghai)
			if got.Status != c.status || !slices.Equal(got.Flags, c.flags) || got.StoreCode != c.storeCode {
				t.Errorf("got %+v, want %s %v %q", got, c.status, c.flags, c.storeCode)
			}
			if got.Status == receipts.Rejected && got.Reason != receipts.ReasonDuplicate {
				t.Errorf("rejected without the duplicate reason: %+v", got)
			}
		})
	}
}

func TestSettingsCheck(t *testing.T) {
	if err := receipts.Defaults().Check(); err != nil {
		t.Fatal(err)
	}
	bad := receipts.Settings{MaxAgeDays: 0, MinAmountFen: 900, MaxAmountFen: 100, AutoApproveMaxFen: -1,
		Stores: []receipts.Store{{Code: "", Name: "全家"}, {Code: "A", Name: "全 家"}, {Code: "B", Name: "x"}}}
	var fields []string
	for _, fe := range fielderr.All(bad.Check()) {
		fields = append(fields, fe.Field)
	}
	want := []string{"max_age_days", "max_amount_fen", "auto_approve_max_fen", "stores[0].code", "stores[1].name", "stores[2].name"}
	if !slices.Equal(fields, want) {
		t.Fatalf("fields at fault %v, want %v", fields, want)
	}
}
