package customersdb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/ports"
)

func tagNames(tags []ports.CustomerTag) map[string]ports.TagSource {
	out := map[string]ports.TagSource{}
	for _, t := range tags {
		out[t.Tag] = t.Source
	}
	return out
}

func TestTagsAreAssignedOnceListedCountedAndRemoved(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	repo := customersdb.Tags{}
	b.inTenant(t, tn, func(ctx context.Context) error {
		alice, err := newCustomer(ctx)
		require.NoError(t, err)
		bob, err := newCustomer(ctx)
		require.NoError(t, err)

		require.NoError(t, repo.AssignTags(ctx, alice, []string{"VIP", "常客"}, ports.TagManual))
		require.NoError(t, repo.AssignTags(ctx, alice, []string{"VIP", "vip"}, ports.TagRule))
		tags, err := repo.Of(ctx, alice)
		require.NoError(t, err)
		require.Equal(t, map[string]ports.TagSource{"VIP": ports.TagManual, "vip": ports.TagRule, "常客": ports.TagManual}, tagNames(tags),
			"a tag the customer has keeps its source; case makes another tag")

		ghost := uuid.New()
		missing, err := repo.Missing(ctx, []uuid.UUID{alice, ghost, bob})
		require.NoError(t, err)
		require.Equal(t, []uuid.UUID{ghost}, missing)

		tagged, err := repo.BulkAssign(ctx, []uuid.UUID{alice, bob, ghost}, "VIP", ports.TagManual)
		require.NoError(t, err)
		require.Equal(t, []uuid.UUID{bob}, tagged, "only bob got it now; the unknown ID is left out")
		counts, err := repo.Counts(ctx)
		require.NoError(t, err)
		require.Equal(t, []ports.TagCount{{Tag: "VIP", Customers: 2}, {Tag: "vip", Customers: 1}, {Tag: "常客", Customers: 1}}, counts)

		n, err := repo.Remove(ctx, alice, []string{"常客", "never had"})
		require.NoError(t, err)
		require.Equal(t, int64(1), n)
		n, err = repo.BulkRemove(ctx, []uuid.UUID{alice, bob}, "VIP")
		require.NoError(t, err)
		require.Equal(t, int64(2), n)
		tags, err = repo.Of(ctx, alice)
		require.NoError(t, err)
		require.Equal(t, map[string]ports.TagSource{"vip": ports.TagRule}, tagNames(tags))
		return nil
	})
}

func TestTagsMergeOntoTheSurvivorAndAreExportedAndErased(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	repo := customersdb.Tags{}
	var data ports.CustomerData = repo
	require.Equal(t, "tags", data.Section())
	b.inTenant(t, tn, func(ctx context.Context) error {
		from, err := newCustomer(ctx)
		require.NoError(t, err)
		into, err := newCustomer(ctx)
		require.NoError(t, err)
		require.NoError(t, repo.AssignTags(ctx, from, []string{"VIP", "茶友"}, ports.TagRule))
		require.NoError(t, repo.AssignTags(ctx, into, []string{"VIP"}, ports.TagManual))

		require.NoError(t, data.Merge(ctx, from, into))
		tags, err := repo.Of(ctx, into)
		require.NoError(t, err)
		require.Equal(t, map[string]ports.TagSource{"VIP": ports.TagManual, "茶友": ports.TagRule}, tagNames(tags))
		left, err := repo.Of(ctx, from)
		require.NoError(t, err)
		require.Empty(t, left)

		exported, err := data.Export(ctx, into)
		require.NoError(t, err)
		require.Len(t, exported, 2)
		require.Equal(t, "VIP", exported.([]customersdb.ExportedTag)[0].Tag)

		require.NoError(t, data.Erase(ctx, into))
		tags, err = repo.Of(ctx, into)
		require.NoError(t, err)
		require.Empty(t, tags)
		return nil
	})
}

var errTagNotFound = errors.New("tag not found")

func TestTagsAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := customersdb.Tags{}
	found := func(n int64, err error) error {
		if err == nil && n == 0 {
			err = errTagNotFound
		}
		return err
	}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			c, err := newCustomer(ctx)
			if err != nil {
				return "", err
			}
			return c.String(), repo.AssignTags(ctx, c, []string{"VIP"}, ports.TagManual)
		},
		Get: func(ctx context.Context, id string) error {
			tags, err := repo.Of(ctx, uuid.MustParse(id))
			if err == nil {
				counts, cerr := repo.Counts(ctx)
				err = found(int64(len(tags)*len(counts)), cerr)
			}
			return err
		},
		Update: func(ctx context.Context, id string) error {
			missing, err := repo.Missing(ctx, []uuid.UUID{uuid.MustParse(id)})
			if err == nil && len(missing) == 1 {
				return errTagNotFound
			}
			tagged, err := repo.BulkAssign(ctx, []uuid.UUID{uuid.MustParse(id)}, "other", ports.TagManual)
			return found(int64(len(tagged)), err)
		},
		Delete: func(ctx context.Context, id string) error {
			if n, err := repo.Remove(ctx, uuid.MustParse(id), []string{"VIP"}); err != nil || n > 0 {
				return err
			}
			return found(repo.BulkRemove(ctx, []uuid.UUID{uuid.MustParse(id)}, "VIP"))
		},
		NotFound: errTagNotFound,
	})
}
