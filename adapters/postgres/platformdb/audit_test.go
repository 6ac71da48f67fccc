package platformdb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/application/platform/audit"
	auditrecord "github.com/engagehq/engage/domain/platform/audit"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

func (b *testBundle) record(t *testing.T, tn tenants.Tenant, action string, before, after any) {
	t.Helper()
	ctx := ports.WithActor(context.Background(), ports.Actor{Kind: ports.ActorUser, ID: "u1", Label: "a@b.example", RequestID: "r1", IP: "127.0.0.1"})
	require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		return platformdb.AuditLog{}.Record(ctx, ports.AuditEntry{Action: action, TargetType: "thing", TargetID: "t1", Before: before, After: after})
	}))
}

func TestAuditTrailIsAppendOnlyForTheApplication(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	b.record(t, tn, "thing.create", nil, map[string]any{"name": "x"})
	for _, stmt := range []string{
		`UPDATE audit_log SET action = 'thing.nothing'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
	} {
		err := b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
			q, _, err := postgres.TenantTx(ctx)
			if err != nil {
				return err
			}
			_, err = q.Exec(ctx, stmt)
			return err
		})
		require.ErrorContainsf(t, err, "permission denied", stmt)
	}
}

// A listing applies every filter given, pages newest first from the cursor on, and matches
// the same records when read through Each.
func TestAuditListingFiltersAndPagesNewestFirst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	for _, action := range []string{"thing.create", "thing.update", "thing.create", "thing.update", "thing.create"} {
		b.record(t, tn, action, nil, map[string]any{"name": action})
	}
	list := func(f ports.AuditFilter, page ports.Page) []string {
		var out []string
		require.NoError(t, b.db.ReadInTenant(context.Background(), tn.ID, func(ctx context.Context) error {
			rs, err := platformdb.AuditLog{}.List(ctx, f, page)
			for _, r := range rs {
				out = append(out, fmt.Sprintf("%d %s", r.Seq, r.Action))
			}
			return err
		}))
		return out
	}
	creates := ports.AuditFilter{ActorID: "u1", Action: "thing.create", TargetType: "thing", TargetID: "t1",
		From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)}
	require.Equal(t, []string{"5 thing.create", "3 thing.create"}, list(creates, ports.Page{Limit: 2}))
	require.Equal(t, []string{"1 thing.create"}, list(creates, ports.Page{After: "3", Limit: 2}))
	require.Equal(t, []string{"4 thing.update", "3 thing.create", "2 thing.update"}, list(ports.AuditFilter{}, ports.Page{After: "5", Limit: 3}))
	require.Empty(t, list(ports.AuditFilter{Action: "thing.create", To: time.Now().Add(-time.Hour)}, ports.Page{Limit: 10}))

	var each []int64
	require.NoError(t, b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		return platformdb.AuditLog{}.Each(ctx, creates, func(r auditrecord.Record) error {
			each = append(each, r.Seq)
			return nil
		})
	}))
	require.Equal(t, []int64{1, 3, 5}, each)
}

func TestAuditChainVerifiesAndShowsTampering(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tn, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	for i := range 5 {
		b.record(t, tn, "thing.update", map[string]any{"n": i, "big": 9007199254740993, "text": "<中文 & \u2028>"}, map[string]any{"n": i + 1})
	}
	b.record(t, other, "thing.create", nil, map[string]any{"n": 1})
	svc := audit.NewService(audit.Deps{Tx: b.db, Reader: platformdb.AuditLog{}, Tenants: b.dir})
	v, err := svc.Verify(ctx, tn)
	require.NoError(t, err)
	require.Nil(t, v.Break)
	require.EqualValues(t, 5, v.Records)

	// Someone with the owner's or superuser's power edits record 3 behind the application's back.
	conn, err := pgx.Connect(ctx, b.pg.SuperuserURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `UPDATE audit_log SET after = '{"n": 99}' WHERE tenant_id = $1 AND seq = 3`, tn.ID.UUID())
	require.NoError(t, err)
	v, err = svc.Verify(ctx, tn)
	require.NoError(t, err)
	require.NotNil(t, v.Break)
	require.EqualValues(t, 3, v.Break.Seq)

	// Deleting a record breaks the chain where it was.
	_, err = conn.Exec(ctx, `DELETE FROM audit_log WHERE tenant_id = $1 AND seq IN (1, 3)`, tn.ID.UUID())
	require.NoError(t, err)
	v, err = svc.Verify(ctx, tn)
	require.NoError(t, err)
	require.EqualValues(t, 2, v.Break.Seq)

	v, err = svc.Verify(ctx, other)
	require.NoError(t, err)
	require.Nil(t, v.Break, "another tenant's chain is its own")
}

func TestAccessRepositoriesAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			return "clerk", platformdb.Roles{}.Insert(ctx, ports.CustomRole{Name: "clerk", Permissions: nil})
		},
		Get: func(ctx context.Context, id string) error {
			_, err := platformdb.Roles{}.Get(ctx, id)
			return err
		},
		Update: func(ctx context.Context, id string) error {
			return platformdb.Roles{}.Update(ctx, ports.CustomRole{Name: id, Description: "changed"})
		},
		Delete:   func(ctx context.Context, id string) error { return platformdb.Roles{}.Delete(ctx, id) },
		NotFound: ports.ErrRoleNotFound,
	})
}
