// Package rewards is the use cases of the points module's reward catalog: admins keep the
// catalog; customers browse it (by category, points range, or only what they may claim) and
// claim rewards, each claim one transaction that decides eligibility and limits, takes stock,
// debits the points through the ledger and issues a voucher, once per client key; store staff
// verify vouchers by code or scanned QR payload and use them; cancelling a voucher gives its
// points and stock back once; an hourly sweep marks vouchers past their expiry expired.
package rewards

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// KeySecret is the name of the brand's voucher signing key among its secrets.
const KeySecret = "rewards.voucher_key"

// Deps are what the service needs.
type Deps struct {
	Tx        ports.Transactor
	Repo      Repository
	Ledger    Ledger
	Facts     FactsReader
	Secrets   Secrets
	Publisher ports.EventPublisher
	Audit     ports.AuditLog
	Jobs      ports.JobScheduler
	Tenants   *tenants.Directory
	Clock     ports.Clock
}

// Service runs the catalog's use cases.
type Service struct {
	deps  Deps
	zones sync.Map // time zone name -> *time.Location
}

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{deps: d}
}

// now is the clock's time at the precision PostgreSQL stores.
func (s *Service) now() time.Time { return s.deps.Clock.Now().UTC().Truncate(time.Microsecond) }

// Location returns the brand's time zone, which limits' periods and vouchers' expiry follow.
func (s *Service) Location(ctx context.Context, tenant tenants.ID) (*time.Location, error) {
	t, err := s.deps.Tenants.Resolve(ctx, tenant.UUID())
	if err != nil {
		return nil, err
	}
	name := t.Timezone
	if name == "" {
		name = tenants.DefaultTimezone
	}
	if loc, ok := s.zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("rewards: brand time zone: %w", err)
	}
	s.zones.Store(name, loc)
	return loc, nil
}

// Create adds a reward to the catalog, audited.
func (s *Service) Create(ctx context.Context, tenant tenants.ID, r rewards.Reward) (View, error) {
	if err := r.Check(); err != nil {
		return View{}, err
	}
	r.ID = uuid.Must(uuid.NewV7())
	r.CreatedAt, r.UpdatedAt = s.now(), s.now()
	v, err := ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (View, error) {
		if err := s.deps.Repo.Insert(ctx, r); err != nil {
			return View{}, err
		}
		return View{Reward: r}, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "reward.create", TargetType: "reward",
			TargetID: r.ID.String(), After: auditView(r)})
	})
	if err != nil {
		return View{}, err
	}
	// The signing key is made with the first reward, by the admin who made it.
	if _, err := s.key(ctx, tenant); err != nil {
		return View{}, err
	}
	return v, nil
}

// Update replaces a reward's fields (its ID, creation and claims stay), audited with before
// and after. Lowering the stock below what was claimed is refused.
func (s *Service) Update(ctx context.Context, tenant tenants.ID, id uuid.UUID, r rewards.Reward) (View, error) {
	if err := r.Check(); err != nil {
		return View{}, err
	}
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (View, error) {
		old, err := s.deps.Repo.Get(ctx, id)
		if err != nil {
			return View{}, err
		}
		r.ID, r.CreatedAt, r.UpdatedAt = id, old.CreatedAt, s.now()
		if err := s.deps.Repo.Update(ctx, r); err != nil {
			return View{}, err
		}
		return View{Reward: r, Claimed: old.Claimed}, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "reward.update",
			TargetType: "reward", TargetID: id.String(), Before: auditView(old.Reward), After: auditView(r)})
	})
}

// auditView is what the audit log keeps of a reward.
func auditView(r rewards.Reward) map[string]any {
	m := map[string]any{"kind": r.Kind, "status": r.Status, "title": r.Title, "category": r.Category, "points": r.Points,
		"cash_fen": r.CashFen, "per_customer": r.PerCustomer, "per_period": r.PerPeriod, "voucher_days": r.VoucherDays,
		"eligibility": r.Eligibility}
	if r.Stock != nil {
		m["stock"] = *r.Stock
	}
	if !r.ValidFrom.IsZero() {
		m["valid_from"] = r.ValidFrom
	}
	if !r.ValidUntil.IsZero() {
		m["valid_until"] = r.ValidUntil
	}
	return m
}

// Get returns a reward of the catalog.
func (s *Service) Get(ctx context.Context, tenant tenants.ID, id uuid.UUID) (View, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (View, error) { return s.deps.Repo.Get(ctx, id) })
}

// List returns a page of the catalog as admins see it.
func (s *Service) List(ctx context.Context, tenant tenants.ID, q Query, page ports.Page) ([]View, error) {
	if err := checkQuery(q); err != nil {
		return nil, err
	}
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]View, error) { return s.deps.Repo.List(ctx, q, page) })
}

// Categories returns the categories of the brand's rewards, most used first.
func (s *Service) Categories(ctx context.Context, tenant tenants.ID) ([]string, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, s.deps.Repo.Categories)
}

