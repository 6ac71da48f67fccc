package secrets_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/secretbox"
	"github.com/engagehq/engage/application/platform/secrets"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// testClock's time has nanoseconds, which PostgreSQL cannot keep.
var testClock = fixedClock{time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)}

type bundle struct {
	pg  *pgtest.Database
	db  *postgres.DB
	dir *tenants.Directory
}

func setup(t *testing.T) *bundle {
	t.Helper()
	pg := pgtest.New(t)
	db := pg.OpenApp(t)
	return &bundle{pg: pg, db: db, dir: tenants.NewDirectory(platformdb.NewTenantStore(db))}
}

func (b *bundle) service(t *testing.T, keyringSpec string) *secrets.Service {
	t.Helper()
	return b.serviceWithAudit(t, keyringSpec, platformdb.AuditLog{})
}

func (b *bundle) serviceWithAudit(t *testing.T, keyringSpec string, audit ports.AuditLog) *secrets.Service {
	t.Helper()
	k, err := secretbox.ParseKeyring(keyringSpec)
	require.NoError(t, err)
	return secrets.NewService(secrets.Deps{Tx: b.db, Secrets: platformdb.Secrets{}, Cipher: k, Audit: audit, Tenants: b.dir, Clock: testClock})
}

func keySpec(t *testing.T, id string) string {
	t.Helper()
	s, err := secretbox.GenerateSpec(id)
	require.NoError(t, err)
	return s
}

// stored returns the tenant's rows as the repository reads them.
func (b *bundle) stored(t *testing.T, tenant tenants.ID) []ports.StoredSecret {
	t.Helper()
	var out []ports.StoredSecret
	require.NoError(t, b.db.InTenant(context.Background(), tenant, func(ctx context.Context) error {
		var err error
		out, err = platformdb.Secrets{}.List(ctx)
		return err
	}))
	return out
}

type auditRow struct {
	action, targetID      string
	before, after, diff   string
	actorKind, actorLabel string
}

// auditRows returns the tenant's audit trail, oldest first, with its JSON columns as text.
func (b *bundle) auditRows(t *testing.T, tenant tenants.ID) []auditRow {
	t.Helper()
	var out []auditRow
	require.NoError(t, b.db.InTenant(context.Background(), tenant, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		if err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT action, target_id, coalesce(before::text, ''), coalesce(after::text, ''),
			coalesce(diff::text, ''), actor_kind, actor_label FROM audit_log ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r auditRow
			if err := rows.Scan(&r.action, &r.targetID, &r.before, &r.after, &r.diff, &r.actorKind, &r.actorLabel); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	}))
	return out
}
