// Package event is the customer activity stream: what a customer did (bought, visited,
// viewed, clicked, shared, referred, answered), on which channel and when, as partners and the
// Mini Program report it, and the rules each kind of event must follow.
package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/fieldtype"
	"github.com/engagehq/engage/domain/fielderr"
)

// Built-in event types.
const (
	TypePurchase = "purchase"
	TypeVisit    = "visit"
	TypePageView = "page_view"
	TypeClick    = "click"
	TypeShare    = "share"
	TypeReferral = "referral"
	TypeSurvey   = "survey"
)

// Types are the built-in event types; a brand's own types are "custom:<name>".
var Types = []string{TypePurchase, TypeVisit, TypePageView, TypeClick, TypeShare, TypeReferral, TypeSurvey}

// CustomPrefix starts the type of a brand-defined event.
const CustomPrefix = "custom:"

// Channels an event may come from: the brand's own (Mini Program, stores' POS, website,
// email, WeChat Official Account and WeCom, its app) and China's commerce platforms (Tmall and
// Taobao, JD, Pinduoduo, Douyin, Kuaishou, Xiaohongshu, Meituan, Ele.me, Youzan).
var Channels = []string{"mini_program", "pos", "website", "email", "wechat", "wecom", "tmall", "taobao", "jd", "pinduoduo", "douyin", "kuaishou", "xiaohongshu", "meituan", "eleme", "youzan", "app", "other"}

// Limits of an event.
const (
	// MaxIDLength is the longest sender's event ID, in characters.
	MaxIDLength = 100
	// MaxFuture is how far ahead of the server's clock an event may be dated (clock skew).
	MaxFuture = 5 * time.Minute
	// MaxItems is the most lines a purchase may list.
	MaxItems = 200
	// MaxPayloadBytes bounds the encoded payload.
	MaxPayloadBytes = 16 << 10
	// MaxAmountFen bounds a purchase's amount (a hundred million yuan) to catch garbage.
	MaxAmountFen = 100_000_000_00
	// MaxQuantity bounds an item's quantity.
	MaxQuantity = 1_000_000
)

// Earliest is the earliest date an event may carry. It catches the zero dates of broken
// senders (0001-01-01, 1970-01-01) while leaving room for real history: the CDNOW demo data
// are purchases of 1997 and 1998.
var Earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// Item is one line of a purchase.
type Item struct {
	SKU      string `json:"sku"`
	Category string `json:"category,omitempty"`
	Quantity int64  `json:"quantity"`
	// PriceFen is the unit price paid, in fen; nil when the sender does not say.
	PriceFen *int64 `json:"price_fen,omitempty"`
}

// Draft is an event as its sender describes it, not yet checked.
type Draft struct {
	ID string
	// CustomerID is Engage's ID of the customer; a sender may name the customer by its own
	// external ID or by phone instead, which the application resolves into CustomerID.
	CustomerID         string
	CustomerExternalID string
	CustomerPhone      string
	Type               string
	Channel            string
	// OccurredAt is when it happened; the zero time means the sender did not say.
	OccurredAt time.Time
	AmountFen  *int64
	Store      string
	Items      []Item
	// Payload is the rest of the event (survey answers, a referral's target, a page's URL).
	Payload map[string]any
	// Malformed are fields the sender's adapter could not decode (a timestamp that is not
	// RFC 3339); Check reports them among its own findings and skips their other rules.
	Malformed []*fielderr.Error
}

// Event is a checked event of a customer.
type Event struct {
	ID         string
	CustomerID uuid.UUID
	Type       string
	Channel    string
	OccurredAt time.Time
	// ReceivedAt is when Engage stored it; zero before it is stored.
	ReceivedAt time.Time
	// AmountFen is a purchase's amount; nil for other types.
	AmountFen *int64
	Store     string
	Items     []Item
	Payload   map[string]any
}

// ValidType reports whether t is a built-in type or a well-formed custom one.
func ValidType(t string) bool {
	if name, ok := strings.CutPrefix(t, CustomPrefix); ok {
		return fieldtype.ValidKey(name)
	}
	return slices.Contains(Types, t)
}

