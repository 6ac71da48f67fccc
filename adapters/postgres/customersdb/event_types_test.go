package customersdb_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
)

func tastingType() event.CustomType {
	return event.CustomType{Key: "tasting", Label: "品鉴会", Description: "A tea tasting in store", Fields: []event.CustomField{
		{Key: "tea", Label: "Tea", Type: "enum", Required: true, EnumValues: []string{"oolong", "pu_erh"}},
		{Key: "note", Type: "string", MaxLength: 200},
	}}
}

func TestEventTypesAreSavedReplacedAndDeleted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	repo := customersdb.EventTypes{}
	b.inTenant(t, tn, func(ctx context.Context) error {
		created, err := repo.Save(ctx, tastingType())
		require.NoError(t, err)
		require.True(t, created)
		got, err := repo.Get(ctx, "tasting")
		require.NoError(t, err)
		require.Equal(t, tastingType(), got)

		changed := tastingType()
		changed.Label, changed.Fields = "Tasting", changed.Fields[:1]
		created, err = repo.Save(ctx, changed)
		require.NoError(t, err)
		require.False(t, created, "the same key replaces the type")
		_, err = repo.Save(ctx, event.CustomType{Key: "alpha"})
		require.NoError(t, err)

		all, err := repo.List(ctx)
		require.NoError(t, err)
		require.Equal(t, []event.CustomType{{Key: "alpha"}, changed}, all)

		require.NoError(t, repo.Delete(ctx, "alpha"))
		require.ErrorIs(t, repo.Delete(ctx, "alpha"), ports.ErrEventTypeNotFound)
		_, err = repo.Get(ctx, "alpha")
		require.ErrorIs(t, err, ports.ErrEventTypeNotFound)
		return nil
	})
}

func TestEventTypesAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.EventTypes{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			_, err := repo.Save(ctx, tastingType())
			return "tasting", err
		},
		Get: func(ctx context.Context, key string) error {
			_, err := repo.Get(ctx, key)
			return err
		},
		// An edit reads the type before saving it, as the service does.
		Update: func(ctx context.Context, key string) error {
			t, err := repo.Get(ctx, key)
			if err != nil {
				return err
			}
			_, err = repo.Save(ctx, t)
			return err
		},
		Delete:   func(ctx context.Context, key string) error { return repo.Delete(ctx, key) },
		NotFound: ports.ErrEventTypeNotFound,
	})
}
