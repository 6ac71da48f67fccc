package pointsdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	"github.com/engagehq/engage/domain/points/campaigns"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// Another brand can neither read, change nor stop a brand's campaign.
func TestAnotherBrandCannotReachTheCampaigns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			c := campaigns.Campaign{ID: uuid.New(), Name: rules.Text{ZH: "双倍", EN: "Double"}, Wallet: ledger.Points,
				StartsAt: ahead, EndsAt: ahead.Add(time.Hour), Kind: rules.KindBonus, Points: 5, Budget: 100}
			return c.ID.String(), pointsdb.Campaigns{}.Create(ctx, c)
		},
		Get: func(ctx context.Context, id string) error {
			_, err := pointsdb.Campaigns{}.Get(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			c := campaigns.Campaign{ID: uuid.MustParse(id), Name: rules.Text{ZH: "改", EN: "Changed"}, Wallet: ledger.Points,
				StartsAt: ahead, EndsAt: ahead.Add(time.Hour), Kind: rules.KindBonus, Points: 5, Budget: 100}
			if err := (pointsdb.Campaigns{}).Update(ctx, c, time.Now()); err != nil {
				return campaigns.ErrNotFound
			}
			return nil
		},
		Delete: func(ctx context.Context, id string) error {
			_, err := pointsdb.Campaigns{}.Stop(ctx, uuid.MustParse(id), time.Now(), campaigns.StoppedByHand)
			return err
		},
		NotFound: campaigns.ErrNotFound,
	})
}
