package customersapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/qrpng"
	"github.com/engagehq/engage/application/customers/wechataccounts"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
)

// wechatProfileBody is the nickname and avatar a member authorised in the Mini Program.
type wechatProfileBody struct {
	Nickname  string `json:"nickname" maxLength:"64" example:"小明" doc:"From the Mini Program's nickname input (type=\"nickname\")"`
	AvatarURL string `json:"avatar_url" maxLength:"500" example:"https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132" doc:"An https URL on WeChat's image CDN (qlogo.cn, qpic.cn)"`
}

// PurchaseBody is one of the member's purchases.
type PurchaseBody struct {
	ID         string      `json:"id"`
	OccurredAt time.Time   `json:"occurred_at"`
	AmountFen  int64       `json:"amount_fen" doc:"What the member paid, in fen"`
	Store      string      `json:"store,omitempty"`
	Channel    string      `json:"channel" enum:"mini_program,pos,website,email,wechat,wecom,tmall,taobao,jd,pinduoduo,douyin,kuaishou,xiaohongshu,meituan,eleme,youzan,app,other"`
	Items      []EventItem `json:"items"`
}

// MyEventBody is one event of the member's own timeline.
type MyEventBody struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"`
	Channel    string         `json:"channel" enum:"mini_program,pos,website,email,wechat,wecom,tmall,taobao,jd,pinduoduo,douyin,kuaishou,xiaohongshu,meituan,eleme,youzan,app,other"`
	OccurredAt time.Time      `json:"occurred_at"`
	AmountFen  *int64         `json:"amount_fen,omitempty"`
	Store      string         `json:"store,omitempty"`
	Items      []EventItem    `json:"items,omitempty"`
	Payload    map[string]any `json:"payload,omitempty"`
}

// MembershipBody is the member's membership summary.
type MembershipBody struct {
	MemberSince    time.Time      `json:"member_since"`
	LifecycleStage string         `json:"lifecycle_stage" enum:"new,active,at_risk,lapsed,won_back"`
	PurchaseCount  int64          `json:"purchase_count"`
	SpendFen       int64          `json:"spend_fen" doc:"Total of the member's purchases, in fen"`
	LastPurchaseAt *time.Time     `json:"last_purchase_at,omitempty"`
	VisitCount     int64          `json:"visit_count"`
	Sections       map[string]any `json:"sections" doc:"What the brand's modules add: tier, points, rewards, challenges. A section is present only once its module runs for the brand; absent, never zero-filled."`
}

// MemberCodeBody is the member's current check-in code.
type MemberCodeBody struct {
	Code      string    `json:"code" doc:"Show it as a QR code; staff scan it into POST /v1/checkins"`
	RefreshAt time.Time `json:"refresh_at" doc:"When the next code is made: fetch and show it from then on (every minute)"`
	ExpiresAt time.Time `json:"expires_at" doc:"When this code stops being accepted (the end of the next minute)"`
}

type purchasesOutput struct {
	Body struct {
		Items      []PurchaseBody `json:"items"`
		NextCursor string         `json:"next_cursor,omitempty"`
	}
}

type myTimelineOutput struct {
	Body struct {
		Items      []MyEventBody `json:"items"`
		NextCursor string        `json:"next_cursor,omitempty"`
	}
}

type myEventsInput struct {
	httpapi.PageQuery
	Type string `query:"type" maxLength:"47" doc:"Only events of this type, e.g. visit"`
}

// profileImportErrors answers what is particular to importing a member's WeChat profile.
var profileImportErrors = httpapi.ErrorTable{
	{Err: wechataccounts.ErrNotConfigured, Status: http.StatusServiceUnavailable, Code: "mini_program_not_configured",
		Detail: "this brand's Mini Program is not set up"},
}

