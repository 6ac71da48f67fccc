package segments_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// TestMembershipIsMergedDownloadedAndErased runs segment membership's part of merging two
// customers, downloading one's data and erasing it, in the callers' tenant transactions.
func TestMembershipIsMergedDownloadedAndErased(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	eval := customersdb.NewSegmentEvaluator(customersdb.SegmentFields())
	svc := segments.NewService(segments.Deps{Tx: db, Segments: customersdb.Segments{}, Rules: customersdb.TagRules{},
		Eval: eval, Membership: eval, Defs: customersdb.AttributeDefs{},
		Jobs: jobstest.InsertOnly(t, db), Audit: platformdb.AuditLog{}, Tenants: dir, Clock: ports.SystemClock{},
		Fields: segment.CustomerFields()})
	ctx := context.Background()
	tn := pgtest.NewTenant(t, dir)

	// from lives in Shanghai; into moves there as the profiles are merged.
	from := customer.Customer{ID: uuid.New(), Name: "From", City: "上海"}
	into := customer.Customer{ID: uuid.New(), Name: "Into", City: "北京"}
	require.NoError(t, db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		for _, c := range []customer.Customer{from, into} {
			require.NoError(t, c.Normalise(time.Now()))
			if err := (customersdb.Customers{}).Insert(ctx, c); err != nil {
				return err
			}
		}
		return nil
	}))
	seg, err := svc.Create(ctx, tn.ID, segments.Draft{Name: "上海", Tree: map[string]any{"field": "city", "op": "=", "value": "上海"}})
	require.NoError(t, err)
	require.NoError(t, svc.Refresh(ctx, segments.RefreshArgs{TenantID: tn.ID.UUID(), SegmentID: seg.ID}))

	data := svc.CustomerData()
	require.Equal(t, "segments", data.Section())
	inTx := func(fn func(ctx context.Context) error) { require.NoError(t, db.InTenant(ctx, tn.ID, fn)) }
	inTx(func(ctx context.Context) error {
		got, err := data.Export(ctx, from.ID)
		require.Equal(t, []segments.SegmentRef{{ID: seg.ID, Name: "上海"}}, got)
		return err
	})

	inTx(func(ctx context.Context) error {
		q, _, _ := postgres.TenantTx(ctx)
		if _, err := q.Exec(ctx, `UPDATE customers SET city = '上海' WHERE id = $1`, into.ID); err != nil {
			return err
		}
		return data.Merge(ctx, from.ID, into.ID)
	})
	inTx(func(ctx context.Context) error {
		got, err := data.Export(ctx, from.ID)
		require.Empty(t, got, "the merged-away profile is in no segment")
		if err != nil {
			return err
		}
		got, err = data.Export(ctx, into.ID)
		require.Equal(t, []segments.SegmentRef{{ID: seg.ID, Name: "上海"}}, got, "the survivor was evaluated anew")
		return err
	})

	inTx(func(ctx context.Context) error { return data.Erase(ctx, into.ID) })
	inTx(func(ctx context.Context) error {
		got, err := data.Export(ctx, into.ID)
		require.Empty(t, got)
		return err
	})
}
