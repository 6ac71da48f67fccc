package customersdb

import (
	"strconv"
	"strings"
	"time"

	"github.com/engagehq/engage/domain/segment"
)

// segmentSQL compiles a checked segment tree into a predicate over the customers row "c".
// Nothing the user wrote is ever part of the SQL text: values, attribute and consent keys,
// event types, categories and stores are all bound parameters; the text only holds column
// names and operators taken from the catalogue. Every predicate is true or false, never NULL,
// so that "not" is the exact complement of its child.
type segmentSQL struct {
	args []any
	now  time.Time
	// few compiles event windows as per-customer subqueries on the timeline index, for
	// evaluating a handful of customers; otherwise they are one aggregate over the brand's
	// events of the window, semi-joined to customers, for counting the whole brand.
	few bool
	// restrict holds the predicates of the conditions without windows that are and-ed with
	// the node being compiled: a window's aggregate need only consider the customers they
	// match, which lets the planner start from a selective profile or tag condition and look
	// up just those customers' events instead of aggregating the brand's whole window.
	restrict []string
}

// compileSegment returns the predicate of t and its arguments, numbered after the first
// `offset` arguments of the caller.
func compileSegment(t segment.Tree, now time.Time, offset int, few bool) (string, []any) {
	s := &segmentSQL{now: now, few: few, args: make([]any, offset)}
	where := s.node(t.Root)
	return where, s.args[offset:]
}

func (s *segmentSQL) arg(v any) string {
	s.args = append(s.args, v)
	return "$" + strconv.Itoa(len(s.args))
}

func (s *segmentSQL) node(n segment.Node) string {
	switch {
	case n.Cond != nil:
		return s.condition(*n.Cond)
	case n.Not != nil:
		return "NOT " + s.node(*n.Not)
	case n.Or != nil:
		return s.group(n.Or, " OR ", "FALSE")
	}
	return s.group(n.And, " AND ", "TRUE")
}

func (s *segmentSQL) group(children []segment.Node, op, empty string) string {
	if len(children) == 0 {
		return empty
	}
	parts := make([]string, 0, len(children))
	var windowed []segment.Node
	for _, c := range children {
		if op == " AND " && hasWindow(c) {
			windowed = append(windowed, c)
			continue
		}
		parts = append(parts, s.node(c))
	}
	if len(windowed) > 0 {
		// Restricting the windows to the customers their siblings match is sound even under
		// or and not: where a sibling fails, the whole group is false whatever they say.
		outer := s.restrict
		s.restrict = append(append([]string(nil), outer...), parts...)
		for _, c := range windowed {
			parts = append(parts, s.node(c))
		}
		s.restrict = outer
	}
	return "(" + strings.Join(parts, op) + ")"
}

// hasWindow reports whether n holds a condition that aggregates events.
func hasWindow(n segment.Node) bool {
	t := segment.Tree{Root: n}
	for _, c := range t.Conditions() {
		if c.Field.Source == segment.SourceWindow && c.Field.Column != "campaign" {
			return true
		}
	}
	return false
}

// sqlOps maps the catalogue's comparison operators to SQL.
var sqlOps = map[string]string{
	segment.OpEq: "=", segment.OpNe: "<>", segment.OpLt: "<", segment.OpLe: "<=", segment.OpGt: ">", segment.OpGe: ">=",
}

func (s *segmentSQL) condition(c segment.Condition) string {
	switch c.Field.Source {
	case segment.SourceProfile:
		return s.profile(c)
	case segment.SourceConsent:
		return "(coalesce((c.consents ->> " + s.arg(c.Key) + ")::boolean, false) = " + s.arg(c.Value) + "::boolean)"
	case segment.SourceAttribute:
		return s.attribute(c)
	case segment.SourceTag:
		return s.exists(c.Op == segment.OpHas, "customer_tags x", "x.tag = "+s.arg(c.Value))
	case segment.SourceActivity:
		return s.activity(c)
	case segment.SourceWindow:
		return s.window(c)
	}
	panic("segment: unknown source " + string(c.Field.Source))
}

// exists is a semi-join (or anti-join) with a table of the customer's rows, aliased x.
func (s *segmentSQL) exists(has bool, table, cond string) string {
	sub := "EXISTS (SELECT 1 FROM " + table + " WHERE x.tenant_id = c.tenant_id AND x.customer_id = c.id AND " + cond + ")"
	if has {
		return sub
	}
	return "NOT " + sub
}

