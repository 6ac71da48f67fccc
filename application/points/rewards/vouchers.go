package rewards

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Find names a voucher as staff do: by its code as typed or by the payload of its scanned QR
// code (one of them).
type Find struct {
	Code string
	QR   string
}

// find returns the voucher Find names, locked when lock. A code that cannot be one, a payload
// that is not the brand's or is forged, and a voucher the brand did not issue are
// ErrVoucherNotFound at the field given.
func (s *Service) find(ctx context.Context, tenant tenants.ID, f Find, key []byte, lock bool) (Issued, error) {
	switch {
	case f.Code != "" && f.QR != "", f.Code == "" && f.QR == "":
		return Issued{}, fielderr.New("code", errors.New("give the code or the QR payload, one of them"))
	case f.Code != "":
		code := rewards.NormalizeCode(f.Code)
		if code == "" {
			return Issued{}, fielderr.New("code", ErrVoucherNotFound)
		}
		v, err := s.deps.Repo.VoucherByCode(ctx, code, lock)
		if errors.Is(err, ErrVoucherNotFound) {
			return Issued{}, fielderr.New("code", err)
		}
		return v, err
	}
	id, err := rewards.ParseQR(f.QR)
	if err != nil {
		return Issued{}, fielderr.New("qr", ErrVoucherNotFound)
	}
	v, err := s.deps.Repo.Voucher(ctx, id, lock)
	if errors.Is(err, ErrVoucherNotFound) || (err == nil && !rewards.VerifyQR(key, tenant.UUID(), v.ID, v.Code, f.QR)) {
		return Issued{}, fielderr.New("qr", ErrVoucherNotFound)
	}
	return v, err
}

// Verify returns the voucher a code or scanned payload names, with its state now, for staff to
// check before using it.
func (s *Service) Verify(ctx context.Context, tenant tenants.ID, f Find) (Issued, error) {
	key, err := s.keyFor(ctx, tenant, f)
	if err != nil {
		return Issued{}, err
	}
	v, err := ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Issued, error) { return s.find(ctx, tenant, f, key, false) })
	if err != nil {
		return Issued{}, err
	}
	v.State = v.StateAt(s.now())
	return v, nil
}

// keyFor is the signing key when f names a QR payload.
func (s *Service) keyFor(ctx context.Context, tenant tenants.ID, f Find) ([]byte, error) {
	if f.QR == "" {
		return nil, nil
	}
	return s.key(ctx, tenant)
}

// MaxStore bounds a store's code, MaxReason a cancellation's reason, in characters.
const (
	MaxStore  = 100
	MaxReason = 200
)

// Use marks the voucher a code or scanned payload names used, at store, publishing
// voucher.used. A voucher used, expired or cancelled is refused (rewards.ErrVoucherUsed,
// ErrVoucherExpired, ErrVoucherCancelled) and changes nothing; of two staff using one voucher at
// once, one succeeds.
func (s *Service) Use(ctx context.Context, tenant tenants.ID, f Find, store string) (Issued, error) {
	store = strings.TrimSpace(store)
	if err := checkKey("store", store, false); err != nil || utf8.RuneCountInString(store) > MaxStore {
		return Issued{}, fielderr.New("store", rewards.ErrTooLong)
	}
	key, err := s.keyFor(ctx, tenant, f)
	if err != nil {
		return Issued{}, err
	}
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Issued, error) {
		v, err := s.find(ctx, tenant, f, key, true)
		if err != nil {
			return Issued{}, err
		}
		now := s.now()
		if err := v.Usable(now); err != nil {
			return Issued{}, fielderr.New("voucher", err)
		}
		actor := ports.ActorFrom(ctx)
		v.State, v.UsedAt, v.UsedBy, v.Store = rewards.StateUsed, now, string(actor.Kind)+":"+actor.ID, store
		if err := s.deps.Repo.SaveVoucher(ctx, v.Voucher); err != nil {
			return Issued{}, err
		}
		if err := s.deps.Publisher.Publish(ctx, rewards.TypeUsed, eventOf(v.Voucher, v.Redemption, now)); err != nil {
			return Issued{}, err
		}
		return v, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "voucher.use", TargetType: "voucher", TargetID: v.ID.String(),
			After: map[string]any{"code": v.Code, "store": store, "reward_id": v.RewardID, "customer_id": v.Customer}})
	})
}

