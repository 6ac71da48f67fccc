package platformdb_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/secretbox"
	"github.com/engagehq/engage/application/platform/secrets"
	"github.com/engagehq/engage/ports"
)

func TestSecretsAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := platformdb.Secrets{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			return "smtp.password", repo.Put(ctx, ports.StoredSecret{Name: "smtp.password", KeyID: "k1", Sealed: []byte("sealed-a")})
		},
		Get: func(ctx context.Context, name string) error {
			_, err := repo.Get(ctx, name)
			return err
		},
		// A change is a read-modify-write, as a re-seal is: Put alone would create the other
		// tenant's own secret of that name, which is not a change to this one.
		Update: func(ctx context.Context, name string) error {
			s, err := repo.Get(ctx, name)
			if err != nil {
				return err
			}
			s.Sealed = []byte("changed")
			return repo.Put(ctx, s)
		},
		Delete:   func(ctx context.Context, name string) error { return repo.Delete(ctx, name) },
		NotFound: ports.ErrSecretNotFound,
	})
}

func TestTwoTenantsMayHoldSecretsOfTheSameName(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	repo := platformdb.Secrets{}
	a, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	at := time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC)
	require.NoError(t, b.db.InTenant(ctx, a.ID, func(ctx context.Context) error {
		return repo.Put(ctx, ports.StoredSecret{Name: "smtp.password", KeyID: "k1", Sealed: []byte("of-a"), UpdatedAt: at})
	}))
	require.NoError(t, b.db.InTenant(ctx, other.ID, func(ctx context.Context) error {
		return repo.Put(ctx, ports.StoredSecret{Name: "smtp.password", KeyID: "k2", Sealed: []byte("of-other")})
	}))

	require.NoError(t, b.db.ReadInTenant(ctx, a.ID, func(ctx context.Context) error {
		s, err := repo.Get(ctx, "smtp.password")
		require.NoError(t, err)
		require.Equal(t, ports.StoredSecret{Name: "smtp.password", KeyID: "k1", Sealed: []byte("of-a"), UpdatedAt: at}, ports.StoredSecret{
			Name: s.Name, KeyID: s.KeyID, Sealed: s.Sealed, UpdatedAt: s.UpdatedAt.UTC(),
		})
		return nil
	}))
	require.NoError(t, b.db.ReadInTenant(ctx, other.ID, func(ctx context.Context) error {
		s, err := repo.Get(ctx, "smtp.password")
		require.NoError(t, err)
		require.Equal(t, []byte("of-other"), s.Sealed)
		require.WithinDuration(t, time.Now(), s.UpdatedAt, time.Minute, "a zero UpdatedAt stores the current time")
		return nil
	}))
}

func TestSecretsPutReplacesListOrdersByNameDeleteReportsMissing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	repo := platformdb.Secrets{}
	tn := pgtest.NewTenant(t, b.dir)
	require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		for _, name := range []string{"wechat.app_secret", "smtp.password", "sms.aliyun.key"} {
			require.NoError(t, repo.Put(ctx, ports.StoredSecret{Name: name, KeyID: "k1", Sealed: []byte("v1 " + name)}))
		}
		require.NoError(t, repo.Put(ctx, ports.StoredSecret{Name: "smtp.password", KeyID: "k2", Sealed: []byte("v2")}))

		all, err := repo.List(ctx)
		require.NoError(t, err)
		var names []string
		for _, s := range all {
			names = append(names, s.Name)
		}
		require.Equal(t, []string{"sms.aliyun.key", "smtp.password", "wechat.app_secret"}, names)
		require.Equal(t, "k2", all[1].KeyID)
		require.Equal(t, []byte("v2"), all[1].Sealed)

		require.NoError(t, repo.Delete(ctx, "smtp.password"))
		require.ErrorIs(t, repo.Delete(ctx, "smtp.password"), ports.ErrSecretNotFound)
		_, err = repo.Get(ctx, "smtp.password")
		require.ErrorIs(t, err, ports.ErrSecretNotFound)
		return nil
	}))

	// The table refuses a name the application would refuse.
	err := b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		return repo.Put(ctx, ports.StoredSecret{Name: "Bad Name", KeyID: "k1", Sealed: []byte("x")})
	})
	require.ErrorContains(t, err, "tenant_secrets_name_check")

	// And the repository runs only in a tenant transaction.
	_, err = repo.List(ctx)
	require.ErrorIs(t, err, ports.ErrNoTenantTx)
	require.ErrorIs(t, repo.Put(ctx, ports.StoredSecret{Name: "smtp.password"}), ports.ErrNoTenantTx)
}