// ValidID reports whether id is 1 to 100 printable characters.
func ValidID(id string) bool {
	if id == "" || !utf8.ValidString(id) || utf8.RuneCountInString(id) > MaxIDLength {
		return false
	}
	for _, r := range id {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// Check verifies a draft against the rules of its type, with now as the server's clock, and
// returns the event. The error joins a *fielderr.Error for every field at fault.
func (d Draft) Check(now time.Time) (Event, error) {
	errs := make([]error, 0, len(d.Malformed))
	malformed := map[string]bool{}
	for _, fe := range d.Malformed {
		errs = append(errs, fe)
		malformed[fe.Field] = true
	}
	e := Event{ID: d.ID, Type: d.Type, Channel: d.Channel, OccurredAt: d.OccurredAt, Store: strings.TrimSpace(d.Store), Payload: d.Payload}
	if !ValidID(d.ID) {
		errs = append(errs, fielderr.Errorf("id", "1-%d printable characters", MaxIDLength))
	}
	if d.CustomerID == "" {
		errs = append(errs, fielderr.Errorf("customer_id", "required, unless customer_external_id or customer_phone names the customer"))
	} else if id, err := uuid.Parse(d.CustomerID); err != nil || len(d.CustomerID) != 36 {
		errs = append(errs, fielderr.Errorf("customer_id", "a customer ID (UUID)"))
	} else {
		e.CustomerID = id
	}
	if !ValidType(d.Type) {
		errs = append(errs, fielderr.Errorf("type", "one of %s, or custom:<name> with a name of 1-40 lower-case letters, digits and underscores, starting with a letter",
			strings.Join(Types, ", ")))
	}
	if !slices.Contains(Channels, d.Channel) {
		errs = append(errs, fielderr.Errorf("channel", "one of %s", strings.Join(Channels, ", ")))
	}
	switch {
	case malformed["occurred_at"]:
	case d.OccurredAt.IsZero():
		errs = append(errs, fielderr.Errorf("occurred_at", "required"))
	case d.OccurredAt.Before(Earliest):
		errs = append(errs, fielderr.Errorf("occurred_at", "not before %s", Earliest.Format(time.DateOnly)))
	case d.OccurredAt.After(now.Add(MaxFuture)):
		errs = append(errs, fielderr.Errorf("occurred_at", "at most 5 minutes ahead of the server's clock (%s)", now.UTC().Format(time.RFC3339)))
	}
	if utf8.RuneCountInString(e.Store) > 100 {
		errs = append(errs, fielderr.Errorf("store", "at most 100 characters"))
	}
	if d.Type == TypePurchase {
		errs = append(errs, checkPurchase(d)...)
		e.AmountFen, e.Items = d.AmountFen, d.Items
	} else {
		if d.AmountFen != nil {
			errs = append(errs, fielderr.Errorf("amount_fen", "only purchases carry an amount"))
		}
		if len(d.Items) > 0 {
			errs = append(errs, fielderr.Errorf("items", "only purchases carry items"))
		}
	}
	if _, ok := d.Payload["items"]; ok {
		errs = append(errs, fielderr.Errorf("payload.items", "send a purchase's items in items"))
	}
	if d.Payload != nil {
		raw, err := json.Marshal(d.Payload)
		switch {
		case err != nil:
			errs = append(errs, fielderr.Errorf("payload", "not representable as JSON"))
		case len(raw) > MaxPayloadBytes:
			errs = append(errs, fielderr.Errorf("payload", "at most %d bytes of JSON", MaxPayloadBytes))
		}
	}
	return e, errors.Join(errs...)
}

func checkPurchase(d Draft) []error {
	var errs []error
	switch {
	case d.AmountFen == nil:
		errs = append(errs, fielderr.Errorf("amount_fen", "a purchase needs its amount in fen"))
	case *d.AmountFen < 0:
		errs = append(errs, fielderr.Errorf("amount_fen", "at least 0"))
	case *d.AmountFen > MaxAmountFen:
		errs = append(errs, fielderr.Errorf("amount_fen", "at most %d", int64(MaxAmountFen)))
	}
	if len(d.Items) == 0 {
		errs = append(errs, fielderr.Errorf("items", "a purchase lists at least one item"))
	}
	if len(d.Items) > MaxItems {
		errs = append(errs, fielderr.Errorf("items", "at most %d items", MaxItems))
	}
	for i, it := range d.Items {
		at := fmt.Sprintf("items[%d].", i)
		if it.SKU == "" || utf8.RuneCountInString(it.SKU) > 100 {
			errs = append(errs, fielderr.Errorf(at+"sku", "1-100 characters"))
		}
		if utf8.RuneCountInString(it.Category) > 100 {
			errs = append(errs, fielderr.Errorf(at+"category", "at most 100 characters"))
		}
		if it.Quantity < 1 || it.Quantity > MaxQuantity {
			errs = append(errs, fielderr.Errorf(at+"quantity", "1 to %d", MaxQuantity))
		}
		if it.PriceFen != nil && (*it.PriceFen < 0 || *it.PriceFen > MaxAmountFen) {
			errs = append(errs, fielderr.Errorf(at+"price_fen", "0 to %d", int64(MaxAmountFen)))
		}
	}
	return errs
}

// Activity is what a customer's events add up to: what lifecycle stages and segments read.
type Activity struct {
	CustomerID uuid.UUID
	// FirstSeenAt and LastSeenAt span the customer's events of any type; nil without events.
	FirstSeenAt, LastSeenAt *time.Time
	LastPurchaseAt          *time.Time
	PurchaseCount           int64
	SpendFen                int64
	VisitCount              int64
	UpdatedAt               time.Time
}

// TypeRecorded is the domain event of stored customer events: one per ingested batch.
const TypeRecorded = "customer_events.recorded"

// Recorded is the data of TypeRecorded: the IDs of the events the batch stored (not its
// duplicates), which the subscribers read, and the customers they are of, for the subscribers
// that recompute customers rather than read events.
type Recorded struct {
	EventIDs []string `json:"event_ids"`
	// CustomerIDs are the distinct customers of the events, in ascending order (the order
	// rows are locked in). Events recorded before the field existed lack it.
	CustomerIDs []uuid.UUID `json:"customer_ids,omitempty"`
}

// CustomersOf returns the distinct customers of evs in ascending order.
func CustomersOf(evs []Event) []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(evs))
	for _, e := range evs {
		ids = append(ids, e.CustomerID)
	}
	return SortCustomers(ids)
}

// SortCustomers sorts ids in ascending order and drops repeats, in place.
func SortCustomers(ids []uuid.UUID) []uuid.UUID {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return slices.Compact(ids)
}