// compare applies a comparison, in or not_in to expr; cast is the SQL type of the values.
func (s *segmentSQL) compare(expr, op string, value any, cast string) string {
	switch op {
	case segment.OpIn:
		return expr + " = ANY(" + s.arg(value) + "::" + cast + "[])"
	case segment.OpNotIn:
		return expr + " <> ALL(" + s.arg(value) + "::" + cast + "[])"
	}
	return expr + " " + sqlOps[op] + " " + s.arg(value) + "::" + cast
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
func (s *segmentSQL) daysAgo(t string) string {
	return "floor(extract(epoch FROM " + s.arg(s.now) + "::timestamptz - " + t + ") / 86400)"
}

func (s *segmentSQL) profile(c segment.Condition) string {
	switch c.Field.Column {
	case "birth_month":
		return "coalesce(" + s.compare("extract(month FROM c.birth_date)::int", c.Op, whole(c.Value), "int") + ", false)"
	case "joined_on":
		// Calendar days in the brand's time zone (the platform-level tenants row, read once
		// per statement: the subquery does not depend on the customer).
		return "((c.created_at AT TIME ZONE (SELECT t.timezone FROM tenants t WHERE t.id = current_setting('app.tenant_id')::uuid))::date " +
			sqlOps[c.Op] + " " + s.arg(c.Value) + "::date)"
	case "joined_days_ago":
		return "(" + s.compare(s.daysAgo("c.created_at"), c.Op, whole(c.Value), "bigint") + ")"
	}
	return "(" + s.compare("c."+c.Field.Column, c.Op, c.Value, "text") + ")"
}

func (s *segmentSQL) attribute(c segment.Condition) string {
	key := s.arg(c.Key)
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
			s.compare("(c.attributes ->> "+key+")::numeric", c.Op, c.Value, "numeric") + " END, false)"
	case segment.KindBoolean:
		return "coalesce(c.attributes -> " + key + " = to_jsonb(" + s.arg(c.Value) + "::boolean), false)"
	}
	return "coalesce(CASE WHEN jsonb_typeof(c.attributes -> " + key + ") = 'string' THEN " +
		s.compare("c.attributes ->> "+key, c.Op, c.Value, "text") + " END, false)"
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

func (s *segmentSQL) activity(c segment.Condition) string {
	if c.Field.Column == "last_purchase_days_ago" {
		return s.exists(true, "customer_activity x", "x.last_purchase_at IS NOT NULL AND "+
			s.compare(s.daysAgo("x.last_purchase_at"), c.Op, whole(c.Value), "bigint"))
	}
	// Customers without aggregates have counted nothing yet: they are in when 0 matches, so
	// the condition is then "no aggregates that fail it".
	v := c.Value.(float64)
	cmp := s.compare("x."+c.Field.Column, c.Op, whole(v), "bigint")
	if holdsAtZero(c.Op, v) {
		return s.exists(false, "customer_activity x", "NOT ("+cmp+")")
	}
	return s.exists(true, "customer_activity x", cmp)
}

// window compiles an aggregate of the customer's events of the last window_days.
func (s *segmentSQL) window(c segment.Condition) string {
	if c.Field.Column == "campaign" {
		cond := "x.payload ? 'campaign' AND x.payload ->> 'campaign' = " + s.arg(c.Value)
		if c.WindowDays > 0 {
			cond += " AND x.occurred_at >= " + s.arg(c.Since(s.now))
		}
		return s.exists(c.Op == segment.OpHas, "customer_events x", cond)
	}
	filter := "x.occurred_at >= " + s.arg(c.Since(s.now))
	from, agg := "customer_events x", "count(*)"
	switch c.Field.Column {
	case "purchases":
		filter += " AND x.type = 'purchase'"
	case "events":
		filter += " AND x.type = " + s.arg(c.EventType)
	case "store_visits":
		filter += " AND x.type IN ('visit', 'purchase') AND x.store = " + s.arg(c.Store)
	case "category_spend_fen":
		// Items without a price add nothing.
		from = "customer_events x CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(x.payload -> 'items') = 'array' " +
			"THEN x.payload -> 'items' ELSE '[]' END) AS i"
		filter += " AND x.type = 'purchase' AND i ->> 'category' = " + s.arg(c.Category)
		agg = "coalesce(sum((i ->> 'quantity')::numeric * (i ->> 'price_fen')::numeric), 0)"
	}
	v := c.Value.(float64)
	if s.few {
		return "((SELECT " + agg + " FROM " + from + " WHERE x.tenant_id = c.tenant_id AND x.customer_id = c.id AND " + filter + ") " +
			sqlOps[c.Op] + " " + s.arg(whole(v)) + ")"
	}
	// The customers with events in the window whose aggregate passes (or, when 0 passes,
	// fails) the comparison, found in one pass over the window on the type and time index, or
	// customer by customer when the conditions and-ed with it pick few.
	if len(s.restrict) > 0 {
		filter += " AND x.customer_id IN (SELECT c.id FROM customers c WHERE " + strings.Join(s.restrict, " AND ") + ")"
	}
	having := agg + " " + sqlOps[c.Op] + " " + s.arg(whole(v))
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
