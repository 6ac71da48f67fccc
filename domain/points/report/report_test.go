package report_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/report"
)

// A report's tables name a wallet by the name the brand gave it, and the built-in wallets by
// their own names when it gave none.
func TestTablesNameWalletsByTheBrandsNames(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	names := report.Names{"coffee": "咖啡豆"}
	summary := report.SummaryTable([]report.SummaryRow{{Start: day, Wallet: "coffee"}, {Start: day, Wallet: ledger.Status}}, "zh-CN", names)
	require.Equal(t, "咖啡豆", summary.Rows[0][1])
	require.Equal(t, "成长值", summary.Rows[1][1])

	c := report.Custom{Dimensions: []report.Dimension{report.ByWallet, report.ByKind}, Measures: []report.Measure{report.Points}}
	custom := report.CustomTable(c, []report.CustomRow{{Keys: []string{"coffee", "earn"}, Values: []int64{50}}}, "en", names)
	require.Equal(t, []any{"咖啡豆", "Earned", int64(50)}, custom.Rows[0])
	unnamed := report.CustomTable(c, []report.CustomRow{{Keys: []string{"coffee", "earn"}, Values: []int64{50}}}, "en", nil)
	require.Equal(t, "coffee", unnamed.Rows[0][0], "a wallet the brand did not name, by its key")
}
