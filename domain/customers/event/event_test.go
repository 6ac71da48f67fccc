package event_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
)

var now = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

func fen(v int64) *int64 { return &v }

func fields(err error) []string {
	var out []string
	for _, fe := range fielderr.All(err) {
		out = append(out, fe.Field)
	}
	return out
}

func purchase() event.Draft {
	return event.Draft{ID: "pos-1", CustomerID: uuid.NewString(), Type: event.TypePurchase, Channel: "pos",
		OccurredAt: now.Add(-time.Hour), AmountFen: fen(3800), Store: " 上海南京西路店 ",
		Items: []event.Item{{SKU: "tea-oolong", Category: "tea", Quantity: 2, PriceFen: fen(1900)}}}
}

func TestAValidPurchaseIsChecked(t *testing.T) {
	t.Parallel()
	d := purchase()
	e, err := d.Check(now)
	require.NoError(t, err)
	require.Equal(t, uuid.MustParse(d.CustomerID), e.CustomerID)
	require.Equal(t, "上海南京西路店", e.Store)
	require.Equal(t, int64(3800), *e.AmountFen)

	free := purchase()
	free.AmountFen = fen(0)
	_, err = free.Check(now)
	require.NoError(t, err, "a free purchase is a purchase")

	epoch := purchase()
	epoch.OccurredAt = time.Unix(0, 0)
	_, err = epoch.Check(now)
	require.ErrorContains(t, err, "not before 1990-01-01", "a zero Unix time is a broken sender's")

	backfill := purchase()
	backfill.OccurredAt = time.Date(1997, 1, 1, 4, 0, 0, 0, time.UTC)
	_, err = backfill.Check(now)
	require.NoError(t, err, "history is accepted")

	skewed := purchase()
	skewed.OccurredAt = now.Add(4 * time.Minute)
	_, err = skewed.Check(now)
	require.NoError(t, err, "a few minutes of clock skew are tolerated")
}

func TestEveryFieldAtFaultIsNamed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(*event.Draft)
		fields []string
	}{
		{"negative amount", func(d *event.Draft) { d.AmountFen = fen(-1) }, []string{"amount_fen"}},
		{"no amount", func(d *event.Draft) { d.AmountFen = nil }, []string{"amount_fen"}},
		{"no items", func(d *event.Draft) { d.Items = nil }, []string{"items"}},
		{"bad items", func(d *event.Draft) {
			d.Items = []event.Item{{SKU: "a", Quantity: 1}, {Quantity: 0, PriceFen: fen(-5)}}
		}, []string{"items[1].sku", "items[1].quantity", "items[1].price_fen"}},
		{"future", func(d *event.Draft) { d.OccurredAt = now.Add(6 * time.Minute) }, []string{"occurred_at"}},
		{"no time", func(d *event.Draft) { d.OccurredAt = time.Time{} }, []string{"occurred_at"}},
		{"id too long", func(d *event.Draft) { d.ID = strings.Repeat("x", 101) }, []string{"id"}},
		{"id unprintable", func(d *event.Draft) { d.ID = "a\x00b" }, []string{"id"}},
		{"no id", func(d *event.Draft) { d.ID = "" }, []string{"id"}},
		{"customer not a uuid", func(d *event.Draft) { d.CustomerID = "42" }, []string{"customer_id"}},
		{"no customer", func(d *event.Draft) { d.CustomerID = "" }, []string{"customer_id"}},
		{"unknown type", func(d *event.Draft) { d.Type = "purchased" }, []string{"type", "amount_fen", "items"}},
		{"bad custom name", func(d *event.Draft) { d.Type = "custom:Tasting Day"; d.AmountFen, d.Items = nil, nil }, []string{"type"}},
		{"malformed time", func(d *event.Draft) {
			d.OccurredAt = time.Time{}
			d.Malformed = []*fielderr.Error{{Field: "occurred_at", Err: errors.New("RFC 3339")}}
		}, []string{"occurred_at"}},
		{"unknown channel", func(d *event.Draft) { d.Channel = "fax" }, []string{"channel"}},
		{"items in payload", func(d *event.Draft) { d.Payload = map[string]any{"items": 1} }, []string{"payload.items"}},
		{"huge payload", func(d *event.Draft) { d.Payload = map[string]any{"x": strings.Repeat("y", event.MaxPayloadBytes)} }, []string{"payload"}},
	}
	for _, tc := range cases {
		d := purchase()
		tc.change(&d)
		_, err := d.Check(now)
		require.ElementsMatchf(t, tc.fields, fields(err), "%s: %v", tc.name, err)
	}
}

func TestOtherTypesCarryNoAmountOrItems(t *testing.T) {
	t.Parallel()
	visit := event.Draft{ID: "v1", CustomerID: uuid.NewString(), Type: event.TypeVisit, Channel: "mini_program", OccurredAt: now}
	_, err := visit.Check(now)
	require.NoError(t, err)

	custom := visit
	custom.Type = "custom:tea_tasting"
	custom.Payload = map[string]any{"cups": 3.0}
	_, err = custom.Check(now)
	require.NoError(t, err)

	visit.AmountFen = fen(100)
	visit.Items = []event.Item{{SKU: "x", Quantity: 1}}
	_, err = visit.Check(now)
	require.ElementsMatch(t, []string{"amount_fen", "items"}, fields(err))
}

func TestTypes(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"purchase", "survey", "custom:a", "custom:tea_tasting_2"} {
		require.True(t, event.ValidType(ok), ok)
	}
	for _, bad := range []string{"", "Purchase", "custom:", "custom:2x", "custom:" + strings.Repeat("a", 41), "other:x"} {
		require.False(t, event.ValidType(bad), bad)
	}
}
