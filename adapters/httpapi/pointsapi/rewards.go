package pointsapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/qrpng"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	domain "github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/ports"
)

// WithRewards adds the reward catalog's operations over svc (nil for the OpenAPI document).
func (m *Module) WithRewards(svc *rewards.Service) *Module {
	m.rewards = svc
	return m
}

// TextBody is a text in Chinese and English.
type TextBody struct {
	ZH string `json:"zh" maxLength:"2000" doc:"Simplified Chinese"`
	EN string `json:"en" maxLength:"2000" doc:"English"`
}

// LimitBody bounds a customer's claims in a period.
type LimitBody struct {
	Count  int    `json:"count" minimum:"0" maximum:"1000" doc:"At most this many claims per customer in each period; 0 for no limit"`
	Period string `json:"period,omitempty" enum:"day,week,month" doc:"Days, weeks (from Monday) or months of the brand's time zone; required with a count"`
}

// ConditionBody asks a customer attribute to be one of values.
type ConditionBody struct {
	Attribute string   `json:"attribute" minLength:"1" maxLength:"40" example:"tier" doc:"A customer attribute key. Tiers come with their own module; until then a tier requirement is the attribute tier."`
	Values    []string `json:"values" minItems:"1" maxItems:"50" example:"[\"gold\",\"platinum\"]"`
}

// EligibilityBody says who may claim a reward; empty lets everyone.
type EligibilityBody struct {
	Segments   []string        `json:"segments" maxItems:"20" doc:"IDs of saved segments: the customer must be a member of one of them (any customer when empty)"`
	Conditions []ConditionBody `json:"conditions" maxItems:"10" doc:"Attribute conditions the customer must all meet"`
}

// RewardInputBody is a reward as an admin writes it.
type RewardInputBody struct {
	Kind        string           `json:"kind" enum:"voucher,gift,discount,physical"`
	Status      string           `json:"status" enum:"active,paused,archived" doc:"Only active rewards are offered; archived ones are withdrawn for good"`
	Title       TextBody         `json:"title" doc:"1-80 characters in each language"`
	Description TextBody         `json:"description,omitempty"`
	Images      []string         `json:"images,omitempty" maxItems:"9" doc:"https:// URLs of its pictures, the first shown in lists"`
	Category    string           `json:"category,omitempty" maxLength:"40" example:"drinks" doc:"The brand's own grouping for browsing"`
	Points      int64            `json:"points" minimum:"1" maximum:"100000000" example:"500" doc:"The price in points"`
	CashFen     int64            `json:"cash_fen,omitempty" minimum:"0" maximum:"100000000" doc:"The cash part of a points + cash price, in fen (0: points only); a claim then carries the partner's payment reference"`
	Stock       *int64           `json:"stock,omitempty" minimum:"0" maximum:"100000000" doc:"How many may be claimed in all; absent for no limit. Not below what was claimed."`
	PerCustomer int              `json:"per_customer,omitempty" minimum:"0" maximum:"1000" doc:"At most this many claims per customer (cancelled ones do not count); 0 for no limit"`
	PerPeriod   *LimitBody       `json:"per_period,omitempty"`
	ValidFrom   *time.Time       `json:"valid_from,omitempty" doc:"From when it may be claimed"`
	ValidUntil  *time.Time       `json:"valid_until,omitempty" doc:"Until when it may be claimed (exclusive)"`
	VoucherDays int              `json:"voucher_days" minimum:"1" maximum:"3650" example:"30" doc:"A voucher is usable until the end of the day (brand's time zone) this many days after it was issued"`
	Eligibility *EligibilityBody `json:"eligibility,omitempty"`
}

