package points_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/ports"
)

// as is ctx acting as the admin id.
func as(id string) context.Context {
	return ports.WithActor(ctx, ports.Actor{Kind: ports.ActorUser, ID: id, Label: id + "@brand.example"})
}

// audited returns the actions the brand's audit trail holds for target, oldest first.
func (b *testBundle) audited(t *testing.T, target string) []string {
	t.Helper()
	rows, err := b.super.Query(ctx, `SELECT action FROM audit_log WHERE tenant_id = $1 AND target_id = $2 ORDER BY seq`,
		b.tn.ID.UUID(), target)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		require.NoError(t, rows.Scan(&a))
		out = append(out, a)
	}
	require.NoError(t, rows.Err())
	return out
}

// An adjustment above the brand's threshold changes nothing until a second admin approves it;
// then it is applied once, audited at each step; at or under the threshold it applies at once.
func TestAnAdjustmentAboveTheThresholdWaitsForASecondAdmin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *program.Settings) { s.ApprovalAbove = 500 })
	c := b.customer(t)

	small, err := b.svc.Adjust(as("alice"), b.tn.ID, points.Adjustment{Customer: c, Points: 500, ReasonCode: "goodwill"})
	require.NoError(t, err)
	require.Nil(t, small.Approval, "at the threshold it applies at once")
	require.Equal(t, int64(500), b.balances(t, c)["points"][0])

	o, err := b.svc.Adjust(as("alice"), b.tn.ID, points.Adjustment{Customer: c, Points: 2000, ReasonCode: "complaint",
		Note: "门店投诉补偿", Reference: "crm-77"})
	require.NoError(t, err)
	require.NotNil(t, o.Approval)
	require.Equal(t, points.RequestPending, o.Approval.Status)
	require.Equal(t, uuid.Nil, o.OperationID)
	require.Equal(t, int64(500), b.balances(t, c)["points"][0], "nothing changed yet")
	id := o.Approval.ID

	again, err := b.svc.Adjust(as("alice"), b.tn.ID, points.Adjustment{Customer: c, Points: 2000, ReasonCode: "complaint",
		Note: "门店投诉补偿", Reference: "crm-77"})
	require.NoError(t, err)
	require.True(t, again.Replayed)
	require.Equal(t, id, again.Approval.ID, "the same reference is the same request")
	_, err = b.svc.Adjust(as("alice"), b.tn.ID, points.Adjustment{Customer: c, Points: 3000, ReasonCode: "complaint", Reference: "crm-77"})
	require.ErrorIs(t, err, points.ErrReferenceReused)

	_, _, err = b.svc.Approve(as("alice"), b.tn.ID, id, "")
	require.ErrorIs(t, err, points.ErrOwnRequest, "the requester cannot approve")
	_, err = b.svc.Reject(as("alice"), b.tn.ID, id, "")
	require.ErrorIs(t, err, points.ErrOwnRequest, "nor reject")

	pending, err := b.svc.AdjustmentRequests(ctx, b.tn.ID, points.RequestQuery{Status: points.RequestPending}, pageOf(10))
	require.NoError(t, err)
	require.Len(t, pending, 1)

	r, out, err := b.svc.Approve(as("bob"), b.tn.ID, id, "核实无误")
	require.NoError(t, err)
	require.Equal(t, points.RequestApproved, r.Status)
	require.Equal(t, "bob", r.DecidedBy.ID)
	require.Equal(t, out.OperationID, r.OperationID)
	require.Equal(t, int64(2500), b.balances(t, c)["points"][0])

	_, _, err = b.svc.Approve(as("carol"), b.tn.ID, id, "")
	require.ErrorIs(t, err, points.ErrRequestDecided)
	_, err = b.svc.Reject(as("carol"), b.tn.ID, id, "")
	require.ErrorIs(t, err, points.ErrRequestDecided)
	replay, err := b.svc.Adjust(as("alice"), b.tn.ID, points.Adjustment{Customer: c, Points: 2000, ReasonCode: "complaint",
		Note: "门店投诉补偿", Reference: "crm-77"})
	require.NoError(t, err)
	require.Equal(t, points.RequestApproved, replay.Approval.Status, "a retry of the partner's call finds the approved request")
	require.Equal(t, int64(2500), b.balances(t, c)["points"][0], "and applies nothing more")

	require.Equal(t, []string{"points_adjustment.request", "points_adjustment.approve"}, b.audited(t, id.String()))
	stored, err := b.svc.AdjustmentRequest(ctx, b.tn.ID, id)
	require.NoError(t, err)
	require.Equal(t, "核实无误", stored.DecisionNote)
	require.Equal(t, "alice", stored.RequestedBy.ID)
	b.checkLedger(t, false)
}

