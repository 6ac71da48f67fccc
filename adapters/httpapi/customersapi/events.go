package customersapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
)

// maxEventsBody bounds a batch request: a thousand purchases with items take about 300 KB.
const maxEventsBody = 5 << 20

// EventItem is one line of a purchase.
type EventItem struct {
	SKU      string `json:"sku" doc:"1-100 characters"`
	Category string `json:"category,omitempty" doc:"At most 100 characters"`
	Quantity int64  `json:"quantity" doc:"At least 1"`
	PriceFen *int64 `json:"price_fen,omitempty" doc:"Unit price paid, in fen"`
}

// EventIn is one event as a sender reports it. Beyond the JSON types, every rule is checked
// per event, so one event at fault does not hold back the others of its batch.
type EventIn struct {
	ID         string `json:"id,omitempty" example:"pos-0001-20260314-0042" doc:"The sender's own ID of the event, 1-100 printable characters, unique in the brand: an ID sent again is a duplicate and changes nothing"`
	CustomerID string `json:"customer_id,omitempty" example:"0f8fad5b-d9cb-469f-a165-70867728950e" doc:"The customer's ID (UUID). Name the customer by exactly one of customer_id, customer_external_id and customer_phone"`
	// CustomerExternalID and CustomerPhone name the customer by the sender's own keys.
	CustomerExternalID string         `json:"customer_external_id,omitempty" maxLength:"100" example:"pos-member-88231" doc:"The customer's external ID (the sender's own, as set on the profile), instead of customer_id"`
	CustomerPhone      string         `json:"customer_phone,omitempty" maxLength:"32" example:"+8613812345678" doc:"The customer's phone (E.164; mainland mobiles may omit +86), instead of customer_id"`
	Type               string         `json:"type,omitempty" example:"purchase" doc:"purchase, visit, page_view, click, share, referral, survey, or custom:<key> of a type the brand defined (see /v1/event-types), whose fields the payload then follows"`
	Channel            string         `json:"channel" enum:"mini_program,pos,website,email,wechat,wecom,tmall,taobao,jd,pinduoduo,douyin,kuaishou,xiaohongshu,meituan,eleme,youzan,app,other" example:"pos" doc:"Where it happened: the brand's Mini Program, a store's POS, its website, email, WeChat (Official Account) or WeCom, its app, or a commerce platform (Tmall, Taobao, JD, Pinduoduo, Douyin, Kuaishou, Xiaohongshu, Meituan, Ele.me, Youzan)"`
	OccurredAt         string         `json:"occurred_at,omitempty" example:"2026-03-14T15:04:05+08:00" doc:"When it happened, RFC 3339 with zone: history is accepted from 1990 on, the future up to 5 minutes ahead"`
	AmountFen          *int64         `json:"amount_fen,omitempty" doc:"Purchases only, and required for them: what the customer paid, in fen"`
	Store              string         `json:"store,omitempty" doc:"The store, at most 100 characters"`
	Items              []EventItem    `json:"items,omitempty" doc:"Purchases only, at least one: what was bought"`
	Payload            map[string]any `json:"payload,omitempty" doc:"Anything else about the event (survey answers, a referral's target, a page's URL), at most 16 KB of JSON"`
}

func (in EventIn) draft() event.Draft {
	d := event.Draft{ID: in.ID, CustomerID: in.CustomerID, CustomerExternalID: in.CustomerExternalID, CustomerPhone: in.CustomerPhone, Type: in.Type, Channel: in.Channel, AmountFen: in.AmountFen,
		Store: in.Store, Payload: in.Payload}
	if in.OccurredAt != "" {
		t, err := time.Parse(time.RFC3339, in.OccurredAt)
		if err != nil {
			d.Malformed = append(d.Malformed, fielderr.Errorf("occurred_at", "expected RFC 3339 with zone, e.g. 2026-03-14T15:04:05+08:00"))
		}
		d.OccurredAt = t
	}
	d.Malformed = append(d.Malformed, in.nulFields()...)
	if len(in.Items) > 0 {
		d.Items = make([]event.Item, len(in.Items))
		for i, it := range in.Items {
			d.Items[i] = event.Item{SKU: it.SKU, Category: it.Category, Quantity: it.Quantity, PriceFen: it.PriceFen}
		}
	}
	return d
}

