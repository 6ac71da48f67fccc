package pointsdb_test

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	app "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/domain/points/receipts"
	"github.com/engagehq/engage/ports"
)

func newReceipt(ctx context.Context) (receipts.Receipt, error) {
	c, err := newCustomer(ctx)
	if err != nil {
		return receipts.Receipt{}, err
	}
	id := uuid.New()
	sum := sha256.Sum256(id[:])
	r := receipts.Receipt{ID: id, Customer: c, Status: receipts.Pending, ImageKey: "receipts/t/" + id.String() + ".png",
		ImageHash: sum[:], ContentType: "image/png", ImageBytes: 10, CreatedAt: time.Now()}
	return r, pointsdb.Receipts{}.Insert(ctx, r)
}

// Another brand can neither read nor decide a brand's receipt, nor list it.
func TestAnotherBrandCannotReachReceipts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := pointsdb.Receipts{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			r, err := newReceipt(ctx)
			return r.ID.String(), err
		},
		Get: func(ctx context.Context, id string) error {
			r, err := repo.Get(ctx, uuid.MustParse(id), true)
			if err == nil {
				if rs, err := repo.List(ctx, app.Query{}, ports.Page{Limit: 10}); err != nil || len(rs) != 1 || rs[0].ID != r.ID {
					return err
				}
			} else if rs, lerr := repo.List(ctx, app.Query{}, ports.Page{Limit: 10}); lerr != nil || len(rs) != 0 {
				return lerr
			}
			return err
		},
		Update: func(ctx context.Context, id string) error {
			return repo.Update(ctx, receipts.Receipt{ID: uuid.MustParse(id), Status: receipts.Rejected, Reason: receipts.ReasonOther,
				DecidedKind: "user", DecidedBy: "x", DecidedAt: time.Now()})
		},
		NotFound: app.ErrNotFound,
	})
}

// The same photo is one receipt per brand, and a store's number is approved once.
func TestReceiptUniqueness(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	repo := pointsdb.Receipts{}
	ctx := context.Background()
	in := func(fn func(ctx context.Context) error) error { return b.db.InTenant(ctx, tn.ID, fn) }
	approve := func(ctx context.Context, r receipts.Receipt) error {
		r.Status, r.PurchaseID, r.DecidedKind, r.DecidedBy, r.DecidedAt = receipts.Approved, "receipt-"+r.ID.String(), "user", "x", time.Now()
		r.Fields = receipts.Fields{AmountFen: 100, Date: time.Now(), Number: "NO-1"}
		return repo.Update(ctx, r)
	}
	var first, second receipts.Receipt
	require.NoError(t, in(func(ctx context.Context) error {
		var err error
		if first, err = newReceipt(ctx); err != nil {
			return err
		}
		second, err = newReceipt(ctx)
		return err
	}))
	require.ErrorIs(t, in(func(ctx context.Context) error {
		again := first
		again.ID = uuid.New()
		return repo.Insert(ctx, again)
	}), app.ErrImageTaken)
	require.NoError(t, in(func(ctx context.Context) error { return approve(ctx, first) }))
	require.NoError(t, in(func(ctx context.Context) error {
		taken, err := repo.NumberApproved(ctx, "", "NO-1", second.ID)
		require.True(t, taken)
		return err
	}))
	require.ErrorIs(t, in(func(ctx context.Context) error { return approve(ctx, second) }), app.ErrNumberApproved)
}
