package pointsdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/fraud"
	"github.com/engagehq/engage/ports"
)

// Another brand can neither read, list nor decide a brand's fraud flag, nor count its activity.
func TestFraudFlagsAreIsolated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	repo := pointsdb.Fraud{}
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			c := uuid.New()
			f := points.Flag{ID: uuid.Must(uuid.NewV7()), Key: "earn:" + uuid.NewString(), Kind: points.FlagKind(fraud.Earn), Customer: c,
				Reasons: []fraud.Reason{{Code: fraud.ReasonVelocity, Max: 2, Actual: 3}}, Status: points.FlagPending, CreatedAt: time.Now()}
			if _, _, err := repo.InsertFlag(ctx, f); err != nil {
				return "", err
			}
			return f.ID.String(), repo.Count(ctx, []points.FraudRow{{Kind: fraud.Earn, Key: fraud.Key{Subject: fraud.Store, Value: "SH01"},
				Customer: c, Points: 10, At: time.Now()}})
		},
		Get: func(ctx context.Context, id string) error {
			_, err := repo.Flag(ctx, uuid.MustParse(id))
			fs, lerr := repo.Flags(ctx, points.FlagQuery{}, ports.Page{Limit: 10})
			require.NoError(t, lerr)
			totals, terr := repo.Totals(ctx, []fraud.Query{{Kind: fraud.Earn, Key: fraud.Key{Subject: fraud.Store, Value: "SH01"},
				Since: time.Now().Add(-time.Hour), Until: time.Now().Add(time.Hour)}})
			require.NoError(t, terr)
			require.Equal(t, err == nil, len(fs) == 1)
			require.Equal(t, err == nil, totals[0].Count == 1, "only the brand counts its own activity")
			return err
		},
		Update: func(ctx context.Context, id string) error {
			if _, err := repo.LockFlag(ctx, uuid.MustParse(id)); err != nil {
				return err
			}
			return repo.DecideFlag(ctx, points.Flag{ID: uuid.MustParse(id), Status: points.FlagRejected, DecidedAt: time.Now(),
				DecisionReason: "other"})
		},
		NotFound: points.ErrFlagNotFound,
	})
}