func checkQuery(q Query) error {
	var errs []error
	if q.MinPoints < 0 {
		errs = append(errs, fielderr.New("min_points", rewards.ErrNegative))
	}
	if q.MaxPoints < 0 {
		errs = append(errs, fielderr.New("max_points", rewards.ErrNegative))
	}
	if q.MaxPoints > 0 && q.MaxPoints < q.MinPoints {
		errs = append(errs, fielderr.New("max_points", errors.New("at least min_points")))
	}
	if !utf8.ValidString(q.Category+q.Search) || len(q.Category) > 4*rewards.MaxCategory || len(q.Search) > 400 {
		errs = append(errs, fielderr.New("category", rewards.ErrNotText))
	}
	return errors.Join(errs...)
}

// Offer is a reward as a customer browsing sees it: whether they may claim it now, and why not.
type Offer struct {
	View
	// Refusal is why the customer may not claim it now (rewards.ErrIneligible,
	// ErrCustomerLimit, ErrOutOfStock, ...); nil when they may (points aside).
	Refusal error
}

// Browse returns a page of the rewards offered now, for the customer: active and in their
// validity window, with whether the customer may claim each; eligibleOnly leaves out those
// they may not.
func (s *Service) Browse(ctx context.Context, tenant tenants.ID, customer uuid.UUID, q Query, eligibleOnly bool,
	page ports.Page) ([]Offer, error) {
	if err := checkQuery(q); err != nil {
		return nil, err
	}
	facts, err := s.deps.Facts.Facts(ctx, tenant, customer)
	if err != nil {
		return nil, err
	}
	loc, err := s.Location(ctx, tenant)
	if err != nil {
		return nil, err
	}
	now := s.now()
	q.Statuses, q.OpenAt = []rewards.Status{rewards.StatusActive}, now
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]Offer, error) {
		var out []Offer
		for len(out) < page.Limit {
			views, err := s.deps.Repo.List(ctx, q, page)
			if err != nil {
				return nil, err
			}
			for _, v := range views {
				o := Offer{View: v}
				claimed, err := s.claimed(ctx, v.Reward, customer, now, loc)
				if err != nil {
					return nil, err
				}
				o.Refusal = v.Allows(rewards.Claim{Now: now, Facts: facts, Claimed: claimed, Location: loc, Payment: paymentFor(v.Reward)})
				if o.Refusal == nil && v.Left() == 0 {
					o.Refusal = fielderr.New("reward_id", rewards.ErrOutOfStock)
				}
				if eligibleOnly && o.Refusal != nil {
					continue
				}
				out = append(out, o)
			}
			if len(views) < page.Limit || !eligibleOnly {
				break
			}
			page.After = views[len(views)-1].ID.String()
		}
		return out, nil
	})
}

// paymentFor stands in a payment for browsing: whether the customer can pay is the till's.
func paymentFor(r rewards.Reward) string {
	if r.CashFen > 0 {
		return "browsing"
	}
	return ""
}

// claimed counts the customer's claims of r, and those in its limit's current period.
func (s *Service) claimed(ctx context.Context, r rewards.Reward, customer uuid.UUID, now time.Time, loc *time.Location) (rewards.Claimed, error) {
	since := now
	if r.PerPeriod.Count > 0 {
		since = r.PerPeriod.Period.Start(now, loc)
	}
	return s.deps.Repo.Claimed(ctx, customer, r.ID, since)
}

// key returns the brand's voucher signing key, making it the first time (a random 32 bytes,
// sealed among the brand's secrets; concurrent first calls agree on one).
func (s *Service) key(ctx context.Context, tenant tenants.ID) ([]byte, error) {
	v, err := s.deps.Secrets.Reveal(ctx, tenant, KeySecret)
	if errors.Is(err, ports.ErrSecretNotFound) {
		v, err = ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (string, error) {
			if err := s.deps.Repo.LockKey(ctx); err != nil {
				return "", err
			}
			v, err := s.deps.Secrets.RevealInTx(ctx, tenant, KeySecret)
			if !errors.Is(err, ports.ErrSecretNotFound) {
				return v, err
			}
			raw := make([]byte, rewards.MinKeyLen)
			_, _ = rand.Read(raw)
			v = base64.RawStdEncoding.EncodeToString(raw)
			return v, s.deps.Secrets.SetInTx(ctx, tenant, KeySecret, v)
		})
	}
	if err != nil {
		return nil, err
	}
	return []byte(v), nil
}

// QR returns the signed QR payload of a voucher the brand issued.
func (s *Service) QR(ctx context.Context, tenant tenants.ID, v rewards.Voucher) (string, error) {
	key, err := s.key(ctx, tenant)
	if err != nil {
		return "", err
	}
	return rewards.SignQR(key, tenant.UUID(), v.ID, v.Code), nil
}

// digest is what a claim asked, to tell a retry from a reuse of its key.
func digest(parts ...any) []byte {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%v\x00", p)
	}
	return h.Sum(nil)
}
