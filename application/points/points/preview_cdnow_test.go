package points_test

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/customers/demodata"
	"github.com/engagehq/engage/application/customers/demodata/cdnow"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// The change preview on the CDNOW demo brand: its whole history (69,659 purchases) shifted to
// end yesterday, a proposed version with a weekend multiplier, a music multiplier (best of
// the two), a birthday-month bonus (so customers' facts are read) and caps; the preview over the
// last 30 and 90 days. Run with ENGAGE_MEASURE_CDNOW=1 (it loads the whole history).
func TestMeasureThePreviewOnCDNOW(t *testing.T) {
	if os.Getenv("ENGAGE_MEASURE_CDNOW") == "" {
		t.Skip("set ENGAGE_MEASURE_CDNOW=1 to measure")
	}
	b := setup(t)
	started := time.Now()
	sum, err := b.app.Demo.LoadCDNOW(ctx, b.tn.ID, bytes.NewReader(cdnow.Master), demodata.Replay{Zone: shanghai, LastDay: b.clock.Now().AddDate(0, 0, -1)})
	require.NoError(t, err)
	t.Logf("loaded %+v in %s", sum, time.Since(started))
	set := weekendSet()
	set.Rules[2].Stacking = rules.BestOf
	set.Rules = append(set.Rules,
		rules.Rule{Key: "music", Title: title("music"), Wallet: ledger.Points, Kind: rules.KindMultiplier, Percent: 150, Stacking: rules.BestOf,
			When: rules.Conditions{ProductCategories: []string{"music"}}},
		rules.Rule{Key: "birthday", Title: title("birthday"), Wallet: ledger.Points, Kind: rules.KindBonus, Points: 100,
			When: rules.Conditions{Birthday: rules.BirthdayMonth}})
	set.Caps[0].PerOrder = 2_000
	v := b.version(t, b.clock.Now().Add(24*time.Hour), set)
	for _, days := range []int{30, 90} {
		pv, err := b.svc.PreviewChange(ctx, b.tn.ID, points.PreviewRequest{Version: v.Number, Days: days})
		require.NoError(t, err)
		require.Positive(t, pv.Purchases)
		t.Logf("%d days: %d purchases of %d customers, %d affected, wallets %+v, took %s", days, pv.Purchases, pv.Customers, pv.Affected, pv.Wallets, pv.Took)
		for _, r := range pv.Rules {
			t.Logf("  %+v", r)
		}
	}
}
