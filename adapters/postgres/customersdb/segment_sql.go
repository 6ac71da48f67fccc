package customersdb

import (
	"strconv"
	"strings"
	"time"

	"github.com/engagehq/engage/domain/customers/segment"
)

// SegmentField is the SQL of a segment field (segment.Field), declared beside it by the module
// whose data the field reads: how a condition on it reads the customer, the customers row "c".
type SegmentField struct {
	// Name is the field's name, or for a family (segment.Family) its prefix.
	Name string
	// Aggregate says the predicate aggregates the customer's events: it is compiled after the
	// conditions and-ed with it, whose predicates Binder.Restriction then returns.
	Aggregate bool
	// SQL returns the predicate of c, which is true or false, never NULL, so that "not" is its
	// exact complement. Nothing the user wrote may be part of its text: values, keys, event
	// types, categories and stores are bound with b.Arg; the text holds only column names and
	// operators.
	SQL func(c segment.Condition, b *Binder) string
}

// Binder compiles a checked segment tree into a predicate over the customers row "c", with the
// SQL the modules declared for its fields, and binds their arguments.
type Binder struct {
	fields map[string]SegmentField
	args   []any
	now    time.Time
	// few compiles event windows as per-customer subqueries on the timeline index, for
	// evaluating a handful of customers; otherwise they are one aggregate over the brand's
	// events of the window, semi-joined to customers, for counting the whole brand.
	few bool
	// restrict holds the predicates of the conditions without aggregates that are and-ed with
	// the node being compiled: an aggregate need only consider the customers they match, which
	// lets the planner start from a selective profile or tag condition and look up just those
	// customers' events instead of aggregating the brand's whole window.
	restrict []string
}

// compile returns the predicate of t and its arguments, numbered after the first `offset`
// arguments of the caller.
func (e SegmentEvaluator) compile(t segment.Tree, now time.Time, offset int, few bool) (string, []any) {
	b := &Binder{fields: e.fields, now: now, few: few, args: make([]any, offset)}
	where := b.node(t.Root)
	return where, b.args[offset:]
}

// Arg binds v as the statement's next argument and returns its placeholder.
func (b *Binder) Arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

// Now is when the tree is evaluated.
func (b *Binder) Now() time.Time { return b.now }

// Few says the statement evaluates a handful of customers (up to fewCustomers), for which a
// subquery per customer beats an aggregate over the whole brand.
func (b *Binder) Few() bool { return b.few }

// Restriction returns the predicates of the conditions without aggregates that are and-ed with
// the aggregate being compiled: where one fails the group is false whatever the aggregate
// says, so the aggregate may consider only the customers they all match.
func (b *Binder) Restriction() []string { return b.restrict }

// Compare applies a comparison, in or not_in to expr, with value bound as of the SQL type cast.
func (b *Binder) Compare(expr, op string, value any, cast string) string {
	switch op {
	case segment.OpIn:
		return expr + " = ANY(" + b.Arg(value) + "::" + cast + "[])"
	case segment.OpNotIn:
		return expr + " <> ALL(" + b.Arg(value) + "::" + cast + "[])"
	}
	return expr + " " + sqlOps[op] + " " + b.Arg(value) + "::" + cast
}

// sqlOps maps the catalogue's comparison operators to SQL.
var sqlOps = map[string]string{
	segment.OpEq: "=", segment.OpNe: "<>", segment.OpLt: "<", segment.OpLe: "<=", segment.OpGt: ">", segment.OpGe: ">=",
}

func (b *Binder) node(n segment.Node) string {
	switch {
	case n.Cond != nil:
		return b.condition(*n.Cond)
	case n.Not != nil:
		return "NOT " + b.node(*n.Not)
	case n.Or != nil:
		return b.group(n.Or, " OR ", "FALSE")
	}
	return b.group(n.And, " AND ", "TRUE")
}

func (b *Binder) group(children []segment.Node, op, empty string) string {
	if len(children) == 0 {
		return empty
	}
	parts := make([]string, 0, len(children))
	var aggregates []segment.Node
	for _, c := range children {
		if op == " AND " && b.aggregates(c) {
			aggregates = append(aggregates, c)
			continue
		}
		parts = append(parts, b.node(c))
	}
	if len(aggregates) > 0 {
		// Restricting the aggregates to the customers their siblings match is sound even
		// under or and not: where a sibling fails, the whole group is false whatever they say.
		outer := b.restrict
		b.restrict = append(append([]string(nil), outer...), parts...)
		for _, c := range aggregates {
			parts = append(parts, b.node(c))
		}
		b.restrict = outer
	}
	return "(" + strings.Join(parts, op) + ")"
}

// aggregates reports whether n holds a condition that aggregates events.
func (b *Binder) aggregates(n segment.Node) bool {
	t := segment.Tree{Root: n}
	for _, c := range t.Conditions() {
		if b.sql(*c).Aggregate {
			return true
		}
	}
	return false
}

// sql is the SQL declared for c's field, or for its family.
func (b *Binder) sql(c segment.Condition) SegmentField {
	name := c.Field.Name
	if c.Field.Family != "" {
		name = c.Field.Family
	}
	f, ok := b.fields[name]
	if !ok {
		// The catalogue and the compiler are given the fields of the same modules.
		panic("segment: no SQL for field " + name)
	}
	return f
}

func (b *Binder) condition(c segment.Condition) string { return b.sql(c).SQL(c, b) }
