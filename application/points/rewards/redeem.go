package rewards

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// MaxKey bounds a client's key of a claim, and a payment reference, in characters.
const MaxKey = 100

// Claim is a customer's request for one of a reward.
type Claim struct {
	Customer uuid.UUID
	Reward   uuid.UUID
	// Key is the client's ID of the request: the same key (per customer) is the same claim,
	// done once.
	Key string
	// PaymentReference is the partner's reference of the cash part of a points + cash reward.
	PaymentReference string
}

// Claimed is what a claim did: the redemption, its voucher, the points it took and the
// balances after. Replayed says a retry found the claim made before, whose outcome this is.
type Claimed struct {
	Redemption Redemption
	Voucher    Issued
	Points     points.Outcome
	Replayed   bool
}

// orderOf is the order a claim's points are spent on in the ledger: cancelling returns them.
func orderOf(redemption uuid.UUID) string { return "reward:" + redemption.String() }

func checkKey(field, s string, required bool) error {
	switch {
	case s == "" && required:
		return fielderr.New(field, rewards.ErrRequired)
	case !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxKey || strings.ContainsFunc(s, unicode.IsControl):
		return fielderr.New(field, fmt.Errorf("at most %d characters of text", MaxKey))
	}
	return nil
}

// Redeem claims one of a reward for the customer, in one transaction: it locks the customer's
// points (so one customer's claims happen one after the other), replays an earlier claim under
// the same key, decides availability, eligibility and limits, takes stock with a conditional
// update (so claims of many customers never take more than there is), debits the points
// through the ledger, issues the voucher and publishes reward.claimed. Any refusal changes
// nothing: rewards.ErrUnavailable, ErrNotYetOpen, ErrEnded, ErrIneligible, ErrCustomerLimit,
// ErrPeriodLimit, ErrOutOfStock, ErrPaymentRequired, ErrNoCash; ledger.ErrInsufficient;
// ErrRewardNotFound, ports.ErrCustomerNotFound; ErrKeyReused for a key of another claim.
func (s *Service) Redeem(ctx context.Context, tenant tenants.ID, c Claim) (Claimed, error) {
	c.PaymentReference = strings.TrimSpace(c.PaymentReference)
	if err := errors.Join(checkKey("key", c.Key, true), checkKey("payment_reference", c.PaymentReference, false)); err != nil {
		return Claimed{}, err
	}
	facts, err := s.deps.Facts.Facts(ctx, tenant, c.Customer)
	if err != nil {
		return Claimed{}, err
	}
	loc, err := s.Location(ctx, tenant)
	if err != nil {
		return Claimed{}, err
	}
	fp := digest("claim", c.Reward, c.PaymentReference)
	for attempt := 0; ; attempt++ {
		out, err := ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Claimed, error) {
			return s.redeemIn(ctx, c, fp, facts, loc)
		})
		// A key or code taken concurrently, or a lost deadlock, spoils the transaction: once
		// more finds the first claim or gets past it.
		if (errors.Is(err, points.ErrKeyTaken) || errors.Is(err, ErrCodeTaken) || errors.Is(err, ports.ErrTxConflict)) && attempt < 2 {
			continue
		}
		return out, s.deps.Ledger.RaiseHeld(ctx, tenant, err)
	}
}

func (s *Service) redeemIn(ctx context.Context, c Claim, fp []byte, facts rewards.Facts, loc *time.Location) (Claimed, error) {
	if err := s.deps.Ledger.LockIn(ctx, c.Customer); err != nil {
		return Claimed{}, err
	}
	prev, ok, err := s.deps.Repo.RedemptionByKey(ctx, c.Customer, c.Key)
	if err != nil {
		return Claimed{}, err
	}
	if ok {
		if string(prev.Fingerprint) != string(fp) {
			return Claimed{}, fielderr.New("key", ErrKeyReused)
		}
		v, err := s.deps.Repo.VoucherOf(ctx, prev.ID)
		if err != nil {
			return Claimed{}, err
		}
		return Claimed{Redemption: prev, Voucher: v, Replayed: true}, nil
	}
	r, err := s.deps.Repo.Get(ctx, c.Reward)
	if errors.Is(err, ErrRewardNotFound) {
		return Claimed{}, fielderr.New("reward_id", err)
	}
	if err != nil {
		return Claimed{}, err
	}
	now := s.now()
	claimed, err := s.claimed(ctx, r.Reward, c.Customer, now, loc)
	if err != nil {
		return Claimed{}, err
	}
	if err := r.Allows(rewards.Claim{Now: now, Facts: facts, Claimed: claimed, Payment: c.PaymentReference, Location: loc}); err != nil {
		return Claimed{}, err
	}
	took, err := s.deps.Repo.TakeStock(ctx, r.ID)
	if err != nil {
		return Claimed{}, err
	}
	if !took {
		return Claimed{}, fielderr.New("reward_id", rewards.ErrOutOfStock)
	}
	actor := ports.ActorFrom(ctx)
	red := Redemption{ID: uuid.Must(uuid.NewV7()), RewardID: r.ID, Customer: c.Customer, Key: c.Key, Fingerprint: fp,
		Points: r.Points, CashFen: r.CashFen, PaymentReference: c.PaymentReference, ActorKind: string(actor.Kind), ActorID: actor.ID,
		CreatedAt: now}
	out, err := s.deps.Ledger.RedeemIn(ctx, points.Redemption{Customer: c.Customer, Points: r.Points, Reference: orderOf(red.ID),
		OrderID: orderOf(red.ID)})
	if err != nil {
		return Claimed{}, err
	}
	red.OperationID = out.OperationID
	v := rewards.Voucher{ID: uuid.Must(uuid.NewV7()), RedemptionID: red.ID, RewardID: r.ID, Customer: c.Customer,
		Code: rewards.NewCode(), State: rewards.StateIssued, IssuedAt: now, ExpiresAt: r.VoucherExpiry(now, loc)}
	if err := s.deps.Repo.InsertRedemption(ctx, red, v); err != nil {
		return Claimed{}, err
	}
	if err := s.deps.Publisher.Publish(ctx, rewards.TypeClaimed, eventOf(v, red, now)); err != nil {
		return Claimed{}, err
	}
	return Claimed{Redemption: red, Voucher: Issued{Voucher: v, Redemption: red, Title: r.Title, Kind: r.Kind, Images: r.Images},
		Points: out}, nil
}

// eventOf is the data of a voucher's event at now.
func eventOf(v rewards.Voucher, r Redemption, now time.Time) rewards.VoucherEvent {
	return rewards.VoucherEvent{CustomerID: v.Customer, RewardID: v.RewardID, RedemptionID: v.RedemptionID, VoucherID: v.ID,
		Points: r.Points, CashFen: r.CashFen, State: v.State, ExpiresAt: v.ExpiresAt, Store: v.Store, Reason: v.Reason, OccurredAt: now}
}
