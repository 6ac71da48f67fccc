package customersdb

import (
	"strings"

	"github.com/engagehq/engage/domain/customers/segment"
)

// SegmentFields returns the SQL of the customers module's segment fields
// (segment.CustomerFields): profile columns, consents, custom attributes, tags, activity
// aggregates and windows of recent events.
func SegmentFields() []SegmentField {
	out := []SegmentField{
		{Name: "birth_month", SQL: birthMonth},
		{Name: "joined_on", SQL: joinedOn},
		{Name: "joined_days_ago", SQL: joinedDaysAgo},
		{Name: segment.ConsentPrefix, SQL: consent},
		{Name: segment.AttributePrefix, SQL: attribute},
		{Name: "tag", SQL: tag},
		{Name: "last_purchase_days_ago", SQL: lastPurchaseDaysAgo},
		{Name: "purchases", Aggregate: true, SQL: window(func(segment.Condition, *Binder) string { return " AND x.type = 'purchase'" })},
		{Name: "events", Aggregate: true, SQL: window(func(c segment.Condition, b *Binder) string { return " AND x.type = " + b.Arg(c.EventType) })},
		{Name: "store_visits", Aggregate: true, SQL: window(func(c segment.Condition, b *Binder) string {
			return " AND x.type IN ('visit', 'purchase') AND x.store = " + b.Arg(c.Store)
		})},
		{Name: "category_spend_fen", Aggregate: true, SQL: categorySpend},
		{Name: "joined_campaign", SQL: joinedCampaign},
		{Name: "channel", SQL: channel},
	}
	for _, column := range []string{"gender", "city", "region", "language", "preferred_store", "lifecycle_stage"} {
		out = append(out, SegmentField{Name: column, SQL: func(c segment.Condition, b *Binder) string {
			return "(" + b.Compare("c."+column, c.Op, c.Value, "text") + ")"
		}})
	}
	for _, column := range []string{"purchase_count", "spend_fen", "visit_count"} {
		out = append(out, SegmentField{Name: column, SQL: func(c segment.Condition, b *Binder) string { return activityCount(column, c, b) }})
	}
	return out
}

// exists is a semi-join (or anti-join) with a table of the customer's rows, aliased x.
func exists(has bool, table, cond string) string {
	sub := "EXISTS (SELECT 1 FROM " + table + " WHERE x.tenant_id = c.tenant_id AND x.customer_id = c.id AND " + cond + ")"
	if has {
		return sub
	}
	return "NOT " + sub
}

// whole turns a whole number checked by the catalogue into an integer argument.
func whole(v any) any {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case []float64:
		out := make([]int64, len(x))
		for i, f := range x {
			out[i] = int64(f)
		}
		return out
	}
	return v
}

// daysAgo is the number of whole days from t to the evaluation time.
func (b *Binder) daysAgo(t string) string {
	return "floor(extract(epoch FROM " + b.Arg(b.Now()) + "::timestamptz - " + t + ") / 86400)"
}

// holdsAtZero reports whether "0 op v" holds: whether customers with nothing to count match.
func holdsAtZero(op string, v float64) bool {
	switch op {
	case segment.OpEq:
		return v == 0
	case segment.OpNe:
		return v != 0
	case segment.OpLt:
		return 0 < v
	case segment.OpLe:
		return 0 <= v
	case segment.OpGt:
		return 0 > v
	}
	return 0 >= v
}

func birthMonth(c segment.Condition, b *Binder) string {
	return "coalesce(" + b.Compare("extract(month FROM c.birth_date)::int", c.Op, whole(c.Value), "int") + ", false)"
}

// joinedOn counts calendar days in the brand's time zone (the platform-level tenants row, read
// once per statement: the subquery does not depend on the customer).
func joinedOn(c segment.Condition, b *Binder) string {
	return "((c.created_at AT TIME ZONE (SELECT t.timezone FROM tenants t WHERE t.id = current_setting('app.tenant_id')::uuid))::date " +
		sqlOps[c.Op] + " " + b.Arg(c.Value) + "::date)"
}

func joinedDaysAgo(c segment.Condition, b *Binder) string {
	return "(" + b.Compare(b.daysAgo("c.created_at"), c.Op, whole(c.Value), "bigint") + ")"
}

func consent(c segment.Condition, b *Binder) string {
	return "(coalesce((c.consents ->> " + b.Arg(c.Key) + ")::boolean, false) = " + b.Arg(c.Value) + "::boolean)"
}