// nulFields names the fields of the event whose text holds NUL characters, which no event
// may carry (the kit leaves them to this check, so that only the event at fault is refused).
func (in EventIn) nulFields() []*fielderr.Error {
	var out []*fielderr.Error
	nul := func(field string) {
		out = append(out, fielderr.New(field, errors.New("must not contain NUL characters")))
	}
	for field, v := range map[string]string{"id": in.ID, "customer_id": in.CustomerID, "customer_external_id": in.CustomerExternalID,
		"customer_phone": in.CustomerPhone, "type": in.Type, "channel": in.Channel,
		"occurred_at": in.OccurredAt, "store": in.Store} {
		if strings.ContainsRune(v, 0) {
			nul(field)
		}
	}
	for i, it := range in.Items {
		for field, v := range map[string]string{"sku": it.SKU, "category": it.Category} {
			if strings.ContainsRune(v, 0) {
				nul(fmt.Sprintf("items[%d].%s", i, field))
			}
		}
	}
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case string:
			if strings.ContainsRune(v, 0) {
				nul(at)
			}
		case map[string]any:
			for k, x := range v {
				if strings.ContainsRune(k, 0) {
					nul(at)
					continue
				}
				walk(at+"."+k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s[%d]", at, i), x)
			}
		}
	}
	walk("payload", in.Payload)
	slices.SortFunc(out, func(a, b *fielderr.Error) int { return strings.Compare(a.Field, b.Field) })
	return out
}

type ingestInput struct {
	Body struct {
		Events []EventIn `json:"events" minItems:"1" maxItems:"1000" doc:"1 to 1,000 events"`
	}
}

// EventResult is what became of one event of a batch.
type EventResult struct {
	Index  int                    `json:"index" doc:"The event's position in the batch, from 0"`
	ID     string                 `json:"id"`
	Status string                 `json:"status" enum:"accepted,duplicate,rejected" doc:"accepted: stored; duplicate: its ID was stored before, nothing changed; rejected: nothing stored"`
	Code   string                 `json:"code,omitempty" enum:"validation_failed,unknown_customer,customer_erased,unknown_event_type" doc:"Why it was rejected: unknown_customer when no customer has the ID, external ID or phone the event names, unknown_event_type for a custom type the brand has not defined, customer_erased for a customer whose personal data was erased"`
	Errors []*httpapi.FieldDetail `json:"errors,omitempty" doc:"The fields at fault, e.g. body.events[3].amount_fen"`
}

type ingestOutput struct {
	Body struct {
		Accepted   int           `json:"accepted"`
		Duplicates int           `json:"duplicates"`
		Rejected   int           `json:"rejected"`
		Results    []EventResult `json:"results" doc:"One per event, in the batch's order"`
	}
}

// EventBody is a stored event as the API shows it.
type EventBody struct {
	ID         string         `json:"id"`
	CustomerID string         `json:"customer_id" format:"uuid"`
	Type       string         `json:"type"`
	Channel    string         `json:"channel" enum:"mini_program,pos,website,email,wechat,wecom,tmall,taobao,jd,pinduoduo,douyin,kuaishou,xiaohongshu,meituan,eleme,youzan,app,other"`
	OccurredAt time.Time      `json:"occurred_at"`
	ReceivedAt time.Time      `json:"received_at"`
	AmountFen  *int64         `json:"amount_fen,omitempty"`
	Store      string         `json:"store,omitempty"`
	Items      []EventItem    `json:"items,omitempty"`
	Payload    map[string]any `json:"payload,omitempty"`
}

func eventBody(e event.Event) EventBody {
	b := EventBody{ID: e.ID, CustomerID: e.CustomerID.String(), Type: e.Type, Channel: e.Channel, OccurredAt: e.OccurredAt,
		ReceivedAt: e.ReceivedAt, AmountFen: e.AmountFen, Store: e.Store, Payload: e.Payload}
	for _, it := range e.Items {
		b.Items = append(b.Items, EventItem{SKU: it.SKU, Category: it.Category, Quantity: it.Quantity, PriceFen: it.PriceFen})
	}
	return b
}

type timelineInput struct {
	CustomerPath
	httpapi.PageQuery
	Type    string `query:"type" maxLength:"47" doc:"Only events of this type, e.g. purchase or custom:tasting"`
	Channel string `query:"channel" enum:"mini_program,pos,website,email,wechat,wecom,tmall,taobao,jd,pinduoduo,douyin,kuaishou,xiaohongshu,meituan,eleme,youzan,app,other" doc:"Only events from this channel"`
}

type timelineOutput struct {
	Body struct {
		Items      []EventBody `json:"items"`
		NextCursor string      `json:"next_cursor,omitempty"`
	}
}

// ActivityBody is what a customer's events add up to.
type ActivityBody struct {
	CustomerID     string     `json:"customer_id" format:"uuid"`
	FirstSeenAt    *time.Time `json:"first_seen_at,omitempty" doc:"The customer's first event of any type"`
	LastSeenAt     *time.Time `json:"last_seen_at,omitempty" doc:"The customer's last event of any type"`
	LastPurchaseAt *time.Time `json:"last_purchase_at,omitempty"`
	PurchaseCount  int64      `json:"purchase_count"`
	SpendFen       int64      `json:"spend_fen" doc:"Total of the customer's purchases, in fen"`
	VisitCount     int64      `json:"visit_count"`
	UpdatedAt      *time.Time `json:"updated_at,omitempty" doc:"When the aggregates were last recomputed; they follow ingestion within moments"`
}

