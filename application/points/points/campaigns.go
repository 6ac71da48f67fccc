package points

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/campaigns"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// CampaignStore keeps the brand's bonus campaigns and their performance, in the caller's
// tenant transaction.
type CampaignStore interface {
	// List returns the brand's campaigns, the latest start first.
	List(ctx context.Context) ([]campaigns.Campaign, error)
	// Get returns one campaign: campaigns.ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (campaigns.Campaign, error)
	// Create stores a new campaign.
	Create(ctx context.Context, c campaigns.Campaign) error
	// Update replaces a campaign that is still scheduled at now: campaigns.ErrNotFound,
	// campaigns.ErrNotScheduled.
	Update(ctx context.Context, c campaigns.Campaign, now time.Time) error
	// Stop stops a campaign not ended nor stopped at now, and returns it:
	// campaigns.ErrNotFound, campaigns.ErrNotStoppable.
	Stop(ctx context.Context, id uuid.UUID, now time.Time, reason string) (campaigns.Campaign, error)
	// Open returns the campaigns not stopped whose window meets [from, to].
	Open(ctx context.Context, from, to time.Time) ([]campaigns.Campaign, error)
	// Lock locks the campaigns' rows, in ID order, and returns them as they are once locked.
	Lock(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]campaigns.Campaign, error)
	// Count adds what an earning gave to the campaigns locked, and stops those it spent.
	Count(ctx context.Context, now time.Time, usage []CampaignUsage) error
}

// CampaignUsage is what one earning transaction gave from one campaign.
type CampaignUsage struct {
	Campaign  uuid.UUID
	Points    int64
	Purchases int64
	SpendFen  int64
	// Customers earned from it (perhaps already participants).
	Customers []uuid.UUID
	// Spent stops the campaign: its budget is issued.
	Spent bool
}

// campaignJSON is what one campaign gave a purchase, kept with its earning: a refund takes its
// share back.
type campaignJSON struct {
	ID     uuid.UUID     `json:"id"`
	Wallet ledger.Wallet `json:"wallet"`
	Points int64         `json:"points"`
}

// LineCampaign is the kind of a breakdown line a campaign gave.
const LineCampaign = "campaign"

// campaignRound is what the campaigns give the purchases of one earning transaction: each
// purchase claims from the campaigns covering it, then the budgets are shared in the order of
// the purchases.
type campaignRound struct {
	s      *Service
	open   []campaigns.Campaign
	claims []campaignClaim
}

type campaignClaim struct {
	campaign int
	purchase Purchase
	ruled    *ruled
	points   int64
}

// campaignRound reads the campaigns open for purchases, and the facts of the customers whose
// campaigns read them into ev.
func (s *Service) campaignRound(ctx context.Context, purchases []Purchase, ev *evaluator) (*campaignRound, error) {
	r := &campaignRound{s: s}
	if s.deps.Campaigns == nil || len(purchases) == 0 {
		return r, nil
	}
	from, to := purchases[0].OccurredAt, purchases[0].OccurredAt
	for _, p := range purchases[1:] {
		from, to = minTime(from, p.OccurredAt), maxTime(to, p.OccurredAt)
	}
	open, err := s.deps.Campaigns.Open(ctx, from, to)
	if err != nil || len(open) == 0 {
		return r, err
	}
	known := ev.settings.Keys()
	r.open = slices.DeleteFunc(open, func(c campaigns.Campaign) bool { return !slices.Contains(known, c.Wallet) })
	var who []uuid.UUID
	for _, p := range purchases {
		for _, c := range r.open {
			if c.Covers(p.OccurredAt) && c.When.NeedsCustomer() && !slices.Contains(who, p.Customer) {
				who = append(who, p.Customer)
			}
		}
	}
	return r, s.loadFacts(ctx, ev, who)
}

// claim notes what each campaign covering p offers it beside the rules' points r.
func (cr *campaignRound) claim(ev *evaluator, p Purchase, r *ruled) {
	for i, c := range cr.open {
		if !c.Covers(p.OccurredAt) {
			continue
		}
		if points, unmet := r.set.Extra(c.Offer(), rulePurchase(p), ev.facts[p.Customer], ev.loc); unmet == "" && points > 0 {
			cr.claims = append(cr.claims, campaignClaim{campaign: i, purchase: p, ruled: r, points: points})
		}
	}
}

