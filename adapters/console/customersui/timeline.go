package customersui

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
)

// timelinePage is how many events the timeline shows at a time.
const timelinePage = 20

// spendMonths is how many months the spend chart covers.
const spendMonths = 12

// typeIcons mark each kind of event in the timeline, as inline SVG drawn in the text's colour
// (emoji need a font that not every machine has); custom types share the star.
var typeIcons = map[string]template.HTML{
	event.TypePurchase: icon("purchase", `<path d="M1.5 2.5h2l1.8 8h7.2l1.8-5.5H4.4"/><circle cx="6.5" cy="13.5" r="1"/><circle cx="11.5" cy="13.5" r="1"/>`),
	event.TypeVisit:    icon("visit", `<path d="M8 15s5-4.6 5-8.6a5 5 0 0 0-10 0C3 10.4 8 15 8 15z"/><circle cx="8" cy="6.4" r="1.8"/>`),
	event.TypePageView: icon("page_view", `<path d="M1 8s2.6-5 7-5 7 5 7 5-2.6 5-7 5-7-5-7-5z"/><circle cx="8" cy="8" r="2"/>`),
	event.TypeClick:    icon("click", `<path d="M4 2l8.5 6.2-3.7.8 1.9 4.1-1.7.8-1.9-4.1L4.2 12.5z"/>`),
	event.TypeShare:    icon("share", `<circle cx="12" cy="3.5" r="1.8"/><circle cx="4" cy="8" r="1.8"/><circle cx="12" cy="12.5" r="1.8"/><path d="M5.6 7.1l4.8-2.7M5.6 8.9l4.8 2.7"/>`),
	event.TypeReferral: icon("referral", `<circle cx="6" cy="5" r="2.2"/><path d="M1.8 14c0-2.5 1.9-4.2 4.2-4.2s4.2 1.7 4.2 4.2"/><path d="M11 3a2.1 2.1 0 0 1 0 4.2M12.2 9.9c1.5.5 2.3 2 2.3 4.1"/>`),
	event.TypeSurvey:   icon("survey", `<rect x="3" y="2.5" width="10" height="12" rx="1.5"/><path d="M6 6h4M6 9h4M6 12h2"/>`),
}

// customIcon marks the brand's own event types.
var customIcon = icon("custom", `<path d="M8 1.8l1.9 3.9 4.3.6-3.1 3 .7 4.3L8 11.6l-3.8 2 .7-4.3-3.1-3 4.3-.6z"/>`)

// icon is a 16×16 line icon of paths, named for tests.
func icon(name, paths string) template.HTML {
	return template.HTML(`<svg class="icon" data-icon="` + name + `" viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">` + paths + `</svg>`)
}

type option struct{ Value, Label string }

// timelineView is the activity section of the 360° view: aggregates, the spend chart and a
// page of the cross-channel timeline.
type timelineView struct {
	*console.View
	CustomerID          uuid.UUID
	FirstSeen, LastSeen string
	Purchases, Visits   int64
	Spend               string
	HasPurchases        bool
	Items               []timelineItem
	Type, Channel       string
	Types, Channels     []option
	MoreURL             string
	// Continued is set on the pages after the first, which add to a list already shown.
	Continued bool
}

// timelineItem is one event as the timeline shows it.
type timelineItem struct {
	ID, Type, ChannelKey, Label, Channel, When, Amount, Store string
	Icon                                                      template.HTML
	Lines, Details                                            []string
}

// yuan is an amount in fen as the console shows money: ¥1,234.56.
func yuan(fen int64) string { return "¥" + console.FormatYuan(fen) }

// when is t in the brand's time zone, a dash when there is none.
func when(v *console.View, t *time.Time) string {
	if t == nil {
		return "—"
	}
	return v.Time(t)
}

