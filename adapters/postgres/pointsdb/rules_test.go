package pointsdb_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

var ahead = time.Now().Add(24 * time.Hour)

func version() rules.Version {
	return rules.Version{EffectiveAt: ahead, CreatedBy: "test", Set: rules.Set{Rules: []rules.Rule{{Key: "base",
		Title: rules.Text{ZH: "消费积分", EN: "Points"}, Wallet: ledger.Points, Kind: rules.KindBase, Points: 1, PerFen: 100}}}}
}

// Another brand can neither read, withdraw nor replace a brand's rule version.
func TestAnotherBrandCannotReachTheRuleVersions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			v, err := pointsdb.Rules{}.Add(ctx, version())
			return strconv.Itoa(v.Number), err
		},
		Get: func(ctx context.Context, n string) error {
			vs, err := pointsdb.Rules{}.Versions(ctx)
			if err == nil && len(vs) == 0 {
				err = points.ErrVersionNotFound
			}
			return err
		},
		Update: func(ctx context.Context, n string) error {
			number, _ := strconv.Atoi(n)
			return pointsdb.Rules{}.Withdraw(ctx, number, time.Now())
		},
		Delete: func(ctx context.Context, n string) error {
			number, _ := strconv.Atoi(n)
			return pointsdb.Rules{}.Withdraw(ctx, number, time.Now())
		},
		NotFound: points.ErrVersionNotFound,
	})
}

// Versions never change for the application role; a version's rules round-trip; the day's
// earnings count purchase lots only.
func TestRuleVersionsAreImmutableAndRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	ctx := context.Background()
	var customer uuid.UUID
	require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		v, err := pointsdb.Rules{}.Add(ctx, version())
		require.NoError(t, err)
		require.Equal(t, 1, v.Number)
		return nil
	}))
	require.ErrorIs(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		_, err := pointsdb.Rules{}.Add(ctx, version())
		return err
	}), points.ErrEffectiveTaken)
	require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		vs, err := pointsdb.Rules{}.Versions(ctx)
		require.NoError(t, err)
		require.Len(t, vs, 1)
		require.Equal(t, version().Set, vs[0].Set)
		if customer, err = newCustomer(ctx); err != nil {
			return err
		}
		_, err = credit(ctx, customer, 10, "")
		return err
	}))
	for _, stmt := range []string{`UPDATE points_rule_versions SET rules = '{}'`, `UPDATE points_rule_versions SET effective_at = now()`,
		`DELETE FROM points_rule_versions`} {
		err := b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			q, _, err := postgres.TenantTx(ctx)
			require.NoError(t, err)
			_, err = q.Exec(ctx, stmt)
			return err
		})
		require.ErrorContains(t, err, "permission denied", stmt)
	}
	require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
		day := time.Now().Add(-24 * time.Hour)
		earned, err := pointsdb.Rules{}.EarnedOn(ctx, []points.DaySpan{{Customer: customer, From: day, To: day.Add(48 * time.Hour)}})
		require.NoError(t, err)
		require.Empty(t, earned[0], "an adjustment is no purchase")
		return nil
	}))
}