// registerSelfService registers what the signed-in member reads and does for themselves beyond
// their profile.
func (m *Module) registerSelfService(api huma.API) {
	tags := []string{"Mini Program"}

	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "import-my-wechat-profile", Errors: []int{http.StatusServiceUnavailable}, Method: http.MethodPost, Path: "/v1/me/wechat-profile", Tags: tags,
		Summary: "Import the member's WeChat nickname and avatar",
		Description: "Stores what the member authorised in the Mini Program (its nickname input and chooseAvatar, once " +
			"uploaded to WeChat's CDN) on their Mini Program account, and on their profile: the avatar, and the nickname as " +
			"their name while they have none.",
	}, func(ctx context.Context, in *struct{ Body wechatProfileBody }) (*meOutput, error) {
		p := httpapi.PrincipalFrom(ctx)
		c, err := m.deps.WeChatAccounts.ImportProfile(ctx, p.Tenant.ID, p.CustomerID, in.Body.Nickname, in.Body.AvatarURL)
		if err != nil {
			return nil, m.kit.MapError(ctx, err, profileImportErrors, customerErrors)
		}
		return &meOutput{Body: meBody(c)}, nil
	})

	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "list-my-purchases", Method: http.MethodGet, Path: "/v1/me/purchases", Tags: tags,
		Summary: "The member's purchases and orders", Description: "Newest first, on every channel, with their items.",
	}, func(ctx context.Context, in *httpapi.PageQuery) (*purchasesOutput, error) {
		evs, next, err := m.myEvents(ctx, in, event.TypePurchase)
		if err != nil {
			return nil, err
		}
		out := &purchasesOutput{}
		out.Body.Items = make([]PurchaseBody, len(evs))
		for i, e := range evs {
			b := eventBody(e)
			out.Body.Items[i] = PurchaseBody{ID: e.ID, OccurredAt: e.OccurredAt, Store: e.Store, Channel: e.Channel, Items: b.Items}
			if e.AmountFen != nil {
				out.Body.Items[i].AmountFen = *e.AmountFen
			}
		}
		out.Body.NextCursor = next
		return out, nil
	})

	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "list-my-timeline", Method: http.MethodGet, Path: "/v1/me/timeline", Tags: tags,
		Summary: "The member's own activity", Description: "Their events on every channel, newest first.",
	}, func(ctx context.Context, in *myEventsInput) (*myTimelineOutput, error) {
		if in.Type != "" && !event.ValidType(in.Type) {
			return nil, httpapi.Invalid(ctx, typeField(in.Type))
		}
		evs, next, err := m.myEvents(ctx, &in.PageQuery, in.Type)
		if err != nil {
			return nil, err
		}
		out := &myTimelineOutput{}
		out.Body.Items = make([]MyEventBody, len(evs))
		for i, e := range evs {
			b := eventBody(e)
			out.Body.Items[i] = MyEventBody{ID: b.ID, Type: b.Type, Channel: b.Channel, OccurredAt: b.OccurredAt, AmountFen: b.AmountFen,
				Store: b.Store, Items: b.Items, Payload: b.Payload}
		}
		out.Body.NextCursor = next
		return out, nil
	})

	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "get-my-membership", Method: http.MethodGet, Path: "/v1/me/membership", Tags: tags,
		Summary: "The member's membership summary",
		Description: "Member since, lifecycle stage, purchases and spend, and the sections the brand's modules add (tier, " +
			"points, rewards, active challenges) as they are running.",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body MembershipBody }, error) {
		p := httpapi.PrincipalFrom(ctx)
		sum, err := m.deps.Membership.Summary(ctx, p.Tenant.ID, p.CustomerID)
		if err != nil {
			return nil, m.customerError(ctx, err)
		}
		b := MembershipBody{MemberSince: sum.Status.MemberSince, LifecycleStage: sum.Status.LifecycleStage,
			PurchaseCount: sum.Activity.PurchaseCount, SpendFen: sum.Activity.SpendFen, LastPurchaseAt: sum.Activity.LastPurchaseAt,
			VisitCount: sum.Activity.VisitCount, Sections: map[string]any{}}
		for _, sec := range sum.Sections {
			b.Sections[sec.Name] = sec.Data
		}
		return &struct{ Body MembershipBody }{Body: b}, nil
	})

	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "get-my-member-code", Method: http.MethodGet, Path: "/v1/me/qr", Tags: tags,
		Summary:     "The member's check-in code",
		Description: "A signed code naming the brand and the member that changes every minute; valid in its minute and the next.",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body MemberCodeBody }, error) {
		p := httpapi.PrincipalFrom(ctx)
		c := m.deps.Checkins.Code(p.Tenant.ID, p.CustomerID)
		return &struct{ Body MemberCodeBody }{Body: MemberCodeBody{Code: c.Code, RefreshAt: c.RefreshAt, ExpiresAt: c.ExpiresAt}}, nil
	})

	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "get-my-member-code-png", Method: http.MethodGet, Path: "/v1/me/qr.png", Tags: tags,
		Summary:     "The member's check-in code as a QR code image",
		Description: "The code of GET /v1/me/qr drawn as a PNG QR code (medium error correction), for clients that do not draw their own.",
		Responses: map[string]*huma.Response{"200": {Description: "A PNG image", Content: map[string]*huma.MediaType{
			"image/png": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}},
	}, func(ctx context.Context, _ *struct{}) (*memberCodePNG, error) {
		p := httpapi.PrincipalFrom(ctx)
		c := m.deps.Checkins.Code(p.Tenant.ID, p.CustomerID)
		img, err := qrpng.PNG(c.Code)
		if err != nil {
			return nil, m.kit.MapError(ctx, err)
		}
		return &memberCodePNG{ContentType: "image/png", CacheControl: "no-store", Expires: c.ExpiresAt, Body: img}, nil
	})
}

// memberCodePNG is the member's current code drawn as a QR code.
type memberCodePNG struct {
	ContentType  string    `header:"Content-Type"`
	CacheControl string    `header:"Cache-Control"`
	Expires      time.Time `header:"X-Code-Expires-At" doc:"When the code stops being accepted"`
	Body         []byte
}

// myEvents is a page of the signed-in member's events of type ("" for all).
func (m *Module) myEvents(ctx context.Context, in *httpapi.PageQuery, typ string) ([]event.Event, string, error) {
	page, err := in.Page(ctx)
	if err != nil {
		return nil, "", err
	}
	p := httpapi.PrincipalFrom(ctx)
	evs, err := m.deps.Events.Timeline(ctx, p.Tenant.ID, p.CustomerID, ports.TimelineQuery{Type: typ}, page)
	if err != nil {
		return nil, "", m.customerError(ctx, err)
	}
	evs, next := httpapi.Paginate(evs, page, func(e event.Event) string { return e.ID })
	return evs, next, nil
}