func attribute(c segment.Condition, b *Binder) string {
	key := b.Arg(c.Key)
	switch c.Op {
	case segment.OpIsSet:
		return "(c.attributes ? " + key + ")"
	case segment.OpIsNotSet:
		return "NOT (c.attributes ? " + key + ")"
	}
	// A customer without the attribute (or with a value of another type, from before the
	// brand changed its definition) matches no comparison of it.
	switch c.Field.Kind {
	case segment.KindNumber:
		return "coalesce(CASE WHEN jsonb_typeof(c.attributes -> " + key + ") = 'number' THEN " +
			b.Compare("(c.attributes ->> "+key+")::numeric", c.Op, c.Value, "numeric") + " END, false)"
	case segment.KindBoolean:
		return "coalesce(c.attributes -> " + key + " = to_jsonb(" + b.Arg(c.Value) + "::boolean), false)"
	}
	return "coalesce(CASE WHEN jsonb_typeof(c.attributes -> " + key + ") = 'string' THEN " +
		b.Compare("c.attributes ->> "+key, c.Op, c.Value, "text") + " END, false)"
}

func tag(c segment.Condition, b *Binder) string {
	return exists(c.Op == segment.OpHas, "customer_tags x", "x.tag = "+b.Arg(c.Value))
}

func lastPurchaseDaysAgo(c segment.Condition, b *Binder) string {
	return exists(true, "customer_activity x", "x.last_purchase_at IS NOT NULL AND "+
		b.Compare(b.daysAgo("x.last_purchase_at"), c.Op, whole(c.Value), "bigint"))
}

// activityCount compares an aggregate of all the customer's activity. Customers without
// aggregates have counted nothing yet: they are in when 0 matches, so the condition is then
// "no aggregates that fail it".
func activityCount(column string, c segment.Condition, b *Binder) string {
	v := c.Value.(float64)
	cmp := b.Compare("x."+column, c.Op, whole(v), "bigint")
	if holdsAtZero(c.Op, v) {
		return exists(false, "customer_activity x", "NOT ("+cmp+")")
	}
	return exists(true, "customer_activity x", cmp)
}

// joinedCampaign is whether one of the customer's events (of the window, when there is one)
// carries the campaign in its payload.
func joinedCampaign(c segment.Condition, b *Binder) string {
	cond := "x.payload ? 'campaign' AND x.payload ->> 'campaign' = " + b.Arg(c.Value)
	if c.WindowDays > 0 {
		cond += " AND x.occurred_at >= " + b.Arg(c.Since(b.Now()))
	}
	return exists(c.Op == segment.OpHas, "customer_events x", cond)
}

// channel is whether one of the customer's events (of the window, when there is one) came
// from the channel.
func channel(c segment.Condition, b *Binder) string {
	cond := "x.channel = " + b.Arg(c.Value)
	if c.WindowDays > 0 {
		cond += " AND x.occurred_at >= " + b.Arg(c.Since(b.Now()))
	}
	return exists(c.Op == segment.OpHas, "customer_events x", cond)
}

// window returns the SQL of a count of the customer's events of the last window_days that
// also pass filter.
func window(filter func(c segment.Condition, b *Binder) string) func(segment.Condition, *Binder) string {
	return func(c segment.Condition, b *Binder) string {
		where := "x.occurred_at >= " + b.Arg(c.Since(b.Now()))
		where += filter(c, b)
		return aggregate(c, b, "customer_events x", where, "count(*)")
	}
}

// categorySpend adds up the prices of the items of one category the customer bought in the
// last window_days; items without a price add nothing.
func categorySpend(c segment.Condition, b *Binder) string {
	where := "x.occurred_at >= " + b.Arg(c.Since(b.Now()))
	where += " AND x.type = 'purchase' AND i ->> 'category' = " + b.Arg(c.Category)
	from := "customer_events x CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(x.payload -> 'items') = 'array' " +
		"THEN x.payload -> 'items' ELSE '[]' END) AS i"
	return aggregate(c, b, from, where, "coalesce(sum((i ->> 'quantity')::numeric * (i ->> 'price_fen')::numeric), 0)")
}

// aggregate compares agg, an aggregate of the customer's rows of from (aliased x) that pass
// filter, with the condition's value.
func aggregate(c segment.Condition, b *Binder, from, filter, agg string) string {
	v := c.Value.(float64)
	if b.Few() {
		return "((SELECT " + agg + " FROM " + from + " WHERE x.tenant_id = c.tenant_id AND x.customer_id = c.id AND " + filter + ") " +
			sqlOps[c.Op] + " " + b.Arg(whole(v)) + ")"
	}
	// The customers with events in the window whose aggregate passes (or, when 0 passes,
	// fails) the comparison, found in one pass over the window on the type and time index, or
	// customer by customer when the conditions and-ed with it pick few.
	if len(b.Restriction()) > 0 {
		filter += " AND x.customer_id IN (SELECT c.id FROM customers c WHERE " + strings.Join(b.Restriction(), " AND ") + ")"
	}
	having := agg + " " + sqlOps[c.Op] + " " + b.Arg(whole(v))
	zero := holdsAtZero(c.Op, v)
	if zero {
		having = "NOT (" + having + ")"
	}
	sub := "EXISTS (SELECT 1 FROM (SELECT x.customer_id FROM " + from + " WHERE " + filter + " GROUP BY x.customer_id HAVING " +
		having + ") w WHERE w.customer_id = c.id)"
	if zero {
		return "NOT " + sub
	}
	return sub
}
