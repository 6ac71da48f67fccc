// Package segment is the segments of a brand's customers: a tree of conditions over profile
// fields, custom attributes, tags, lifecycle stage, activity aggregates and recent events,
// combined with and, or and not, validated against a catalogue of fields; the saved segments
// and the auto-tag rules built on them.
//
// A tree is JSON. A node is exactly one of:
//
//	{"and": [node, ...]}   every child matches (an empty list matches everyone)
//	{"or":  [node, ...]}   at least one child matches (an empty list matches no one)
//	{"not": node}          the child does not match
//	{"field": "...", "op": "...", "value": ..., ...}   a condition
//
// A condition names a field of the catalogue, an operator its kind allows and a value of its
// kind. Window fields count or add up the customer's events of the last window_days days and
// take the parameter they need:
//
//	{"field": "purchases", "window_days": 30, "op": ">=", "value": 2}
//	{"field": "events", "event_type": "visit", "window_days": 7, "op": ">=", "value": 1}
//	{"field": "category_spend_fen", "category": "tea", "window_days": 90, "op": ">", "value": 10000}
//	{"field": "store_visits", "store": "上海南京西路店", "window_days": 30, "op": ">=", "value": 1}
//	{"field": "joined_campaign", "op": "has", "value": "spring-2025"}
//	{"field": "channel", "op": "has", "value": "tmall", "window_days": 90}
//	{"field": "tag", "op": "has_not", "value": "vip"}
//	{"field": "attributes.favourite_tea", "op": "in", "value": ["oolong", "puer"]}
//	{"field": "consents.marketing_sms", "op": "=", "value": true}
//
// Customers without any event of a window have a count and a spend of 0 there ("purchases <
// 1" matches them); customers who never bought have no last_purchase_days_ago and match no
// comparison of it. A customer joined a campaign Z when one of their events carries
// "campaign": "Z" in its payload, and reached the brand through channel C when one of their
// events came from C (window_days, when given, limits which events count).
package segment

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
)

// Limits of a tree.
const (
	// MaxDepth is how many groups (and, or, not) may nest.
	MaxDepth = 5
	// MaxConditions is how many conditions a tree may hold.
	MaxConditions = 50
	// MaxListValues is how many values an in or not_in list may hold.
	MaxListValues = 100
	// MaxWindowDays is the longest window, ten years.
	MaxWindowDays = 3650
	// MaxTextLength is the longest text value, in characters.
	MaxTextLength = 100
)

// Errors a tree may have; each comes wrapped in a *fielderr.Error naming the node by its path
// from the root ("and[1].or[0].field"; the root itself is "").
var (
	ErrMalformed        = errors.New("a node is an object with one of and, or, not, or field")
	ErrUnknownField     = errors.New("unknown field")
	ErrUnknownAttribute = errors.New("unknown custom attribute")
	ErrOperator         = errors.New("operator not allowed for the field")
	ErrValue            = errors.New("wrong value")
	ErrTooDeep          = fmt.Errorf("groups nest at most %d deep", MaxDepth)
	ErrTooMany          = fmt.Errorf("a segment has at most %d conditions", MaxConditions)
)

// Node is a node of a checked tree: a group (And, Or or Not) or a condition (Cond).
type Node struct {
	And  []Node
	Or   []Node
	Not  *Node
	Cond *Condition
}

// Condition is a checked condition.
type Condition struct {
	// Field is the catalogue entry the condition names.
	Field Field
	// Key is the custom attribute's key or the consent's name.
	Key string
	Op  string
	// Value is normalised: string (text, enum, date, tag), float64 (number), bool, []string
	// or []float64 (in, not_in), nil (is_set, is_not_set).
	Value any
	// WindowDays limits a window field to the events of the last so many days; 0 for none.
	WindowDays int
	EventType  string
	Category   string
	Store      string
}

// Since returns the start of the condition's window at now, or the zero time without one.
func (c Condition) Since(now time.Time) time.Time {
	if c.WindowDays == 0 {
		return time.Time{}
	}
	return now.AddDate(0, 0, -c.WindowDays)
}

// Tree is a checked segment tree.
type Tree struct {
	Root Node
}

// Everyone is the tree that matches every customer.
var Everyone = Tree{Root: Node{And: []Node{}}}

// ParseJSON checks a tree encoded as JSON against cat.
func ParseJSON(raw []byte, cat Catalogue) (Tree, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return Tree{}, fielderr.Errorf("", "%w: not JSON", ErrMalformed)
	}
	return Parse(v, cat)
}

// Parse checks a tree decoded from JSON (maps, slices, float64, string, bool) against cat.
// The error joins a *fielderr.Error for every node at fault.
func Parse(v any, cat Catalogue) (Tree, error) {
	p := &parser{cat: cat}
	root := p.node(v, "", 0)
	if err := errors.Join(p.errs...); err != nil {
		return Tree{}, err
	}
	return Tree{Root: root}, nil
}

