package points_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/points/ledger"
)

// One purchase retried a hundred times at once at the till, then delivered by the activity
// stream too, credits once: every answer is the first earning.
func TestHundredConcurrentRetriesOfOneEarnCreditOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.customer(t)
	p := b.purchase(c, "pos-0001", 3899)
	var wg sync.WaitGroup
	results := make([]points.Earning, 100)
	errs := make([]error, 100)
	for i := range results {
		wg.Go(func() { results[i], errs[i] = b.svc.EarnPurchase(ctx, b.tn.ID, p) })
	}
	wg.Wait()
	fresh := 0
	for i, r := range results {
		require.NoError(t, errs[i])
		require.Equal(t, results[0].OperationID, r.OperationID, "every retry answers with the first earning")
		require.Equal(t, []ledger.Result{{Wallet: ledger.Points, Points: 38, Balance: 38}, {Wallet: ledger.Status, Points: 38, Balance: 38}},
			r.Wallets)
		if !r.Replayed {
			fresh++
		}
	}
	require.Equal(t, 1, fresh)
	// The till credited the purchase it recorded: the points subscriber gets no job for it; the
	// module's other subscribers to the stream do.
	jobs := func(kind string) (n int) {
		require.NoError(t, b.super.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n))
		return n
	}
	require.Zero(t, jobs("subscriber.points"))
	require.Positive(t, jobs("subscriber.activity"), "the customer's activity still counts the purchase")
	require.Positive(t, b.work(t))
	require.Equal(t, map[string][2]int64{"points": {38, 0}, "status": {38, 0}}, b.balances(t, c))
	b.checkLedger(t, false)
}

// A batch the activity stream stores earns each purchase once, and a purchase the till reports
// afterwards answers with that earning.
func TestTheActivityStreamAndTheTillCreditAPurchaseOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c, d := b.customer(t), b.customer(t)
	var drafts []event.Draft
	for i := range 5 {
		amount := int64(1000 * (i + 1))
		drafts = append(drafts, event.Draft{ID: fmt.Sprintf("web-%d", i), CustomerID: []string{c.String(), d.String()}[i%2],
			Type: event.TypePurchase, Channel: "website", OccurredAt: b.clock.Now(), AmountFen: &amount,
			Items: []event.Item{{SKU: "tea", Quantity: 1}}})
	}
	_, err := b.app.Events.IngestBatch(ctx, b.tn.ID, drafts)
	require.NoError(t, err)
	b.work(t)
	require.Equal(t, int64(10+30+50), b.balances(t, c)["points"][0])
	require.Equal(t, int64(20+40), b.balances(t, d)["points"][0])

	again, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "web-0", 1000))
	require.NoError(t, err)
	require.True(t, again.Replayed)
	require.Equal(t, int64(10), again.Wallets[0].Points)
	_, err = b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "web-0", 9999))
	require.ErrorIs(t, err, points.ErrReferenceReused, "the same purchase with another amount")
	b.work(t)
	require.Equal(t, int64(90), b.balances(t, c)["points"][0])
	b.checkLedger(t, false)
}