// RewardBody is a reward of the catalog.
type RewardBody struct {
	ID string `json:"id" format:"uuid"`
	RewardInputBody
	Claimed   int64     `json:"claimed" doc:"Claims not cancelled"`
	Left      *int64    `json:"left,omitempty" doc:"How many may still be claimed; absent for no limit"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func rewardBody(v rewards.View) RewardBody {
	r := v.Reward
	b := RewardBody{ID: r.ID.String(), Claimed: v.Claimed, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, RewardInputBody: RewardInputBody{
		Kind: string(r.Kind), Status: string(r.Status), Title: TextBody(r.Title), Description: TextBody(r.Description), Images: r.Images,
		Category: r.Category, Points: r.Points, CashFen: r.CashFen, Stock: r.Stock, PerCustomer: r.PerCustomer, VoucherDays: r.VoucherDays,
		Eligibility: &EligibilityBody{Segments: []string{}, Conditions: []ConditionBody{}}}}
	if b.Images == nil {
		b.Images = []string{}
	}
	if r.PerPeriod.Count > 0 {
		b.PerPeriod = &LimitBody{Count: r.PerPeriod.Count, Period: string(r.PerPeriod.Period)}
	}
	if !r.ValidFrom.IsZero() {
		b.ValidFrom = &r.ValidFrom
	}
	if !r.ValidUntil.IsZero() {
		b.ValidUntil = &r.ValidUntil
	}
	if left := v.Left(); left >= 0 {
		b.Left = &left
	}
	for _, s := range r.Eligibility.Segments {
		b.Eligibility.Segments = append(b.Eligibility.Segments, s.String())
	}
	for _, c := range r.Eligibility.Conditions {
		b.Eligibility.Conditions = append(b.Eligibility.Conditions, ConditionBody(c))
	}
	return b
}

// reward returns the reward an input body describes, or the field errors of its segment IDs.
func (b RewardInputBody) reward() (domain.Reward, error) {
	r := domain.Reward{Kind: domain.Kind(b.Kind), Status: domain.Status(b.Status), Title: domain.Text(b.Title),
		Description: domain.Text(b.Description), Images: b.Images, Category: b.Category, Points: b.Points, CashFen: b.CashFen,
		Stock: b.Stock, PerCustomer: b.PerCustomer, VoucherDays: b.VoucherDays}
	if b.PerPeriod != nil {
		r.PerPeriod = domain.Limit{Count: b.PerPeriod.Count, Period: domain.Period(b.PerPeriod.Period)}
	}
	if b.ValidFrom != nil {
		r.ValidFrom = b.ValidFrom.UTC()
	}
	if b.ValidUntil != nil {
		r.ValidUntil = b.ValidUntil.UTC()
	}
	var errs []error
	if b.Eligibility != nil {
		for i, s := range b.Eligibility.Segments {
			id, err := uuid.Parse(s)
			if err != nil {
				errs = append(errs, fielderr.Errorf("eligibility.segments["+strconv.Itoa(i)+"]", "not a segment ID"))
			}
			r.Eligibility.Segments = append(r.Eligibility.Segments, id)
		}
		for _, c := range b.Eligibility.Conditions {
			r.Eligibility.Conditions = append(r.Eligibility.Conditions, domain.Condition(c))
		}
	}
	return r, errors.Join(errs...)
}

// OfferBody is a reward as a customer browsing sees it.
type OfferBody struct {
	ID          string     `json:"id" format:"uuid"`
	Kind        string     `json:"kind" enum:"voucher,gift,discount,physical"`
	Title       TextBody   `json:"title"`
	Description TextBody   `json:"description"`
	Images      []string   `json:"images"`
	Category    string     `json:"category"`
	Points      int64      `json:"points"`
	CashFen     int64      `json:"cash_fen" doc:"Cash to pay besides the points, in fen; 0 for points only"`
	Left        *int64     `json:"left,omitempty" doc:"How many are left; absent for no limit"`
	ValidUntil  *time.Time `json:"valid_until,omitempty"`
	// Claimable and Refusal say whether the member may claim it now, points aside.
	Claimable bool   `json:"claimable" doc:"Whether the member may claim it now, points aside"`
	Refusal   string `json:"refusal,omitempty" enum:"not_eligible,limit_reached,out_of_stock" doc:"Why not, when not claimable"`
}

// VoucherBody is a voucher a claim issued, with its claim.
type VoucherBody struct {
	ID               string     `json:"id" format:"uuid"`
	Code             string     `json:"code" example:"7KQ2-M9XD-4RTW" doc:"What staff type in at the counter"`
	QR               string     `json:"qr,omitempty" doc:"The signed payload of its QR code, which staff scan (POST /v1/vouchers/verify)"`
	State            string     `json:"state" enum:"issued,used,expired,cancelled" doc:"An issued voucher past its expiry is expired"`
	RewardID         string     `json:"reward_id" format:"uuid"`
	RewardTitle      TextBody   `json:"reward_title"`
	RewardKind       string     `json:"reward_kind" enum:"voucher,gift,discount,physical"`
	CustomerID       string     `json:"customer_id" format:"uuid"`
	RedemptionID     string     `json:"redemption_id" format:"uuid"`
	Points           int64      `json:"points" doc:"Points the claim took"`
	CashFen          int64      `json:"cash_fen"`
	PaymentReference string     `json:"payment_reference,omitempty"`
	IssuedAt         time.Time  `json:"issued_at"`
	ExpiresAt        time.Time  `json:"expires_at"`
	UsedAt           *time.Time `json:"used_at,omitempty"`
	Store            string     `json:"store,omitempty"`
	CancelledAt      *time.Time `json:"cancelled_at,omitempty"`
	Reason           string     `json:"reason,omitempty" doc:"Why it was cancelled"`
}

func voucherBody(v rewards.Issued, qr string) VoucherBody {
	b := VoucherBody{ID: v.ID.String(), Code: v.Code, QR: qr, State: string(v.State), RewardID: v.RewardID.String(),
		RewardTitle: TextBody(v.Title), RewardKind: string(v.Kind), CustomerID: v.Customer.String(), RedemptionID: v.RedemptionID.String(),
		Points: v.Redemption.Points, CashFen: v.Redemption.CashFen, PaymentReference: v.Redemption.PaymentReference,
		IssuedAt: v.IssuedAt, ExpiresAt: v.ExpiresAt, Store: v.Store, Reason: v.Reason}
	if !v.UsedAt.IsZero() {
		b.UsedAt = &v.UsedAt
	}
	if !v.CancelledAt.IsZero() {
		b.CancelledAt = &v.CancelledAt
	}
	return b
}

// ClaimBody is a claim of a reward.
type ClaimBody struct {
	Key              string `json:"key" minLength:"1" maxLength:"100" example:"claim-20260301-0007" doc:"Your ID of this claim: the same key (per customer) is the same claim, done once; a retry answers with the first voucher (replayed)"`
	PaymentReference string `json:"payment_reference,omitempty" maxLength:"100" doc:"The partner's reference of the cash payment of a points + cash reward; required for those, refused for others"`
}

type partnerClaimBody struct {
	RewardID string `json:"reward_id" format:"uuid"`
	ClaimBody
}

// ClaimedBody is what a claim did.
type ClaimedBody struct {
	Replayed bool               `json:"replayed" doc:"True when this key was claimed before: this is that first claim, and nothing changed now"`
	Voucher  VoucherBody        `json:"voucher"`
	Points   *PointsOutcomeBody `json:"points,omitempty" doc:"The points taken and the balance after; absent on a replay"`
}

// FindBody names a voucher by its code or the payload of its QR code.
type FindBody struct {
	Code string `json:"code,omitempty" maxLength:"40" example:"7KQ2-M9XD-4RTW" doc:"The code as typed: case, spaces and dashes do not matter"`
	QR   string `json:"qr,omitempty" maxLength:"200" doc:"The payload read from its QR code"`
}

type useBody struct {
	FindBody
	Store string `json:"store,omitempty" maxLength:"100" example:"sh-001" doc:"The store where it is used"`
}

type cancelBody struct {
	Reason string `json:"reason,omitempty" maxLength:"200" doc:"Why, for the history"`
}

// CancelledBody is what a cancellation did.
type CancelledBody struct {
	Replayed bool               `json:"replayed" doc:"True when it was cancelled before: nothing was given back now"`
	Voucher  VoucherBody        `json:"voucher"`
	Points   *PointsOutcomeBody `json:"points,omitempty" doc:"The points given back and the balance after; absent on a replay"`
}

// RewardPath names a reward or voucher in the path.
type RewardPath struct {
	ID string `path:"id" format:"uuid"`
}

// RewardListQuery filters and pages the catalog.
type RewardListQuery struct {
	httpapi.PageQuery
	Status    string `query:"status" enum:"active,paused,archived" doc:"Only rewards of this status"`
	Category  string `query:"category" maxLength:"40"`
	Kind      string `query:"kind" enum:"voucher,gift,discount,physical"`
	MinPoints int64  `query:"min_points" minimum:"0" maximum:"100000000"`
	MaxPoints int64  `query:"max_points" minimum:"0" maximum:"100000000" doc:"0 or absent for no upper bound"`
	Q         string `query:"q" maxLength:"80" doc:"Part of either title"`
}

// OfferQuery filters and pages what a member may claim.
type OfferQuery struct {
	httpapi.PageQuery
	Category     string `query:"category" maxLength:"40"`
	MinPoints    int64  `query:"min_points" minimum:"0" maximum:"100000000"`
	MaxPoints    int64  `query:"max_points" minimum:"0" maximum:"100000000" doc:"0 or absent for no upper bound"`
	EligibleOnly bool   `query:"eligible_only" doc:"Only rewards the member may claim now (points aside)"`
}

// VoucherListQuery filters and pages vouchers.
type VoucherListQuery struct {
	httpapi.PageQuery
	State string `query:"state" enum:"issued,used,expired,cancelled"`
}

// AdminVoucherQuery filters and pages every voucher of the brand.
type AdminVoucherQuery struct {
	VoucherListQuery
	CustomerID string `query:"customer_id" format:"uuid"`
	RewardID   string `query:"reward_id" format:"uuid"`
	Code       string `query:"code" maxLength:"40"`
}

type rewardOutput struct{ Body RewardBody }

type rewardsOutput struct {
	Body struct {
		Items      []RewardBody `json:"items"`
		NextCursor string       `json:"next_cursor,omitempty"`
	}
}

type offersOutput struct {
	Body struct {
		Items      []OfferBody `json:"items"`
		NextCursor string      `json:"next_cursor,omitempty"`
	}
}

type vouchersOutput struct {
	Body struct {
		Items      []VoucherBody `json:"items"`
		NextCursor string        `json:"next_cursor,omitempty"`
	}
}

type voucherOutput struct{ Body VoucherBody }

// rewardsErrors answers the refusals of the catalog, the fields located by at; a voucher's
// state is blamed on the input that named it (voucher).
func rewardsErrors(at func(string) string, voucher string) httpapi.ErrorTable {
	row := func(err error, code string) httpapi.ErrorRow { return httpapi.InvalidFields(at).When(err, code) }
	conflict := func(err error, code string) httpapi.ErrorRow {
		return httpapi.ErrorRow{Err: err, Status: http.StatusConflict, Code: code, Detail: err.Error(), Field: voucher, Reason: err.Error()}
	}
	return httpapi.ErrorTable{
		conflict(domain.ErrVoucherUsed, "voucher_used"),
		conflict(domain.ErrVoucherExpired, "voucher_expired"),
		conflict(domain.ErrVoucherCancelled, "voucher_cancelled"),
		conflict(points.ErrRedemptionHeld, "points_held_for_review"),
		row(ledger.ErrInsufficient, "insufficient_points"),
		row(domain.ErrUnavailable, "reward_unavailable"),
		row(domain.ErrNotYetOpen, "reward_not_open"),
		row(domain.ErrEnded, "reward_ended"),
		row(domain.ErrOutOfStock, "out_of_stock"),
		row(domain.ErrCustomerLimit, "limit_reached"),
		row(domain.ErrPeriodLimit, "limit_reached"),
		row(domain.ErrIneligible, "not_eligible"),
		row(domain.ErrPaymentRequired, "payment_required"),
		row(domain.ErrNoCash, "payment_not_expected"),
		row(rewards.ErrKeyReused, "key_reused"),
		row(domain.ErrStockBelowUsed, "stock_below_claimed"),
		httpapi.InvalidFields(at),
	}
}

// rewardFail answers a refusal of the catalog: what is not found is a 404 naming the input
// that named it (its field error's, or def), the rest as rewardsErrors says.
func (m *Module) rewardFail(ctx context.Context, err error, at func(string) string, def, voucher string) error {
	for _, nf := range []struct {
		err  error
		code string
	}{{rewards.ErrVoucherNotFound, "voucher_not_found"}, {rewards.ErrRewardNotFound, "reward_not_found"},
		{ports.ErrCustomerNotFound, "customer_not_found"}} {
		if !errors.Is(err, nf.err) {
			continue
		}
		field := def
		if fes := fielderr.All(err); len(fes) > 0 && fes[0].Field != "" {
			field = at(fes[0].Field)
		}
		return httpapi.NewProblem(ctx, http.StatusNotFound, nf.code, nf.err.Error(), httpapi.Field(field, nf.err.Error(), nil))
	}
	return m.fail(ctx, err, rewardsErrors(at, voucher))
}

// refusalCode names why a member may not claim an offer.
func refusalCode(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, domain.ErrOutOfStock):
		return "out_of_stock"
	case errors.Is(err, domain.ErrCustomerLimit), errors.Is(err, domain.ErrPeriodLimit):
		return "limit_reached"
	}
	return "not_eligible"
}

// bodyOrPath locates the field "reward_id" at the path's id, the others in the body.
func bodyOrPath(field string) string {
	if field == "reward_id" {
		return "path.id"
	}
	return fielderr.Path("body", field)
}

func (m *Module) registerRewards(api huma.API) {
	api.OpenAPI().Tags = append(api.OpenAPI().Tags, &huma.Tag{Name: "Rewards", Description: "The reward catalog: rewards " +
		"customers claim for points (vouchers, gifts, discounts, physical items), each claim one transaction that takes stock, " +
		"debits the points and issues a voucher with a code and a signed QR payload; staff verify and use vouchers; " +
		"cancelling one gives its points and stock back once."})
	m.registerCatalog(api)
	m.registerOffers(api)
	m.registerVouchers(api)
}

func (m *Module) registerCatalog(api huma.API) {
	tags := []string{"Rewards"}
	body := httpapi.At("body")
	httpapi.Register(api, httpapi.Tenant(ledger.PermCatalog), httpapi.Creates(huma.Operation{
		OperationID: "create-reward", Method: http.MethodPost, Path: "/v1/rewards", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Add a reward to the catalog", Description: "Audited. The first reward also makes the brand's voucher signing key.",
	}, "/v1/rewards/{id}"), func(ctx context.Context, in *struct{ Body RewardInputBody }) (*rewardOutput, error) {
		r, err := in.Body.reward()
		if err != nil {
			return nil, m.rewardFail(ctx, errors.Join(err, r.Check()), body, "body", "body")
		}
		v, err := m.rewards.Create(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, r)
		if err != nil {
			return nil, m.rewardFail(ctx, err, body, "body", "body")
		}
		return &rewardOutput{Body: rewardBody(v)}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermCatalog), huma.Operation{
		OperationID: "update-reward", Errors: []int{http.StatusNotFound}, Method: http.MethodPut, Path: "/v1/rewards/{id}", Tags: tags,
		Summary: "Change a reward", Description: "Replaces every field; its claims and vouchers stay. The stock cannot go below " +
			"what was claimed (`stock_below_claimed`). Audited with before and after.",
	}, func(ctx context.Context, in *struct {
		RewardPath
		Body RewardInputBody
	}) (*rewardOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		r, err := in.Body.reward()
		if err != nil {
			return nil, m.rewardFail(ctx, errors.Join(err, r.Check()), body, "path.id", "body")
		}
		v, err := m.rewards.Update(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, r)
		if err != nil {
			return nil, m.rewardFail(ctx, err, body, "path.id", "body")
		}
		return &rewardOutput{Body: rewardBody(v)}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "get-reward", Errors: []int{http.StatusNotFound}, Method: http.MethodGet, Path: "/v1/rewards/{id}", Tags: tags,
		Summary: "A reward of the catalog",
	}, func(ctx context.Context, in *RewardPath) (*rewardOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		v, err := m.rewards.Get(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.rewardFail(ctx, err, httpapi.At("path"), "path.id", "path.id")
		}
		return &rewardOutput{Body: rewardBody(v)}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "list-rewards", Method: http.MethodGet, Path: "/v1/rewards", Tags: tags,
		Summary: "The reward catalog", Description: "Every reward, cheapest first, with what was claimed and what is left.",
	}, func(ctx context.Context, in *RewardListQuery) (*rewardsOutput, error) {
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		q := rewards.Query{Category: in.Category, Kind: domain.Kind(in.Kind), MinPoints: in.MinPoints, MaxPoints: in.MaxPoints, Search: in.Q}
		if in.Status != "" {
			q.Statuses = []domain.Status{domain.Status(in.Status)}
		}
		vs, err := m.rewards.List(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, q, page)
		if err != nil {
			return nil, m.rewardFail(ctx, err, httpapi.At("query"), "query", "query")
		}
		vs, next := httpapi.Paginate(vs, page, func(v rewards.View) string { return v.ID.String() })
		out := &rewardsOutput{}
		out.Body.Items = make([]RewardBody, len(vs))
		for i, v := range vs {
			out.Body.Items[i] = rewardBody(v)
		}
		out.Body.NextCursor = next
		return out, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermWrite), httpapi.Idempotent(huma.Operation{
		OperationID: "claim-reward-for-customer", Errors: []int{http.StatusNotFound}, Method: http.MethodPost,
		Path: "/v1/customers/{id}/rewards/claims", Tags: tags,
		Summary: "Claim a reward for a customer",
		Description: "As the member's own claim (POST /v1/me/rewards/{id}/claim), by a partner: the till or the e-commerce " +
			"site, which passes the reference of the cash payment of a points + cash reward." + claimDoc,
	}), func(ctx context.Context, in *struct {
		CustomerPath
		Body partnerClaimBody
	}) (*struct{ Body ClaimedBody }, error) {
		customer, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		reward, err := httpapi.ParseUUID(ctx, "body.reward_id", in.Body.RewardID)
		if err != nil {
			return nil, err
		}
		return m.claim(ctx, customer, reward, in.Body.ClaimBody, body, "path.id")
	})
}

const claimDoc = "\n\nOne transaction: the customer's points are locked (their claims happen one after the other), a key " +
	"claimed before answers with its first voucher (`replayed`; another reward or payment under it is `key_reused`), the " +
	"reward must be active and in its window (`reward_unavailable`, `reward_not_open`, `reward_ended`), the customer " +
	"eligible (`not_eligible`) and within its limits (`limit_reached`), stock is taken with a conditional update " +
	"(`out_of_stock`: of many claims at once, never more than the stock succeed), the points are debited through the " +
	"ledger (`insufficient_points`), and the voucher is issued (reward.claimed). A refusal changes nothing."

func (m *Module) claim(ctx context.Context, customer, reward uuid.UUID, b ClaimBody, at func(string) string, def string) (*struct{ Body ClaimedBody }, error) {
	tenant := httpapi.PrincipalFrom(ctx).Tenant.ID
	c, err := m.rewards.Redeem(ctx, tenant, rewards.Claim{Customer: customer, Reward: reward, Key: b.Key, PaymentReference: b.PaymentReference})
	if err != nil {
		return nil, m.rewardFail(ctx, err, at, def, def)
	}
	qr, err := m.rewards.QR(ctx, tenant, c.Voucher.Voucher)
	if err != nil {
		return nil, m.fail(ctx, err)
	}
	out := &struct{ Body ClaimedBody }{Body: ClaimedBody{Replayed: c.Replayed, Voucher: voucherBody(c.Voucher, qr)}}
	if !c.Replayed {
		o := outcomeBody(c.Points)
		out.Body.Points = &o
	}
	return out, nil
}

func (m *Module) registerOffers(api huma.API) {
	tags := []string{"Mini Program"}
	tokens := httpapi.Customer(m.kit.CustomerTokens())
	httpapi.Register(api, tokens, huma.Operation{
		OperationID: "list-my-rewards", Method: http.MethodGet, Path: "/v1/me/rewards", Tags: tags,
		Summary:     "Rewards the member may claim",
		Description: "The rewards offered now (active, in their window), cheapest first, each saying whether the member may claim it (points aside) and why not.",
	}, func(ctx context.Context, in *OfferQuery) (*offersOutput, error) {
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		p := httpapi.PrincipalFrom(ctx)
		os, err := m.rewards.Browse(ctx, p.Tenant.ID, p.CustomerID, rewards.Query{Category: in.Category, MinPoints: in.MinPoints,
			MaxPoints: in.MaxPoints}, in.EligibleOnly, page)
		if err != nil {
			return nil, m.rewardFail(ctx, err, httpapi.At("query"), "query", "query")
		}
		os, next := httpapi.Paginate(os, page, func(o rewards.Offer) string { return o.ID.String() })
		out := &offersOutput{}
		out.Body.Items = make([]OfferBody, len(os))
		for i, o := range os {
			b := OfferBody{ID: o.ID.String(), Kind: string(o.Kind), Title: TextBody(o.Title), Description: TextBody(o.Description),
				Images: o.Images, Category: o.Category, Points: o.Points, CashFen: o.CashFen, Claimable: o.Refusal == nil,
				Refusal: refusalCode(o.Refusal)}
			if b.Images == nil {
				b.Images = []string{}
			}
			if left := o.Left(); left >= 0 {
				b.Left = &left
			}
			if !o.ValidUntil.IsZero() {
				b.ValidUntil = &o.ValidUntil
			}
			out.Body.Items[i] = b
		}
		out.Body.NextCursor = next
		return out, nil
	})
	httpapi.Register(api, tokens, httpapi.Idempotent(huma.Operation{
		OperationID: "claim-my-reward", Errors: []int{http.StatusNotFound}, Method: http.MethodPost, Path: "/v1/me/rewards/{id}/claim", Tags: tags,
		Summary: "Claim a reward for points", Description: "Answers with the voucher, its code and QR payload, and the points after." + claimDoc,
	}), func(ctx context.Context, in *struct {
		RewardPath
		Body ClaimBody
	}) (*struct{ Body ClaimedBody }, error) {
		reward, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		return m.claim(ctx, httpapi.PrincipalFrom(ctx).CustomerID, reward, in.Body, bodyOrPath, "path.id")
	})
	httpapi.Register(api, tokens, huma.Operation{
		OperationID: "list-my-vouchers", Method: http.MethodGet, Path: "/v1/me/vouchers", Tags: tags,
		Summary: "The member's vouchers", Description: "Every voucher the member claimed, newest first, with its code and QR payload: their usage history.",
	}, func(ctx context.Context, in *VoucherListQuery) (*vouchersOutput, error) {
		return m.vouchers(ctx, in, rewards.VoucherQuery{Customer: httpapi.PrincipalFrom(ctx).CustomerID}, true)
	})
	httpapi.Register(api, tokens, huma.Operation{
		OperationID: "get-my-voucher-qr-png", Errors: []int{http.StatusNotFound}, Method: http.MethodGet, Path: "/v1/me/vouchers/{id}/qr.png", Tags: tags,
		Summary:     "A voucher's QR code image",
		Description: "The voucher's signed QR payload drawn as a PNG QR code (medium error correction), for clients that do not draw their own.",
		Responses: map[string]*huma.Response{"200": {Description: "A PNG image", Content: map[string]*huma.MediaType{
			"image/png": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}},
	}, func(ctx context.Context, in *RewardPath) (*voucherPNG, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		p := httpapi.PrincipalFrom(ctx)
		v, err := m.rewards.Voucher(ctx, p.Tenant.ID, id)
		if err == nil && v.Customer != p.CustomerID {
			err = rewards.ErrVoucherNotFound
		}
		if err != nil {
			return nil, m.rewardFail(ctx, err, httpapi.At("path"), "path.id", "path.id")
		}
		qr, err := m.rewards.QR(ctx, p.Tenant.ID, v.Voucher)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		img, err := qrpng.PNG(qr)
		if err != nil {
			return nil, m.fail(ctx, err)
		}
		return &voucherPNG{ContentType: "image/png", CacheControl: "private, max-age=300", Body: img}, nil
	})
}

// voucherPNG is a voucher's QR code drawn.
type voucherPNG struct {
	ContentType  string `header:"Content-Type"`
	CacheControl string `header:"Cache-Control"`
	Body         []byte
}

func (m *Module) vouchers(ctx context.Context, in *VoucherListQuery, q rewards.VoucherQuery, withQR bool) (*vouchersOutput, error) {
	page, err := in.Page(ctx)
	if err != nil {
		return nil, err
	}
	if in.State != "" {
		q.States = []domain.State{domain.State(in.State)}
	}
	tenant := httpapi.PrincipalFrom(ctx).Tenant.ID
	vs, err := m.rewards.Vouchers(ctx, tenant, q, page)
	if err != nil {
		return nil, m.rewardFail(ctx, err, httpapi.At("query"), "query", "query")
	}
	vs, next := httpapi.Paginate(vs, page, func(v rewards.Issued) string { return v.ID.String() })
	out := &vouchersOutput{}
	out.Body.Items = make([]VoucherBody, len(vs))
	for i, v := range vs {
		qr := ""
		if withQR && v.State == domain.StateIssued {
			if qr, err = m.rewards.QR(ctx, tenant, v.Voucher); err != nil {
				return nil, m.fail(ctx, err)
			}
		}
		out.Body.Items[i] = voucherBody(v, qr)
	}
	out.Body.NextCursor = next
	return out, nil
}

func (m *Module) registerVouchers(api huma.API) {
	tags := []string{"Rewards"}
	body := httpapi.At("body")
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "list-vouchers", Method: http.MethodGet, Path: "/v1/vouchers", Tags: tags,
		Summary: "Vouchers issued", Description: "Newest first, by customer, reward, code or state: the usage history of the catalog.",
	}, func(ctx context.Context, in *AdminVoucherQuery) (*vouchersOutput, error) {
		q := rewards.VoucherQuery{Code: in.Code}
		var err error
		if in.CustomerID != "" {
			if q.Customer, err = httpapi.ParseUUID(ctx, "query.customer_id", in.CustomerID); err != nil {
				return nil, err
			}
		}
		if in.RewardID != "" {
			if q.Reward, err = httpapi.ParseUUID(ctx, "query.reward_id", in.RewardID); err != nil {
				return nil, err
			}
		}
		return m.vouchers(ctx, &in.VoucherListQuery, q, false)
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermWrite), huma.Operation{
		OperationID: "verify-voucher", Errors: []int{http.StatusNotFound}, Method: http.MethodPost, Path: "/v1/vouchers/verify", Tags: tags,
		Summary: "Look a voucher up by its code or scanned QR payload",
		Description: "For staff at the counter before they use it: the voucher, its reward and its state now. A code that is " +
			"not one, or a payload that is not this brand's or is forged, is `voucher_not_found`. Changes nothing.",
	}, func(ctx context.Context, in *struct{ Body FindBody }) (*voucherOutput, error) {
		v, err := m.rewards.Verify(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, rewards.Find{Code: in.Body.Code, QR: in.Body.QR})
		if err != nil {
			return nil, m.rewardFail(ctx, err, body, "body", "body")
		}
		return &voucherOutput{Body: voucherBody(v, "")}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermWrite), httpapi.Idempotent(huma.Operation{
		OperationID: "use-voucher", Errors: []int{http.StatusNotFound, http.StatusConflict}, Method: http.MethodPost, Path: "/v1/vouchers/use",
		Tags: tags, Summary: "Use a voucher at a store",
		Description: "By its code or scanned QR payload. A voucher used, expired or cancelled is refused with 409 " +
			"(`voucher_used`, `voucher_expired`, `voucher_cancelled`) and changes nothing; of two uses at once, one succeeds. " +
			"Publishes voucher.used; audited.",
	}), func(ctx context.Context, in *struct{ Body useBody }) (*voucherOutput, error) {
		field := "body.code"
		if in.Body.QR != "" {
			field = "body.qr"
		}
		v, err := m.rewards.Use(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, rewards.Find{Code: in.Body.Code, QR: in.Body.QR}, in.Body.Store)
		if err != nil {
			return nil, m.rewardFail(ctx, err, body, field, field)
		}
		return &voucherOutput{Body: voucherBody(v, "")}, nil
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermWrite), httpapi.Idempotent(huma.Operation{
		OperationID: "cancel-voucher", Errors: []int{http.StatusNotFound, http.StatusConflict}, Method: http.MethodPost,
		Path: "/v1/vouchers/{id}/cancel", Tags: tags, Summary: "Cancel a voucher, giving its points and stock back",
		Description: "The points come back with the expiry they had (those whose expiry passed expire at once) and the stock " +
			"one more, once: cancelling again answers with the cancelled voucher (`replayed`) and gives nothing more. A used " +
			"or expired voucher is refused with 409. Publishes voucher.cancelled; audited.",
	}), func(ctx context.Context, in *struct {
		RewardPath
		Body cancelBody
	}) (*struct{ Body CancelledBody }, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		tenant := httpapi.PrincipalFrom(ctx).Tenant.ID
		c, err := m.rewards.Cancel(ctx, tenant, id, in.Body.Reason)
		if err != nil {
			return nil, m.rewardFail(ctx, err, body, "path.id", "path.id")
		}
		out := &struct{ Body CancelledBody }{Body: CancelledBody{Replayed: c.Replayed, Voucher: voucherBody(c.Voucher, "")}}
		if !c.Replayed {
			o := outcomeBody(c.Points)
			out.Body.Points = &o
		}
		return out, nil
	})
}