func itemOf(v *console.View, e event.Event, custom map[string]event.CustomType) timelineItem {
	it := timelineItem{ID: e.ID, Type: e.Type, ChannelKey: e.Channel, Icon: typeIcons[e.Type], Label: messages.T(v.Lang, "timeline.type_"+e.Type),
		Channel: messages.T(v.Lang, "timeline.channel_"+e.Channel), When: when(v, &e.OccurredAt), Store: e.Store}
	ct := custom[e.Type]
	if key, ok := event.CustomKey(e.Type); ok {
		it.Icon, it.Label = customIcon, key
		if ct.Label != "" {
			it.Label = ct.Label
		}
	}
	if e.AmountFen != nil {
		it.Amount = yuan(*e.AmountFen)
	}
	for _, item := range e.Items {
		line := fmt.Sprintf("%s × %d", item.SKU, item.Quantity)
		if item.Category != "" {
			line += " (" + item.Category + ")"
		}
		if item.PriceFen != nil {
			line += " " + yuan(*item.PriceFen)
		}
		it.Lines = append(it.Lines, line)
	}
	keys := make([]string, 0, len(e.Payload))
	for k := range e.Payload {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fields := v.Fields("event", customLabels(ct))
	for _, k := range keys {
		it.Details = append(it.Details, fields.Name(k)+messages.T(v.Lang, "value.colon")+fields.Value(k, e.Payload[k]))
	}
	return it
}

// customLabels are a custom type's field labels by key, which name its payload's fields before
// the names built-in events' fields have.
func customLabels(ct event.CustomType) map[string]string {
	out := map[string]string{}
	for _, f := range ct.Fields {
		if f.Label != "" {
			out[f.Key] = f.Label
		}
	}
	return out
}

// customerTimeline serves the timeline section of a customer's page (loaded once the page is
// shown), with part=list further pages or filtered pages of the timeline, and with
// part=summary the activity's figures and spend chart.
func (h *handlers) customerTimeline(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	ctx, q := r.Context(), r.URL.Query()
	out := timelineView{View: v, CustomerID: id, Type: q.Get("type"), Channel: q.Get("channel")}
	if out.Type != "" && !event.ValidType(out.Type) {
		out.Type = ""
	}
	if !slices.Contains(event.Channels, out.Channel) {
		out.Channel = ""
	}
	types, err := h.d.Events.EventTypes(ctx, v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	custom := map[string]event.CustomType{}
	for _, t := range event.Types {
		out.Types = append(out.Types, option{t, messages.T(v.Lang, "timeline.type_"+t)})
	}
	for _, t := range types {
		label := t.Label
		if label == "" {
			label = t.Key
		}
		custom[t.Name()] = t
		out.Types = append(out.Types, option{t.Name(), label})
	}
	for _, c := range event.Channels {
		out.Channels = append(out.Channels, option{c, messages.T(v.Lang, "timeline.channel_"+c)})
	}
	if q.Get("part") == "summary" {
		a, err := h.d.Events.Activity(ctx, v.Tenant.ID, id)
		if errors.Is(err, ports.ErrCustomerNotFound) {
			console.NotFound(w, r)
			return
		}
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		out.FirstSeen, out.LastSeen, out.Purchases, out.Visits = when(v, a.FirstSeenAt), when(v, a.LastSeenAt), a.PurchaseCount, a.VisitCount
		out.Spend, out.HasPurchases = yuan(a.SpendFen), a.PurchaseCount > 0
		console.RenderBlock(w, r, "customer", "customer-summary-section", out)
		return
	}
	cursor := q.Get("cursor")
	out.Continued = cursor != ""
	evs, err := h.d.Events.Timeline(ctx, v.Tenant.ID, id, ports.TimelineQuery{Type: out.Type, Channel: out.Channel},
		ports.Page{After: cursor, Limit: timelinePage + 1})
	if errors.Is(err, ports.ErrCustomerNotFound) {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	if len(evs) > timelinePage {
		evs = evs[:timelinePage]
		more := url.Values{"part": {"list"}, "cursor": {evs[len(evs)-1].ID}, "type": {out.Type}, "channel": {out.Channel}}
		out.MoreURL = "/console/customers/" + id.String() + "/timeline?" + more.Encode()
	}
	for _, e := range evs {
		out.Items = append(out.Items, itemOf(v, e, custom))
	}
	if q.Get("part") == "list" {
		console.RenderBlock(w, r, "customer", "timeline-list", out)
		return
	}
	console.RenderBlock(w, r, "customer", "customer-activity-section", out)
}

// customerSpend is the data of the spend chart: the customer's purchases per month over the
// year up to their last purchase.
func (h *handlers) customerSpend(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	a, err := h.d.Events.Activity(r.Context(), v.Tenant.ID, id)
	if errors.Is(err, ports.ErrCustomerNotFound) {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	end := time.Now()
	if a.LastPurchaseAt != nil {
		end = *a.LastPurchaseAt
	}
	months, err := h.d.Events.MonthlySpend(r.Context(), v.Tenant.ID, id, end, spendMonths, v.Location())
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	// The chart's shape is the dashboard's: labels along the axis, one value each.
	out := struct {
		Days   []string  `json:"days"`
		Counts []float64 `json:"counts"`
		Label  string    `json:"label"`
	}{Label: messages.T(v.Lang, "timeline.spend_yuan")}
	for _, m := range months {
		out.Days = append(out.Days, m.Month.Format("2006-01"))
		out.Counts = append(out.Counts, float64(m.SpendFen)/100)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
