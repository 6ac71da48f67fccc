package points_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/program"
)

// The hourly sweep enqueues one maintenance job per active brand, whose work releases what is
// due; the job run twice changes nothing the second time.
func TestTheSweepMaintainsEveryActiveBrand(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *program.Settings) { s.PendingDays = 1 })
	c := b.customer(t)
	_, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "p1", 5000))
	require.NoError(t, err)
	b.clock.set(b.clock.Now().AddDate(0, 0, 1))

	n, err := b.svc.Sweep(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	var jobs []points.MaintainArgs
	require.Equal(t, 1, jobstest.Work(t, b.app.DB.Pool(), points.MaintainArgs{}.Kind(), func(raw []byte) error {
		var args points.MaintainArgs
		if err := json.Unmarshal(raw, &args); err != nil {
			return err
		}
		jobs = append(jobs, args)
		_, err := b.svc.Maintain(ctx, args)
		return err
	}))
	var balance, pending int64
	require.NoError(t, b.super.QueryRow(ctx, `SELECT balance, pending FROM points_balances WHERE customer_id = $1 AND wallet = 'points'`,
		c).Scan(&balance, &pending))
	require.Equal(t, [2]int64{50, 0}, [2]int64{balance, pending}, "released in the ledger, not only as read")
	again, err := b.svc.Maintain(ctx, jobs[0])
	require.NoError(t, err)
	require.Zero(t, again)
	b.checkLedger(t, false)
}