// issue locks the campaigns claimed from, shares what budget each has left among its claims in
// order, adds what it gave to the purchases' results and details, and counts it; a campaign it
// spent stops, publishing points.campaign_stopped.
func (cr *campaignRound) issue(ctx context.Context) error {
	if len(cr.claims) == 0 {
		return nil
	}
	var ids []uuid.UUID
	for _, cl := range cr.claims {
		if id := cr.open[cl.campaign].ID; !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	locked, err := cr.s.deps.Campaigns.Lock(ctx, ids)
	if err != nil {
		return err
	}
	var usage []CampaignUsage
	var spent []campaigns.StoppedEvent
	now := cr.s.deps.Clock.Now()
	for i, c := range cr.open {
		current, ok := locked[c.ID]
		if !ok {
			continue
		}
		mine, wants := cr.claimsOf(i)
		left := current.Left()
		u := CampaignUsage{Campaign: c.ID}
		for j, given := range campaigns.Allot(wants, left) {
			if given == 0 {
				continue
			}
			cl := mine[j]
			cl.ruled.addCampaign(c, given)
			u.Points += given
			u.Purchases++
			u.SpendFen += cl.purchase.AmountFen
			if !slices.Contains(u.Customers, cl.purchase.Customer) {
				u.Customers = append(u.Customers, cl.purchase.Customer)
			}
		}
		u.Spent = left > 0 && u.Points == left
		if u.Points > 0 {
			usage = append(usage, u)
		}
		if u.Spent {
			spent = append(spent, current.Stopped(now, campaigns.StoppedBudget, current.Budget))
		}
	}
	if len(usage) == 0 {
		return nil
	}
	if err := cr.s.deps.Campaigns.Count(ctx, now, usage); err != nil {
		return err
	}
	for _, e := range spent {
		if err := cr.s.deps.Publisher.Publish(ctx, ledger.TypeCampaignStopped, e); err != nil {
			return err
		}
	}
	return nil
}

// claimsOf returns the claims on campaign i, in purchase order, and the points each claims.
func (cr *campaignRound) claimsOf(i int) ([]*campaignClaim, []int64) {
	var mine []*campaignClaim
	var wants []int64
	for j := range cr.claims {
		if cr.claims[j].campaign == i {
			mine, wants = append(mine, &cr.claims[j]), append(wants, cr.claims[j].points)
		}
	}
	return mine, wants
}

// preview adds what each campaign claimed from would give, within the budget it has left,
// without locking or counting anything: the simulator's answer.
func (cr *campaignRound) preview() {
	for i, c := range cr.open {
		mine, wants := cr.claimsOf(i)
		for j, given := range campaigns.Allot(wants, c.Left()) {
			if given > 0 {
				mine[j].ruled.addCampaign(c, given)
			}
		}
	}
}

// addCampaign adds what campaign c gave to the purchase's result, its breakdown and details.
func (r *ruled) addCampaign(c campaigns.Campaign, points int64) {
	i := slices.IndexFunc(r.result.Wallets, func(e rules.Earned) bool { return e.Wallet == c.Wallet })
	if i < 0 {
		r.result.Wallets = append(r.result.Wallets, rules.Earned{Wallet: c.Wallet})
		i = len(r.result.Wallets) - 1
	}
	r.result.Wallets[i].Points += points
	key := "campaign:" + c.ID.String()
	r.result.Lines = append(r.result.Lines, rules.Line{Rule: key, Title: c.Name, Wallet: c.Wallet, Kind: LineCampaign,
		Outcome: rules.Applied, Points: points})
	r.details.Lines = append(r.details.Lines, lineJSON{Rule: key, Wallet: c.Wallet, Kind: LineCampaign, Points: points})
	r.details.Campaigns = append(r.details.Campaigns, campaignJSON{ID: c.ID, Wallet: c.Wallet, Points: points})
}

// campaignsKept is what the campaigns gave a purchase with details, per wallet, had its amount
// been amountFen: their points in the share kept, rounded down.
func campaignsKept(d purchaseDetails, amountFen int64) map[ledger.Wallet]int64 {
	out := map[ledger.Wallet]int64{}
	for _, c := range d.Campaigns {
		out[c.Wallet] += share(c.Points, amountFen, d.AmountFen)
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Campaigns returns the brand's campaigns, the latest start first.
func (s *Service) Campaigns(ctx context.Context, tenant tenants.ID) ([]campaigns.Campaign, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]campaigns.Campaign, error) {
		return s.deps.Campaigns.List(ctx)
	})
}

// Campaign returns one campaign with its performance: campaigns.ErrNotFound.
func (s *Service) Campaign(ctx context.Context, tenant tenants.ID, id uuid.UUID) (campaigns.Campaign, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (campaigns.Campaign, error) {
		return s.deps.Campaigns.Get(ctx, id)
	})
}

// CreateCampaign stores a new campaign starting after now, audited. Fields at fault are
// *fielderr.Error, joined.
func (s *Service) CreateCampaign(ctx context.Context, tenant tenants.ID, c campaigns.Campaign) (campaigns.Campaign, error) {
	c.ID = uuid.New()
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (campaigns.Campaign, error) {
		if err := s.checkCampaign(ctx, &c); err != nil {
			return campaigns.Campaign{}, err
		}
		if err := s.deps.Campaigns.Create(ctx, c); err != nil {
			return campaigns.Campaign{}, err
		}
		stored, err := s.deps.Campaigns.Get(ctx, c.ID)
		if err != nil {
			return stored, err
		}
		return stored, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_campaign.create", TargetType: "points_campaign",
			TargetID: c.ID.String(), After: campaignAudit(stored)})
	})
}