type parser struct {
	cat        Catalogue
	conditions int
	errs       []error
}

func (p *parser) fail(path string, err error, detail string, args ...any) {
	if detail != "" {
		err = fmt.Errorf("%w: "+detail, append([]any{err}, args...)...)
	}
	p.errs = append(p.errs, fielderr.New(path, err))
}

func (p *parser) node(v any, path string, depth int) Node {
	obj, ok := v.(map[string]any)
	if !ok {
		p.fail(path, ErrMalformed, "")
		return Node{}
	}
	_, isCond := obj["field"]
	groups := 0
	for _, k := range []string{"and", "or", "not"} {
		if _, ok := obj[k]; ok {
			groups++
		}
	}
	switch {
	case groups+btoi(isCond) != 1:
		p.fail(path, ErrMalformed, "")
		return Node{}
	case isCond:
		return Node{Cond: p.condition(obj, path)}
	}
	if depth+1 > MaxDepth {
		p.fail(path, ErrTooDeep, "")
		return Node{}
	}
	if len(obj) != 1 {
		p.fail(path, ErrMalformed, "a group has no other keys")
		return Node{}
	}
	if child, ok := obj["not"]; ok {
		n := p.node(child, fielderr.Path(path, "not"), depth+1)
		return Node{Not: &n}
	}
	op := "and"
	if _, ok := obj["or"]; ok {
		op = "or"
	}
	list, ok := obj[op].([]any)
	if !ok {
		p.fail(fielderr.Path(path, op), ErrMalformed, "%s takes a list of nodes", op)
		return Node{}
	}
	children := make([]Node, 0, len(list))
	for i, c := range list {
		children = append(children, p.node(c, fmt.Sprintf("%s[%d]", fielderr.Path(path, op), i), depth+1))
	}
	if op == "or" {
		return Node{Or: children}
	}
	return Node{And: children}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

var conditionKeys = []string{"field", "op", "value", "window_days", "event_type", "category", "store"}

func (p *parser) condition(obj map[string]any, path string) *Condition {
	p.conditions++
	if p.conditions == MaxConditions+1 {
		p.fail(path, ErrTooMany, "")
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Contains(conditionKeys, k) {
			p.fail(fielderr.Path(path, k), ErrMalformed, "unknown key; a condition has %s", strings.Join(conditionKeys, ", "))
		}
	}
	name, _ := obj["field"].(string)
	f, key, err := p.cat.lookup(name)
	if err != nil {
		p.fail(fielderr.Path(path, "field"), err, "%q", name)
		return nil
	}
	c := &Condition{Field: f, Key: key}
	c.Op, _ = obj["op"].(string)
	if !slices.Contains(f.Operators(), c.Op) {
		p.fail(fielderr.Path(path, "op"), ErrOperator, "%s takes %s", f.Name, strings.Join(f.Operators(), ", "))
		return nil
	}
	p.window(c, obj, path)
	p.params(c, obj, path)
	value, present := obj["value"]
	if c.Op == OpIsSet || c.Op == OpIsNotSet {
		if present {
			p.fail(fielderr.Path(path, "value"), ErrValue, "%s takes no value", c.Op)
		}
		return c
	}
	if !present {
		p.fail(fielderr.Path(path, "value"), ErrValue, "required")
		return nil
	}
	if c.Op == OpIn || c.Op == OpNotIn {
		c.Value = p.list(f, value, fielderr.Path(path, "value"))
	} else {
		c.Value = p.scalar(f, value, fielderr.Path(path, "value"))
	}
	return c
}

func (p *parser) window(c *Condition, obj map[string]any, path string) {
	v, present := obj["window_days"]
	at := fielderr.Path(path, "window_days")
	switch {
	case !present && c.Field.WindowRequired:
		p.fail(at, ErrValue, "required: the last how many days, 1-%d", MaxWindowDays)
	case present && !c.Field.Window:
		p.fail(at, ErrValue, "%s takes no window", c.Field.Name)
	case present:
		n, ok := number(v)
		if !ok || n != math.Trunc(n) || n < 1 || n > MaxWindowDays {
			p.fail(at, ErrValue, "a whole number of days, 1-%d", MaxWindowDays)
			return
		}
		c.WindowDays = int(n)
	}
}

func (p *parser) params(c *Condition, obj map[string]any, path string) {
	for _, param := range []Param{ParamEventType, ParamCategory, ParamStore} {
		v, present := obj[string(param)]
		at := fielderr.Path(path, string(param))
		if param != c.Field.Requires {
			if present {
				p.fail(at, ErrValue, "%s takes no %s", c.Field.Name, param)
			}
			continue
		}
		s, ok := v.(string)
		switch {
		case !present:
			p.fail(at, ErrValue, "required")
		case !ok || s == "" || utf8.RuneCountInString(s) > MaxTextLength:
			p.fail(at, ErrValue, "1-%d characters", MaxTextLength)
		case param == ParamEventType && !event.ValidType(s):
			p.fail(at, ErrValue, "one of %s, or custom:<name>", strings.Join(event.Types, ", "))
		case param == ParamEventType:
			c.EventType = s
		case param == ParamCategory:
			c.Category = s
		default:
			c.Store = s
		}
	}
}

// number reads a number as JSON decodes it (float64, or json.Number with UseNumber), or as Go
// code writes one (int).
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

func (p *parser) list(f Field, v any, at string) any {
	items, ok := v.([]any)
	if !ok || len(items) == 0 || len(items) > MaxListValues {
		p.fail(at, ErrValue, "a list of 1-%d values", MaxListValues)
		return nil
	}
	var (
		texts   []string
		numbers []float64
	)
	before := len(p.errs)
	for i, item := range items {
		switch x := p.scalar(f, item, fmt.Sprintf("%s[%d]", at, i)).(type) {
		case string:
			texts = append(texts, x)
		case float64:
			numbers = append(numbers, x)
		}
	}
	if len(p.errs) > before {
		return nil
	}
	if f.Kind == KindNumber {
		return numbers
	}
	return texts
}

func (p *parser) scalar(f Field, v any, at string) any {
	switch f.Kind {
	case KindText, KindTag:
		s, ok := v.(string)
		if !ok || utf8.RuneCountInString(s) > MaxTextLength || (f.Kind == KindTag && s == "") {
			p.fail(at, ErrValue, "text of at most %d characters", MaxTextLength)
			return nil
		}
		if f.Kind == KindTag && f.Values != nil && !slices.Contains(f.Values, s) {
			p.fail(at, ErrValue, "one of %s", strings.Join(f.Values, ", "))
			return nil
		}
		return s
	case KindEnum:
		s, ok := v.(string)
		if !ok || !slices.Contains(f.Values, s) {
			p.fail(at, ErrValue, "one of %s", strings.Join(f.Values, ", "))
			return nil
		}
		return s
	case KindNumber:
		n, ok := number(v)
		whole := !f.Fractions
		if !ok || math.IsNaN(n) || n < f.Min || n > f.Max || (whole && n != math.Trunc(n)) {
			kind := "a number"
			if whole {
				kind = "a whole number"
			}
			p.fail(at, ErrValue, "%s from %g to %g", kind, f.Min, f.Max)
			return nil
		}
		return n
	case KindDate:
		s, ok := v.(string)
		if _, err := time.Parse(time.DateOnly, s); !ok || err != nil {
			p.fail(at, ErrValue, "a date, YYYY-MM-DD")
			return nil
		}
		return s
	case KindBoolean:
		b, ok := v.(bool)
		if !ok {
			p.fail(at, ErrValue, "true or false")
			return nil
		}
		return b
	}
	p.fail(at, ErrValue, "")
	return nil
}

// Conditions returns the tree's conditions, depth first.
func (t Tree) Conditions() []*Condition {
	var out []*Condition
	var walk func(Node)
	walk = func(n Node) {
		switch {
		case n.Cond != nil:
			out = append(out, n.Cond)
		case n.Not != nil:
			walk(*n.Not)
		default:
			for _, c := range append(n.And, n.Or...) {
				walk(c)
			}
		}
	}
	walk(t.Root)
	return out
}

// MarshalJSON encodes the tree in the form Parse reads.
func (t Tree) MarshalJSON() ([]byte, error) { return json.Marshal(t.Root.encode()) }

func (n Node) encode() map[string]any {
	switch {
	case n.Cond != nil:
		c := n.Cond
		out := map[string]any{"field": c.Field.Name, "op": c.Op}
		if c.Value != nil {
			out["value"] = c.Value
		}
		if c.WindowDays > 0 {
			out["window_days"] = c.WindowDays
		}
		for k, v := range map[string]string{"event_type": c.EventType, "category": c.Category, "store": c.Store} {
			if v != "" {
				out[k] = v
			}
		}
		return out
	case n.Not != nil:
		return map[string]any{"not": n.Not.encode()}
	case n.Or != nil:
		return map[string]any{"or": encodeAll(n.Or)}
	}
	return map[string]any{"and": encodeAll(n.And)}
}

func encodeAll(ns []Node) []any {
	out := make([]any, len(ns))
	for i, n := range ns {
		out[i] = n.encode()
	}
	return out
}
