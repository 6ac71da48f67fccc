package customersdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/ports"
)

func TestWeChatLinksAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	links := customersdb.WeChatLinks{}
	var owner uuid.UUID
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			var err error
			if owner, err = insertCustomer(ctx); err != nil {
				return "", err
			}
			return "o-1", customersdb.WeChatAccounts{}.Insert(ctx, ports.WeChatAccount{AppID: miniApp, OpenID: "o-1", CustomerID: owner, LinkedAt: time.Now()})
		},
		Get: func(ctx context.Context, openID string) error {
			found, err := links.ByOpenID(ctx, openID)
			if err == nil && len(found) == 0 {
				err = ports.ErrWeChatAccountNotFound
			}
			return err
		},
		Update: func(ctx context.Context, openID string) error {
			if err := links.RequestReauth(ctx, miniApp, openID, time.Now()); err != nil {
				return err
			}
			if err := links.RecordLogin(ctx, miniApp, openID, time.Now()); err != nil {
				return err
			}
			if err := links.SetProfile(ctx, owner, miniApp, "nick", ""); err != nil {
				return err
			}
			return links.Move(ctx, miniApp, openID, owner, time.Now())
		},
		Delete: func(ctx context.Context, openID string) error {
			return links.Delete(ctx, miniApp, openID)
		},
		NotFound: ports.ErrWeChatAccountNotFound,
	})
}

func TestWeChatLinksMoveReauthAndLogin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	links := customersdb.WeChatLinks{}
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	require.NoError(t, b.db.InTenant(t.Context(), tn.ID, func(ctx context.Context) error {
		alice, err := insertCustomer(ctx)
		require.NoError(t, err)
		bob, err := insertCustomer(ctx)
		require.NoError(t, err)
		for _, a := range []ports.WeChatAccount{
			{AppID: miniApp, OpenID: "o-a", CustomerID: alice, LinkedAt: at},
			{AppID: officialApp, OpenID: "o-a-oa", CustomerID: alice, LinkedAt: at.Add(time.Second)},
			{AppID: miniApp, OpenID: "o-b", CustomerID: bob, LinkedAt: at},
		} {
			require.NoError(t, customersdb.WeChatAccounts{}.Insert(ctx, a))
		}

		require.ErrorIs(t, links.Move(ctx, miniApp, "o-b", alice, at), ports.ErrWeChatAppTaken, "alice has a Mini Program account")
		require.ErrorIs(t, links.Move(ctx, miniApp, "o-nobody", alice, at), ports.ErrWeChatAccountNotFound)
		require.NoError(t, links.Move(ctx, officialApp, "o-a-oa", bob, at.Add(time.Hour)))
		mine, err := links.ListByCustomer(ctx, bob)
		require.NoError(t, err)
		require.Len(t, mine, 2)
		require.Equal(t, "o-b", mine[0].OpenID)
		require.Equal(t, "o-a-oa", mine[1].OpenID)
		require.True(t, mine[1].LinkedAt.Equal(at.Add(time.Hour)))

		require.NoError(t, links.RequestReauth(ctx, miniApp, "o-a", at))
		got, err := links.ByOpenID(ctx, "o-a")
		require.NoError(t, err)
		require.True(t, got[0].ReauthRequestedAt.Equal(at))
		require.Nil(t, got[0].LastLoginAt)
		require.NoError(t, links.RecordLogin(ctx, miniApp, "o-a", at.Add(time.Minute)))
		got, err = links.ByOpenID(ctx, "o-a")
		require.NoError(t, err)
		require.Nil(t, got[0].ReauthRequestedAt, "a login answers the request")
		require.True(t, got[0].LastLoginAt.Equal(at.Add(time.Minute)))

		byOpenID, err := links.CustomersByOpenIDs(ctx, miniApp, []string{"o-a", "o-b", "o-a-oa", "o-none"})
		require.NoError(t, err)
		require.Equal(t, map[string]uuid.UUID{"o-a": alice, "o-b": bob}, byOpenID, "only the app's accounts")

		require.NoError(t, links.Delete(ctx, miniApp, "o-a"))
		require.ErrorIs(t, links.Delete(ctx, miniApp, "o-a"), ports.ErrWeChatAccountNotFound)
		return nil
	}))
}