// UpdateCampaign replaces a campaign still scheduled, audited: campaigns.ErrNotFound,
// campaigns.ErrNotScheduled, fields at fault.
func (s *Service) UpdateCampaign(ctx context.Context, tenant tenants.ID, c campaigns.Campaign) (campaigns.Campaign, error) {
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (campaigns.Campaign, error) {
		before, err := s.deps.Campaigns.Get(ctx, c.ID)
		if err != nil {
			return before, err
		}
		if before.StateAt(s.deps.Clock.Now()) != campaigns.Scheduled {
			return before, campaigns.ErrNotScheduled
		}
		if err := s.checkCampaign(ctx, &c); err != nil {
			return campaigns.Campaign{}, err
		}
		if err := s.deps.Campaigns.Update(ctx, c, s.deps.Clock.Now()); err != nil {
			return campaigns.Campaign{}, err
		}
		stored, err := s.deps.Campaigns.Get(ctx, c.ID)
		if err != nil {
			return stored, err
		}
		return stored, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_campaign.update", TargetType: "points_campaign",
			TargetID: c.ID.String(), Before: campaignAudit(before), After: campaignAudit(stored)})
	})
}

// StopCampaign stops a campaign by hand, audited, publishing points.campaign_stopped: what it
// issued stays with the customers.
func (s *Service) StopCampaign(ctx context.Context, tenant tenants.ID, id uuid.UUID) (campaigns.Campaign, error) {
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (campaigns.Campaign, error) {
		stopped, err := s.deps.Campaigns.Stop(ctx, id, s.deps.Clock.Now(), campaigns.StoppedByHand)
		if err != nil {
			return stopped, err
		}
		if err := s.deps.Publisher.Publish(ctx, ledger.TypeCampaignStopped,
			stopped.Stopped(*stopped.StoppedAt, campaigns.StoppedByHand, stopped.Issued)); err != nil {
			return stopped, err
		}
		return stopped, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "points_campaign.stop", TargetType: "points_campaign",
			TargetID: id.String(), After: campaignAudit(stopped)})
	})
}

// checkCampaign checks c against the brand's wallets and the store categories of the rules in
// effect at its start; it must start after now.
func (s *Service) checkCampaign(ctx context.Context, c *campaigns.Campaign) error {
	c.StartsAt, c.EndsAt = c.StartsAt.Truncate(time.Microsecond), c.EndsAt.Truncate(time.Microsecond)
	settings, err := s.deps.Programs.Settings(ctx)
	if err != nil {
		return err
	}
	versions, err := s.versions(ctx)
	if err != nil {
		return err
	}
	set, _ := setAt(versions, settings, c.StartsAt)
	var keys []string
	for _, sc := range set.StoreCategories {
		keys = append(keys, sc.Key)
	}
	errs := []error{c.Check(settings.Keys(), keys)}
	if !c.StartsAt.IsZero() && !c.StartsAt.After(s.deps.Clock.Now()) {
		errs = append(errs, fielderr.Errorf("starts_at", "after now"))
	}
	return errors.Join(errs...)
}

func campaignAudit(c campaigns.Campaign) map[string]any {
	return map[string]any{"name": c.Name.ZH, "wallet": c.Wallet, "starts_at": c.StartsAt, "ends_at": c.EndsAt, "kind": c.Kind,
		"percent": c.Percent, "points": c.Points, "budget": c.Budget, "issued": c.Issued, "stop_reason": c.StopReason}
}

// MyCampaigns returns the campaigns running now whose conditions on the customer (segments,
// attribute, birthday) hold for them, soonest ending first, and the language they read (see
// MyRules).
func (s *Service) MyCampaigns(ctx context.Context, tenant tenants.ID, customer uuid.UUID, lang string) ([]campaigns.Campaign, string, error) {
	lang, err := s.memberLang(ctx, tenant, customer, lang)
	if err != nil {
		return nil, "", err
	}
	mine, err := ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]campaigns.Campaign, error) {
		now := s.deps.Clock.Now()
		open, err := s.deps.Campaigns.Open(ctx, now, now)
		if err != nil {
			return nil, err
		}
		loc, err := s.location(ctx)
		if err != nil {
			return nil, err
		}
		var facts rules.Customer
		if slices.ContainsFunc(open, func(c campaigns.Campaign) bool { return c.When.NeedsCustomer() }) && s.deps.Facts != nil {
			all, err := s.deps.Facts.Facts(ctx, []uuid.UUID{customer})
			if err != nil {
				return nil, err
			}
			facts = all[customer]
		}
		out := slices.DeleteFunc(open, func(c campaigns.Campaign) bool {
			return c.StateAt(now) != campaigns.Running || !c.When.HoldFor(facts, now, loc)
		})
		slices.SortStableFunc(out, func(a, b campaigns.Campaign) int { return a.EndsAt.Compare(b.EndsAt) })
		return out, nil
	})
	return mine, lang, err
}

// Now is the time by the service's clock: what campaigns' states are read at.
func (s *Service) Now() time.Time { return s.deps.Clock.Now() }