// Get in a write transaction locks the secret, so a re-seal cannot overwrite a concurrent Set.
func TestSecretsGetInAWriteTransactionLocksTheSecret(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	repo := platformdb.Secrets{}
	tn := pgtest.NewTenant(t, b.dir)
	require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		return repo.Put(ctx, ports.StoredSecret{Name: "smtp.password", KeyID: "k1", Sealed: []byte("x")})
	}))

	require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		_, err := repo.Get(ctx, "smtp.password")
		require.NoError(t, err)
		err = b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
			q, _, err := postgres.TenantTx(ctx)
			require.NoError(t, err)
			_, err = q.Exec(ctx, `SET LOCAL lock_timeout = '100ms'`)
			require.NoError(t, err)
			return repo.Put(ctx, ports.StoredSecret{Name: "smtp.password", KeyID: "k2", Sealed: []byte("y")})
		})
		var pgErr *pgconn.PgError
		require.True(t, errors.As(err, &pgErr), "%v", err)
		require.Equal(t, "55P03", pgErr.Code, "the concurrent put waits for the lock")
		return nil
	}))

	// A read scope takes no lock.
	require.NoError(t, b.db.ReadInTenant(ctx, tn.ID, func(ctx context.Context) error {
		_, err := repo.Get(ctx, "smtp.password")
		return err
	}))
}

// What the database holds, as its superuser sees it, is never the plaintext: not the sealed
// value, not any other column of the secret, not the audit trail.
func TestStoredSecretsNeverContainThePlaintext(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	spec, err := secretbox.GenerateSpec("k1")
	require.NoError(t, err)
	k, err := secretbox.ParseKeyring(spec)
	require.NoError(t, err)
	svc := secrets.NewService(secrets.Deps{Tx: b.db, Secrets: platformdb.Secrets{}, Cipher: k, Audit: platformdb.AuditLog{}, Tenants: b.dir})
	tn := pgtest.NewTenant(t, b.dir)
	const plaintext = "wx9f8e7d6c5b4a3210-app-secret"
	_, err = svc.Set(ctx, tn.ID, "wechat.mini_program.app_secret", plaintext)
	require.NoError(t, err)
	_, err = svc.Set(ctx, tn.ID, "wechat.mini_program.app_secret", plaintext+"-2")
	require.NoError(t, err)

	conn := b.pg.SuperConn(t)
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tn.ID.String())
	require.NoError(t, err)

	var (
		sealed []byte
		row    string
	)
	require.NoError(t, tx.QueryRow(ctx, `SELECT sealed, s::text FROM tenant_secrets s WHERE name = 'wechat.mini_program.app_secret'`).
		Scan(&sealed, &row))
	require.NotEmpty(t, sealed)
	require.False(t, bytes.Contains(sealed, []byte(plaintext)), "the sealed bytes hold no plaintext")
	require.False(t, bytes.Contains(sealed, []byte(plaintext[:12])), "not even part of it")
	require.NotContains(t, row, plaintext)

	rows, err := tx.Query(ctx, `SELECT a::text FROM audit_log a`)
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		var audit string
		require.NoError(t, rows.Scan(&audit))
		require.NotContains(t, audit, plaintext[:12])
		n++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, 2, n, "both changes were audited")

	got, err := svc.Reveal(ctx, tn.ID, "wechat.mini_program.app_secret")
	require.NoError(t, err)
	require.Equal(t, plaintext+"-2", got)
}