func TestCustomerTokenCutOffs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	s := customersdb.CustomerSessions{}
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	require.NoError(t, b.db.InTenant(t.Context(), tn.ID, func(ctx context.Context) error {
		id, err := insertCustomer(ctx)
		require.NoError(t, err)
		exists, nb, err := s.NotBefore(ctx, id)
		require.NoError(t, err)
		require.True(t, exists)
		require.True(t, nb.IsZero())
		exists, _, err = s.NotBefore(ctx, uuid.New())
		require.NoError(t, err)
		require.False(t, exists)

		require.NoError(t, s.CutOff(ctx, id, at))
		require.NoError(t, s.CutOff(ctx, id, at.Add(-time.Hour)), "an earlier cut-off does not lower it")
		_, nb, err = s.NotBefore(ctx, id)
		require.NoError(t, err)
		require.True(t, nb.Equal(at))
		require.NoError(t, s.Admit(ctx, id, at.Add(time.Hour)), "a later login leaves it")
		_, nb, _ = s.NotBefore(ctx, id)
		require.True(t, nb.Equal(at))
		require.NoError(t, s.Admit(ctx, id, at.Add(-time.Second)))
		_, nb, _ = s.NotBefore(ctx, id)
		require.True(t, nb.Equal(at.Add(-time.Second)))
		return nil
	}))
	// Another brand does not see the customer, nor its cut-off.
	other := pgtest.NewTenant(t, b.dir)
	require.NoError(t, b.db.ReadInTenant(t.Context(), other.ID, func(ctx context.Context) error {
		var n int
		q, _, _ := postgres.TenantTx(ctx)
		require.NoError(t, q.QueryRow(ctx, `SELECT count(*) FROM customer_token_cutoffs`).Scan(&n))
		require.Zero(t, n)
		return nil
	}))
}

func TestFanTagImportsAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.FanTagImports{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			id := uuid.New()
			return id.String(), repo.Insert(ctx, ports.FanTagImport{ID: id, Status: "queued", RequestedAt: time.Now()})
		},
		Get: func(ctx context.Context, id string) error {
			_, err := repo.Get(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			return repo.Save(ctx, ports.FanTagImport{ID: uuid.MustParse(id), Status: "done", Tags: 1})
		},
		NotFound: ports.ErrFanTagImportNotFound,
	})
}

func TestFanTagImportsKeepTheirCounts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	repo := customersdb.FanTagImports{}
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	require.NoError(t, b.db.InTenant(t.Context(), tn.ID, func(ctx context.Context) error {
		first := ports.FanTagImport{ID: uuid.New(), Status: "queued", RequestedAt: at}
		second := ports.FanTagImport{ID: uuid.New(), Status: "queued", RequestedAt: at.Add(time.Hour)}
		require.NoError(t, repo.Insert(ctx, first))
		require.NoError(t, repo.Insert(ctx, second))
		done := at.Add(time.Minute)
		first.Status, first.FinishedAt, first.Tags, first.Fans, first.Matched = "done", &done, 3, 40, 12
		require.NoError(t, repo.Save(ctx, first))
		got, err := repo.Get(ctx, first.ID)
		require.NoError(t, err)
		require.Equal(t, 3, got.Tags)
		require.Equal(t, 40, got.Fans)
		require.Equal(t, 12, got.Matched)
		require.True(t, got.FinishedAt.Equal(done))
		latest, err := repo.Latest(ctx, 10)
		require.NoError(t, err)
		require.Len(t, latest, 2)
		require.Equal(t, second.ID, latest[0].ID, "newest first")
		return nil
	}))
}
