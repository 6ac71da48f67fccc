package customersdb_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Mini Program and Official Account app IDs of one brand.
const (
	miniApp     = "wx0123456789abcdef"
	officialApp = "wxfedcba9876543210"
)

// insertCustomer adds a bare customer in the caller's tenant transaction.
func insertCustomer(ctx context.Context) (uuid.UUID, error) {
	c := customer.Customer{ID: uuid.New(), Gender: "unknown", Language: "zh-CN", Consents: map[string]bool{}, Attributes: map[string]any{}}
	return c.ID, customersdb.Customers{}.Insert(ctx, c)
}

func TestWeChatAccountsAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.WeChatAccounts{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			id, err := insertCustomer(ctx)
			if err != nil {
				return "", err
			}
			return "o-1", repo.Insert(ctx, ports.WeChatAccount{AppID: miniApp, OpenID: "o-1", UnionID: "u-1", CustomerID: id, LinkedAt: time.Now()})
		},
		Get: func(ctx context.Context, openID string) error {
			if _, err := repo.FirstByUnionID(ctx, "u-1"); err != nil {
				return err
			}
			_, err := repo.Get(ctx, miniApp, openID)
			return err
		},
		Update: func(ctx context.Context, openID string) error {
			return repo.SetUnionID(ctx, miniApp, openID, "u-other")
		},
		NotFound: ports.ErrWeChatAccountNotFound,
	})
}

func TestWeChatAccountsAreFoundByAppAndOpenIDOrByUnionIDAcrossApps(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.WeChatAccounts{}
	tn := pgtest.NewTenant(t, b.dir)
	// in runs fn in its own transaction, since a refused statement ends the one it is in.
	in := func(fn func(ctx context.Context) error) error { return b.db.InTenant(t.Context(), tn.ID, fn) }
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	var id uuid.UUID
	require.NoError(t, in(func(ctx context.Context) (err error) { id, err = insertCustomer(ctx); return err }))
	official := ports.WeChatAccount{AppID: officialApp, OpenID: "o-oa", UnionID: "u-1", CustomerID: id, LinkedAt: at}
	mini := ports.WeChatAccount{AppID: miniApp, OpenID: "o-mp", UnionID: "u-1", CustomerID: id, LinkedAt: at.Add(time.Hour),
		Nickname: "小明", AvatarURL: "https://example.com/a.png"}
	require.NoError(t, in(func(ctx context.Context) error {
		return errors.Join(repo.Insert(ctx, official), repo.Insert(ctx, mini))
	}))
	require.ErrorIs(t, in(func(ctx context.Context) error { return repo.Insert(ctx, mini) }), ports.ErrWeChatAccountLinked)
	err := in(func(ctx context.Context) error {
		return repo.Insert(ctx, ports.WeChatAccount{AppID: miniApp, OpenID: "o-orphan", CustomerID: uuid.New(), LinkedAt: at})
	})
	require.ErrorContains(t, err, "wechat_accounts_tenant_id_customer_id_fkey", "an account belongs to a customer of its tenant")

	require.NoError(t, in(func(ctx context.Context) error {
		got, err := repo.Get(ctx, miniApp, "o-mp")
		require.NoError(t, err)
		require.True(t, got.LinkedAt.Equal(mini.LinkedAt))
		got.LinkedAt = mini.LinkedAt
		require.Equal(t, mini, got)
		_, err = repo.Get(ctx, miniApp, "o-oa")
		require.ErrorIs(t, err, ports.ErrWeChatAccountNotFound, "an OpenID belongs to one app")

		first, err := repo.FirstByUnionID(ctx, "u-1")
		require.NoError(t, err)
		require.Equal(t, officialApp, first.AppID, "the earliest linked")
		_, err = repo.FirstByUnionID(ctx, "u-2")
		require.ErrorIs(t, err, ports.ErrWeChatAccountNotFound)

		require.NoError(t, repo.Insert(ctx, ports.WeChatAccount{AppID: miniApp, OpenID: "o-none", CustomerID: id, LinkedAt: at}))
		none, err := repo.Get(ctx, miniApp, "o-none")
		require.NoError(t, err)
		require.Empty(t, none.UnionID)
		require.NoError(t, repo.SetUnionID(ctx, miniApp, "o-none", "u-3"))
		first, err = repo.FirstByUnionID(ctx, "u-3")
		require.NoError(t, err)
		require.Equal(t, "o-none", first.OpenID)
		require.ErrorIs(t, repo.SetUnionID(ctx, miniApp, "o-ghost", "u-3"), ports.ErrWeChatAccountNotFound)
		return nil
	}))
}

func TestWeChatAccountLockSerialisesOneKeyAndNeedsAWriteTransaction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.WeChatAccounts{}
	tn := pgtest.NewTenant(t, b.dir)

	held := make(chan struct{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
			if err := repo.Lock(ctx, "u-1"); err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held

	lockWithin := func(tenant tenants.ID, key string) error {
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		return b.db.InTenant(ctx, tenant, func(ctx context.Context) error { return repo.Lock(ctx, key) })
	}
	require.Error(t, lockWithin(tn.ID, "u-1"), "the same key waits")
	require.NoError(t, lockWithin(tn.ID, "u-2"), "another key does not")
	require.NoError(t, lockWithin(pgtest.NewTenant(t, b.dir).ID, "u-1"), "nor does another tenant's")
	close(release)
	wg.Wait()
	require.NoError(t, lockWithin(tn.ID, "u-1"), "the lock ends with its transaction")

	err := b.db.ReadInTenant(t.Context(), tn.ID, func(ctx context.Context) error { return repo.Lock(ctx, "u-1") })
	require.ErrorIs(t, err, postgres.ErrReadOnly)
}