// Cancelled is what a cancellation did: the voucher, and the points given back (none when
// Replayed: it was cancelled before, and gave them back then).
type Cancelled struct {
	Voucher  Issued
	Points   points.Outcome
	Replayed bool
}

// Cancel withdraws an issued voucher: its points come back (as lots with the expiry they had)
// and its stock, once; cancelling it again answers with the cancelled voucher and gives
// nothing more. A voucher used or expired is refused. Audited, published as voucher.cancelled.
func (s *Service) Cancel(ctx context.Context, tenant tenants.ID, id uuid.UUID, reason string) (Cancelled, error) {
	reason = strings.TrimSpace(reason)
	if err := checkKey("reason", reason, false); err != nil || utf8.RuneCountInString(reason) > MaxReason {
		return Cancelled{}, fielderr.New("reason", rewards.ErrTooLong)
	}
	for attempt := 0; ; attempt++ {
		out, err := ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Cancelled, error) {
			return s.cancelIn(ctx, id, reason)
		})
		if errors.Is(err, ports.ErrTxConflict) && attempt < 2 {
			continue
		}
		return out, err
	}
}

func (s *Service) cancelIn(ctx context.Context, id uuid.UUID, reason string) (Cancelled, error) {
	v, err := s.deps.Repo.Voucher(ctx, id, false)
	if err != nil {
		return Cancelled{}, err
	}
	// The customer's points first, as every change to them: then the voucher.
	if err := s.deps.Ledger.LockIn(ctx, v.Customer); err != nil {
		return Cancelled{}, err
	}
	if v, err = s.deps.Repo.Voucher(ctx, id, true); err != nil {
		return Cancelled{}, err
	}
	if v.State == rewards.StateCancelled {
		return Cancelled{Voucher: v, Replayed: true}, nil
	}
	now := s.now()
	if err := v.Usable(now); err != nil {
		return Cancelled{}, fielderr.New("voucher", err)
	}
	var out points.Outcome
	// A gift (Give) took no points: there are none to return.
	if v.Redemption.Points > 0 {
		if out, err = s.deps.Ledger.ReturnIn(ctx, points.Return{Customer: v.Customer, OrderID: orderOf(v.RedemptionID),
			Reference: "cancel:" + orderOf(v.RedemptionID), Reason: "cancellation"}); err != nil {
			return Cancelled{}, err
		}
	}
	if err := s.deps.Repo.ReturnStock(ctx, v.RewardID); err != nil {
		return Cancelled{}, err
	}
	v.State, v.CancelledAt, v.Reason = rewards.StateCancelled, now, reason
	if err := s.deps.Repo.SaveVoucher(ctx, v.Voucher); err != nil {
		return Cancelled{}, err
	}
	if err := s.deps.Publisher.Publish(ctx, rewards.TypeCancelled, eventOf(v.Voucher, v.Redemption, now)); err != nil {
		return Cancelled{}, err
	}
	return Cancelled{Voucher: v, Points: out}, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "voucher.cancel",
		TargetType: "voucher", TargetID: v.ID.String(), Reason: reason,
		After: map[string]any{"code": v.Code, "reward_id": v.RewardID, "customer_id": v.Customer, "points_returned": v.Redemption.Points}})
}

// Vouchers returns a page of vouchers, newest first, each with its state now (usage history).
func (s *Service) Vouchers(ctx context.Context, tenant tenants.ID, q VoucherQuery, page ports.Page) ([]Issued, error) {
	if q.Code != "" {
		if q.Code = rewards.NormalizeCode(q.Code); q.Code == "" {
			return nil, nil
		}
	}
	q.Now = s.now()
	vs, err := ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]Issued, error) {
		return s.deps.Repo.Vouchers(ctx, q, page)
	})
	for i := range vs {
		vs[i].State = vs[i].StateAt(q.Now)
	}
	return vs, err
}

// Voucher returns one voucher with its state now.
func (s *Service) Voucher(ctx context.Context, tenant tenants.ID, id uuid.UUID) (Issued, error) {
	v, err := ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (Issued, error) { return s.deps.Repo.Voucher(ctx, id, false) })
	v.State = v.StateAt(s.now())
	return v, err
}