// A rejected request changes no points and cannot be approved after; a deduction's threshold
// counts its size.
func TestARejectedAdjustmentChangesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *program.Settings) { s.ApprovalAbove = 100 })
	c := b.customer(t)
	_, err := b.svc.EarnPurchase(ctx, b.tn.ID, b.purchase(c, "pos-1", 50000))
	require.NoError(t, err)

	o, err := b.svc.Adjust(as("alice"), b.tn.ID, points.Adjustment{Customer: c, Points: -300, ReasonCode: "correction"})
	require.NoError(t, err)
	require.NotNil(t, o.Approval, "a deduction of 300 is above 100")
	r, err := b.svc.Reject(as("bob"), b.tn.ID, o.Approval.ID, "证据不足")
	require.NoError(t, err)
	require.Equal(t, points.RequestRejected, r.Status)
	_, _, err = b.svc.Approve(as("carol"), b.tn.ID, o.Approval.ID, "")
	require.ErrorIs(t, err, points.ErrRequestDecided)
	require.Equal(t, int64(500), b.balances(t, c)["points"][0])
	require.Equal(t, []string{"points_adjustment.request", "points_adjustment.reject"}, b.audited(t, o.Approval.ID.String()))

	_, _, err = b.svc.Approve(as("bob"), b.tn.ID, uuid.New(), "")
	require.ErrorIs(t, err, points.ErrRequestNotFound)

	// A deduction larger than the balance when approved is refused and stays pending.
	big, err := b.svc.Adjust(as("alice"), b.tn.ID, points.Adjustment{Customer: c, Points: -800, ReasonCode: "correction"})
	require.NoError(t, err)
	_, _, err = b.svc.Approve(as("bob"), b.tn.ID, big.Approval.ID, "")
	var fe *fielderr.Error
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "points", fe.Field)
	still, err := b.svc.AdjustmentRequest(ctx, b.tn.ID, big.Approval.ID)
	require.NoError(t, err)
	require.Equal(t, points.RequestPending, still.Status)
	b.checkLedger(t, false)
}

// Fifty admins approving one request at once apply it once: one approval succeeds, the others
// find it decided.
func TestConcurrentApprovalsApplyARequestOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *program.Settings) { s.ApprovalAbove = 10 })
	c := b.customer(t)
	o, err := b.svc.Adjust(as("alice"), b.tn.ID, points.Adjustment{Customer: c, Points: 1000, ReasonCode: "migration"})
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make([]error, 50)
	for i := range errs {
		wg.Go(func() {
			_, _, errs[i] = b.svc.Approve(as(fmt.Sprintf("admin-%d", i)), b.tn.ID, o.Approval.ID, "")
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		require.ErrorIs(t, err, points.ErrRequestDecided)
	}
	require.Equal(t, 1, ok)
	require.Equal(t, int64(1000), b.balances(t, c)["points"][0])
	var ops int
	require.NoError(t, b.super.QueryRow(ctx, `SELECT count(*) FROM points_operations WHERE tenant_id = $1 AND kind = 'adjust'`,
		b.tn.ID.UUID()).Scan(&ops))
	require.Equal(t, 1, ops)
	b.checkLedger(t, false)
}

// A partner retrying one adjustment with its reference a hundred times at once gets one
// request, however the retries interleave.
func TestConcurrentRetriesOfAReferenceMakeOneRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *program.Settings) { s.ApprovalAbove = 10 })
	c := b.customer(t)
	var wg sync.WaitGroup
	ids := make([]uuid.UUID, 100)
	for i := range ids {
		wg.Go(func() {
			o, err := b.svc.Adjust(as("partner"), b.tn.ID, points.Adjustment{Customer: c, Points: 90, ReasonCode: "goodwill", Reference: "p-1"})
			if err == nil && o.Approval != nil {
				ids[i] = o.Approval.ID
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		require.Equal(t, ids[0], id)
	}
	require.NotEqual(t, uuid.Nil, ids[0])
}

// Bad adjustments are refused with the field at fault and store no request.
func TestBadAdjustmentsAreRefusedWithTheirField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.program(t, func(s *program.Settings) { s.ApprovalAbove = 10 })
	c := b.customer(t)
	for _, tc := range []struct {
		adj   points.Adjustment
		field string
	}{
		{points.Adjustment{Customer: c, Points: 0, ReasonCode: "goodwill"}, "points"},
		{points.Adjustment{Customer: c, Points: 50, ReasonCode: "because"}, "reason_code"},
		{points.Adjustment{Customer: c, Points: 50, ReasonCode: "other", Note: "a\x00b"}, "note"},
		{points.Adjustment{Customer: c, Points: 50, ReasonCode: "other", Wallet: "gold_coins"}, "wallet"},
	} {
		_, err := b.svc.Adjust(as("alice"), b.tn.ID, tc.adj)
		var fe *fielderr.Error
		require.ErrorAs(t, err, &fe, "%+v", tc.adj)
		require.Equal(t, tc.field, fe.Field)
	}
	_, err := b.svc.Adjust(as("alice"), b.tn.ID, points.Adjustment{Customer: uuid.New(), Points: 50, ReasonCode: "other"})
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
	all, err := b.svc.AdjustmentRequests(ctx, b.tn.ID, points.RequestQuery{}, pageOf(10))
	require.NoError(t, err)
	require.Empty(t, all)

	err = b.svc.SetSettings(ctx, b.tn.ID, func() program.Settings {
		s := program.Defaults()
		s.ApprovalAbove = -1
		s.Value.Points = 0
		return s
	}())
	require.ErrorContains(t, err, "adjustment_approval_above")
	require.ErrorContains(t, err, "point_value.points")
}
