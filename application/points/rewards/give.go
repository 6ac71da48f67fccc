package rewards

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Gift is a reward another module gives a customer free (a tier's entry reward or birthday
// gift): a voucher issued without points, once per key.
type Gift struct {
	Customer uuid.UUID
	Reward   uuid.UUID
	// Key makes it once per customer (the giver's own key, e.g. tier:<benefit>:entry:2026-01-01).
	Key string
}

// GiveIn issues the customer a voucher of the reward without charging points, in the caller's
// tenant transaction (another module's job, e.g. the tiers module's subscriber to its benefits'
// rewards): the customer's points are locked first (as for every claim), a key given before
// answers its first voucher, stock is taken (false when there is none left: nothing given),
// and reward.claimed is published. Availability, eligibility and limits are the giver's: only an
// archived reward is refused (rewards.ErrUnavailable; ErrRewardNotFound for an unknown one).
func (s *Service) GiveIn(ctx context.Context, tenant tenants.ID, g Gift) (Issued, bool, error) {
	if err := checkKey("key", g.Key, true); err != nil {
		return Issued{}, false, err
	}
	loc, err := s.Location(ctx, tenant)
	if err != nil {
		return Issued{}, false, err
	}
	return s.giveIn(ctx, g, digest("gift", g.Reward), loc)
}

func (s *Service) giveIn(ctx context.Context, g Gift, fp []byte, loc *time.Location) (Issued, bool, error) {
	if err := s.deps.Ledger.LockIn(ctx, g.Customer); err != nil {
		return Issued{}, false, err
	}
	prev, ok, err := s.deps.Repo.RedemptionByKey(ctx, g.Customer, g.Key)
	if err != nil {
		return Issued{}, false, err
	}
	if ok {
		if string(prev.Fingerprint) != string(fp) {
			return Issued{}, false, ErrKeyReused
		}
		v, err := s.deps.Repo.VoucherOf(ctx, prev.ID)
		return v, true, err
	}
	r, err := s.deps.Repo.Get(ctx, g.Reward)
	if err != nil {
		return Issued{}, false, err
	}
	if r.Status == rewards.StatusArchived {
		return Issued{}, false, rewards.ErrUnavailable
	}
	took, err := s.deps.Repo.TakeStock(ctx, r.ID)
	if err != nil || !took {
		return Issued{}, false, err
	}
	now, actor := s.now(), ports.ActorFrom(ctx)
	red := Redemption{ID: uuid.Must(uuid.NewV7()), RewardID: r.ID, Customer: g.Customer, Key: g.Key, Fingerprint: fp,
		ActorKind: string(actor.Kind), ActorID: actor.ID, CreatedAt: now}
	v := rewards.Voucher{ID: uuid.Must(uuid.NewV7()), RedemptionID: red.ID, RewardID: r.ID, Customer: g.Customer,
		Code: rewards.NewCode(), State: rewards.StateIssued, IssuedAt: now, ExpiresAt: r.VoucherExpiry(now, loc)}
	if err := s.deps.Repo.InsertRedemption(ctx, red, v); err != nil {
		return Issued{}, false, err
	}
	if err := s.deps.Publisher.Publish(ctx, rewards.TypeClaimed, eventOf(v, red, now)); err != nil {
		return Issued{}, false, err
	}
	return Issued{Voucher: v, Redemption: red, Title: r.Title, Kind: r.Kind, Images: r.Images}, true, nil
}