// batchErrors answers a batch refused whole.
var batchErrors = httpapi.ErrorTable{
	{Err: events.ErrBatchSize, Status: http.StatusUnprocessableEntity, Code: "validation_failed", Detail: "the request has invalid fields",
		Field: "body.events"},
}

// typeField refuses typ, an event type to filter by that no event can have.
func typeField(typ string) *httpapi.FieldDetail {
	return httpapi.Field("query.type", "one of the built-in types or custom:<name>", typ)
}

func (m *Module) registerEvents(api huma.API) {
	tags := []string{"Customer events"}
	httpapi.Register(api, httpapi.Tenant(customer.PermEventsWrite), httpapi.ChecksText(httpapi.Idempotent(huma.Operation{
		OperationID: "ingest-events", Method: http.MethodPost, Path: "/v1/events", Tags: tags,
		Summary: "Send a batch of customer events",
		Description: "Stores 1 to 1,000 events (purchases, visits, page views, clicks, shares, referrals, surveys, custom types) " +
			"of the brand's customers. Each event is checked on its own: the answer lists every event with its status, " +
			"accepted, duplicate (its ID was sent before) or rejected (with the fields at fault, or unknown_customer), " +
			"and the valid events are stored even when others are rejected. History may be sent (backfill). " +
			"Accepted events reach the customer's timeline at once and their activity aggregates moments later.",
		MaxBodyBytes: maxEventsBody,
	})), func(ctx context.Context, in *ingestInput) (*ingestOutput, error) {
		drafts := make([]event.Draft, len(in.Body.Events))
		for i, e := range in.Body.Events {
			drafts[i] = e.draft()
		}
		results, err := m.deps.Events.IngestBatch(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, drafts)
		if err != nil {
			return nil, m.kit.MapError(ctx, err, batchErrors)
		}
		out := &ingestOutput{}
		out.Body.Results = make([]EventResult, len(results))
		for i, r := range results {
			er := EventResult{Index: r.Index, ID: r.ID, Status: string(r.Status), Code: r.Code}
			switch r.Status {
			case events.Accepted:
				out.Body.Accepted++
			case events.Duplicate:
				out.Body.Duplicates++
			case events.Rejected:
				out.Body.Rejected++
				at := "body.events[" + strconv.Itoa(r.Index) + "]."
				for _, fe := range r.Errors {
					er.Errors = append(er.Errors, httpapi.Field(at+fe.Field, fe.Err.Error(), nil))
				}
			}
			out.Body.Results[i] = er
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermEventsRead), huma.Operation{
		OperationID: "get-customer-timeline", Method: http.MethodGet, Path: "/v1/customers/{id}/timeline", Tags: tags,
		Summary: "A customer's timeline", Description: "The customer's events on every channel, newest first.",
	}, func(ctx context.Context, in *timelineInput) (*timelineOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		if in.Type != "" && !event.ValidType(in.Type) {
			return nil, httpapi.Invalid(ctx, typeField(in.Type))
		}
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		evs, err := m.deps.Events.Timeline(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, ports.TimelineQuery{Type: in.Type, Channel: in.Channel}, page)
		if err != nil {
			return nil, m.customerError(ctx, err)
		}
		evs, next := httpapi.Paginate(evs, page, func(e event.Event) string { return e.ID })
		out := &timelineOutput{}
		out.Body.Items = make([]EventBody, len(evs))
		for i, e := range evs {
			out.Body.Items[i] = eventBody(e)
		}
		out.Body.NextCursor = next
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermEventsRead), huma.Operation{
		OperationID: "get-customer-activity", Method: http.MethodGet, Path: "/v1/customers/{id}/activity", Tags: tags,
		Summary: "A customer's activity aggregates",
		Description: "First and last seen, last purchase, purchases, spend and visits, recomputed from the customer's events " +
			"moments after they are ingested.",
	}, func(ctx context.Context, in *CustomerPath) (*struct{ Body ActivityBody }, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		a, err := m.deps.Events.Activity(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.customerError(ctx, err)
		}
		b := ActivityBody{CustomerID: id.String(), FirstSeenAt: a.FirstSeenAt, LastSeenAt: a.LastSeenAt, LastPurchaseAt: a.LastPurchaseAt,
			PurchaseCount: a.PurchaseCount, SpendFen: a.SpendFen, VisitCount: a.VisitCount}
		if !a.UpdatedAt.IsZero() {
			b.UpdatedAt = &a.UpdatedAt
		}
		return &struct{ Body ActivityBody }{Body: b}, nil
	})
}
