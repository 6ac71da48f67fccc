package customersui

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
)

// The segment builder edits a segment tree as a form. Every node has a path ("r" for the
// root group, "r.0" for its first child, "r.0.1" ...), and its inputs are named after it:
// "<path>.kind" (group or cond), a group's "<path>.match" (and, or, not_or, not_and), a
// condition's "<path>.neg", ".field", ".prev" (the field the form was drawn for), ".op",
// ".value" (several for in and not_in), ".days" and ".param". Money is typed in yuan and
// sent in fen; enumerated values are picked by their names.

// Matches of a group: all, any, none (not any) or not all of its children.
const (
	matchAll    = "and"
	matchAny    = "or"
	matchNone   = "not_or"
	matchNotAll = "not_and"
)

var matches = []string{matchAll, matchAny, matchNone, matchNotAll}

// rootPath is the path of the builder's root group.
const rootPath = "r"

// maxNodes bounds how many nodes a posted form may hold: the conditions and their groups.
const maxNodes = 2 * segment.MaxConditions

// choice is an entry of a picker.
type choice struct {
	Value, Label string
	Selected     bool
}

// bnode is a node of the builder: a group of nodes or a condition.
type bnode struct {
	Path  string
	Group bool
	// Match is a group's (and, or, not_or, not_and); Children are its nodes.
	Match    string
	Children []*bnode
	// Not negates a condition; Prev is the field its inputs were drawn for, which tells a
	// change of field from a change of value.
	Not             bool
	Field, Prev, Op string
	Values          []string
	Days, Param     string
	// Error says what is wrong with the node, in the admin's language.
	Error string

	// What the template draws, set by prepare.
	Depth int
	// CanNest says whether a group may take a group inside it.
	CanNest bool
	Ops     []choice
	// Control is how the value is entered: select, multi (several), text, list (several as
	// text), number, money, date or none.
	Control string
	Options []choice
	// Text is the value in an input.
	Text string
	// Window says the field takes days; WindowRequired that it must.
	Window, WindowRequired bool
	// ParamControl is how the field's parameter is entered (select or text, "" without one).
	ParamControl string
	ParamOptions []choice
	ParamLabel   string
	Matches      []choice
}

// builder is the state of the segment builder form.
type builder struct {
	Root *bnode
	// Fields are the catalogue's fields, labelled.
	Fields []choice
	// Error is a fault of the whole tree.
	Error string
}

// newBuilder returns a builder of one group (and) of the conditions given.
func newBuilder(conds ...*bnode) builder {
	b := builder{Root: &bnode{Group: true, Match: matchAll, Children: conds}}
	b.Root.renumber(rootPath)
	return b
}

// cond returns a condition node for a builder made in code.
func cond(field, op string, values ...string) *bnode {
	return &bnode{Field: field, Prev: field, Op: op, Values: values}
}

// readBuilder reads the builder from a posted form.
func readBuilder(r *http.Request) builder {
	_ = r.ParseForm()
	b := builder{}
	n := 0
	b.Root = readNode(r.PostForm, rootPath, 1, &n)
	if b.Root == nil || !b.Root.Group {
		return newBuilder(nonNil(b.Root)...)
	}
	return b
}

func nonNil(n *bnode) []*bnode {
	if n == nil {
		return nil
	}
	return []*bnode{n}
}

// readNode reads the node at path; depth is the groups above it and n counts the nodes read.
func readNode(f url.Values, path string, depth int, n *int) *bnode {
	kind := f.Get(path + ".kind")
	if kind == "" || *n >= maxNodes || depth > segment.MaxDepth+1 {
		return nil
	}
	*n++
	get := func(name string) string { return strings.TrimSpace(f.Get(path + "." + name)) }
	if kind == "group" {
		g := &bnode{Path: path, Group: true, Match: get("match")}
		if !slices.Contains(matches, g.Match) {
			g.Match = matchAll
		}
		for _, i := range childIndexes(f, path) {
			if c := readNode(f, path+"."+strconv.Itoa(i), depth+1, n); c != nil {
				g.Children = append(g.Children, c)
			}
		}
		return g
	}
	c := &bnode{Path: path, Not: get("neg") == "not", Field: get("field"), Prev: get("prev"), Op: get("op"), Days: get("days"),
		Param: get("param")}
	for _, v := range f[path+".value"] {
		if v = strings.TrimSpace(v); v != "" {
			c.Values = append(c.Values, v)
		}
	}
	return c
}

// childIndexes are the indexes of the children of the group at path that the form holds, in
// order.
func childIndexes(f url.Values, path string) []int {
	var out []int
	for key := range f {
		rest, ok := strings.CutPrefix(key, path+".")
		if !ok {
			continue
		}
		idx, ok := strings.CutSuffix(rest, ".kind")
		if i, err := strconv.Atoi(idx); ok && err == nil && i >= 0 {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// renumber gives every node the path of its place, after nodes were added or removed.
func (n *bnode) renumber(path string) {
	n.Path = path
	for i, c := range n.Children {
		c.renumber(path + "." + strconv.Itoa(i))
	}
}

// find returns the node at path.
func (n *bnode) find(path string) *bnode {
	if n.Path == path {
		return n
	}
	for _, c := range n.Children {
		if strings.HasPrefix(path, c.Path) {
			if f := c.find(path); f != nil {
				return f
			}
		}
	}
	return nil
}

// conditions counts the conditions under n.
func (n *bnode) conditions() int {
	if !n.Group {
		return 1
	}
	total := 0
	for _, c := range n.Children {
		total += c.conditions()
	}
	return total
}

// act applies a button of the builder: "add:<path>" adds a condition to a group,
// "group:<path>" a group, "remove:<path>" removes a node.
func (b *builder) act(action string) {
	verb, path, _ := strings.Cut(action, ":")
	switch verb {
	case "add", "group":
		g := b.Root.find(path)
		if g == nil || !g.Group || b.Root.conditions() >= segment.MaxConditions {
			return
		}
		c := cond("city", segment.OpEq)
		if verb == "group" {
			c = &bnode{Group: true, Match: matchAny, Children: []*bnode{c}}
		}
		g.Children = append(g.Children, c)
	case "remove":
		if path == rootPath {
			return
		}
		parent := b.Root.find(path[:strings.LastIndex(path, ".")])
		if parent == nil {
			return
		}
		parent.Children = slices.DeleteFunc(parent.Children, func(c *bnode) bool { return c.Path == path })
	}
	b.Root.renumber(rootPath)
}

// palette is what the builder's pickers offer: the brand's fields and the values in its data.
type palette struct {
	lang   string
	cat    segment.Catalogue
	labels map[string]string
	values ports.SegmentValues
	// eventTypes are the built-in types and the brand's own, labelled.
	eventTypes []choice
}

// fieldLabel names a field in the palette's language.
func (p palette) fieldLabel(f segment.Field) string {
	if l := p.labels[f.Name]; l != "" {
		return l
	}
	switch {
	case strings.HasPrefix(f.Name, segment.AttributePrefix):
		return messages.T(p.lang, "segments.attribute") + " " + strings.TrimPrefix(f.Name, segment.AttributePrefix)
	case strings.HasPrefix(f.Name, segment.ConsentPrefix):
		return messages.T(p.lang, "segments.consent."+strings.TrimPrefix(f.Name, segment.ConsentPrefix))
	}
	return messages.T(p.lang, "segments.field."+f.Name)
}

func (p palette) fieldOptions() []choice {
	var out []choice
	for _, f := range p.cat.Fields() {
		out = append(out, choice{Value: f.Name, Label: p.fieldLabel(f)})
	}
	return out
}

// valueLabels are the names of a field's enumerated values in lang, by value; nil for a field
// whose values are shown as they are.
func valueLabels(lang string, f segment.Field) func(string) string {
	key := func(prefix string) func(string) string {
		return func(v string) string { return messages.T(lang, prefix+v) }
	}
	switch {
	case f.Name == "gender":
		return key("customers.gender_")
	case f.Name == "lifecycle_stage":
		return key("lifecycle.stage_")
	case f.Name == "language":
		return key("segments.language.")
	case f.Name == "channel":
		return key("timeline.channel_")
	case f.Name == "birth_month":
		return func(v string) string {
			m, _ := strconv.Atoi(v)
			if lang == "en" && m >= 1 && m <= 12 {
				return time.Month(m).String()
			}
			return v + messages.T(lang, "segments.month")
		}
	case f.Kind == segment.KindBoolean:
		return func(v string) string { return messages.T(lang, "segments.bool."+v) }
	}
	return nil
}

// choices are the values a field's value is picked from; nil for a value typed in.
func (p palette) choices(f segment.Field) []string {
	switch {
	case f.Kind == segment.KindBoolean:
		return []string{"true", "false"}
	case f.Name == "birth_month":
		out := make([]string, 12)
		for i := range out {
			out[i] = strconv.Itoa(i + 1)
		}
		return out
	case f.Values != nil:
		return f.Values
	}
	return p.values[f.Name]
}

// fieldOf is the field of the condition n: the catalogue's first for one it does not know.
func (p palette) fieldOf(n *bnode) segment.Field {
	if f, known := p.cat.Field(n.Field); known {
		return f
	}
	return p.cat.Fields()[0]
}

// lists names the lists of values (see ports.SegmentValues) the conditions under n pick
// from, each once, and says whether one picks an event type.
func (p palette) lists(n *bnode) (names []string, eventTypes bool) {
	add := func(name string) {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	var walk func(n *bnode)
	walk = func(n *bnode) {
		for _, c := range n.Children {
			walk(c)
		}
		if n.Group {
			return
		}
		f := p.fieldOf(n)
		if (f.Kind == segment.KindText || f.Kind == segment.KindTag) && f.Values == nil {
			add(f.Name)
		}
		switch f.Requires {
		case "":
		case segment.ParamEventType:
			eventTypes = true
		default:
			add(string(f.Requires))
		}
	}
	walk(n)
	return names, eventTypes
}

// pick returns the options of values with the selected ones marked; a selected value that is
// not among them (one the data no longer has) is kept.
func pick(values, selected []string, label func(string) string) []choice {
	out := make([]choice, 0, len(values))
	for _, v := range values {
		l := v
		if label != nil {
			l = label(v)
		}
		out = append(out, choice{Value: v, Label: l, Selected: slices.Contains(selected, v)})
	}
	for _, s := range selected {
		if !slices.Contains(values, s) {
			l := s
			if label != nil {
				l = label(s)
			}
			out = append(out, choice{Value: s, Label: l, Selected: true})
		}
	}
	return out
}

// prepare checks each node against the catalogue (a changed field starts afresh, an operator
// the field does not take becomes its first) and sets what the template draws.
func (p palette) prepare(n *bnode, depth int) {
	n.Depth = depth
	if n.Group {
		n.CanNest = depth+2 <= segment.MaxDepth
		n.Matches = make([]choice, len(matches))
		for i, m := range matches {
			n.Matches[i] = choice{Value: m, Label: messages.T(p.lang, "segments.match_"+m), Selected: m == n.Match}
		}
		for _, c := range n.Children {
			p.prepare(c, depth+1)
		}
		return
	}
	f := p.fieldOf(n)
	n.Field = f.Name
	ops := f.Operators()
	if n.Prev != "" && n.Prev != n.Field {
		n.Op, n.Values, n.Param, n.Days = "", nil, "", ""
	}
	if !slices.Contains(ops, n.Op) {
		n.Op = ops[0]
	}
	n.Prev = f.Name
	for _, op := range ops {
		n.Ops = append(n.Ops, choice{Value: op, Label: messages.T(p.lang, "segments.op."+op), Selected: op == n.Op})
	}
	n.Window, n.WindowRequired = f.Window, f.WindowRequired
	if f.WindowRequired && n.Days == "" {
		n.Days = "30"
	}
	many := n.Op == segment.OpIn || n.Op == segment.OpNotIn
	if !many && len(n.Values) > 1 {
		n.Values = n.Values[:1]
	}
	choices := p.choices(f)
	switch {
	case n.Op == segment.OpIsSet || n.Op == segment.OpIsNotSet:
		n.Control = "none"
	case choices != nil:
		n.Control = "select"
		if many {
			n.Control = "multi"
		} else if len(n.Values) == 0 && len(choices) > 0 {
			// A single choice shows its first option chosen, as a browser would send it.
			n.Values = choices[:1]
		}
		n.Options = pick(choices, n.Values, valueLabels(p.lang, f))
	case many:
		n.Control, n.Text = "list", strings.Join(n.Values, ", ")
	case f.Kind == segment.KindNumber && f.Money:
		n.Control = "money"
	case f.Kind == segment.KindNumber:
		n.Control = "number"
	case f.Kind == segment.KindDate:
		n.Control = "date"
	default:
		n.Control = "text"
	}
	if n.Text == "" && len(n.Values) > 0 {
		n.Text = n.Values[0]
	}
	if f.Requires != "" {
		n.ParamLabel = messages.T(p.lang, "segments.param."+string(f.Requires))
		var values []string
		var label func(string) string
		if f.Requires == segment.ParamEventType {
			for _, o := range p.eventTypes {
				values = append(values, o.Value)
			}
			label = func(v string) string {
				if i := slices.IndexFunc(p.eventTypes, func(o choice) bool { return o.Value == v }); i >= 0 {
					return p.eventTypes[i].Label
				}
				return v
			}
		} else {
			values = p.values[string(f.Requires)]
		}
		n.ParamControl = "text"
		if len(values) > 0 {
			if n.Param == "" {
				n.Param = values[0]
			}
			n.ParamControl, n.ParamOptions = "select", pick(values, []string{n.Param}, label)
		}
	}
}

// tree turns the builder into a tree as JSON decodes it, for the segment service to check,
// and returns where each node's faults are reported (the service's paths under "tree", from
// the root) . Values are converted by the field's kind (money from yuan to fen, names of
// enumerated values to the values); what does not convert is passed on as text, for the
// check to refuse at the node's path.
func (b builder) tree(p palette) (any, map[string]*bnode) {
	at := map[string]*bnode{}
	return p.encode(b.Root, "", at), at
}

func (p palette) encode(n *bnode, path string, at map[string]*bnode) any {
	at[path] = n
	if n.Group {
		op, inner := n.Match, path
		var wrap bool
		if op == matchNone || op == matchNotAll {
			op, inner, wrap = strings.TrimPrefix(op, "not_"), fielderr.Path(path, "not"), true
			at[inner] = n
		}
		list := make([]any, 0, len(n.Children))
		for i, c := range n.Children {
			list = append(list, p.encode(c, fmt.Sprintf("%s[%d]", fielderr.Path(inner, op), i), at))
		}
		var node any = map[string]any{op: list}
		if wrap {
			node = map[string]any{"not": node}
		}
		return node
	}
	f, _ := p.cat.Field(n.Field)
	c := map[string]any{"field": n.Field, "op": n.Op}
	switch n.Op {
	case segment.OpIsSet, segment.OpIsNotSet:
	case segment.OpIn, segment.OpNotIn:
		list := []any{}
		for _, v := range n.Values {
			for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' }) {
				if part = strings.TrimSpace(part); part != "" {
					list = append(list, p.convert(f, part))
				}
			}
		}
		c["value"] = list
	default:
		v := ""
		if len(n.Values) > 0 {
			v = n.Values[0]
		}
		c["value"] = p.convert(f, v)
	}
	if n.Days != "" && f.Window {
		c["window_days"] = p.convert(segment.Field{Kind: segment.KindNumber}, n.Days)
	}
	if f.Requires != "" {
		c[string(f.Requires)] = n.Param
	}
	if n.Not {
		at[fielderr.Path(path, "not")] = n
		return map[string]any{"not": c}
	}
	return c
}

// convert reads a value typed or picked for f.
func (p palette) convert(f segment.Field, s string) any {
	switch f.Kind {
	case segment.KindNumber:
		if f.Money {
			if fen, err := console.ParseYuan(s); err == nil {
				return float64(fen)
			}
			return s
		}
		if n, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64); err == nil && !math.IsInf(n, 0) {
			return n
		}
		if v, ok := byName(f, p.choices(f), s); ok {
			n, _ := strconv.ParseFloat(v, 64)
			return n
		}
		return s
	case segment.KindBoolean:
		if v, err := strconv.ParseBool(s); err == nil {
			return v
		}
		if v, ok := byName(f, []string{"true", "false"}, s); ok {
			return v == "true"
		}
		return s
	}
	if choices := p.choices(f); !slices.Contains(choices, s) {
		if v, ok := byName(f, choices, s); ok {
			return v
		}
	}
	return s
}

// byName finds the value of f among values named s in either of the console's languages, so
// that typing 已流失 (or Lapsed) picks lapsed.
func byName(f segment.Field, values []string, s string) (string, bool) {
	for _, lang := range []string{"zh-CN", "en"} {
		label := valueLabels(lang, f)
		if label == nil {
			return "", false
		}
		for _, v := range values {
			if strings.EqualFold(label(v), s) {
				return v, true
			}
		}
	}
	return "", false
}

// fromTree loads a saved tree into the builder. A condition or a negated one at the root
// becomes the only condition of an all-group; {"not": group} becomes a none or not-all group.
func fromTree(def json.RawMessage, cat segment.Catalogue) (builder, bool) {
	var root any
	if json.Unmarshal(def, &root) != nil {
		return newBuilder(), false
	}
	n, ok := decode(root, cat)
	if !ok {
		return newBuilder(), false
	}
	b := builder{Root: n}
	if !n.Group {
		b = newBuilder(n)
	}
	b.Root.renumber(rootPath)
	return b, true
}

func decode(v any, cat segment.Catalogue) (*bnode, bool) {
	obj, _ := v.(map[string]any)
	if obj == nil {
		return nil, false
	}
	for _, op := range []string{"and", "or"} {
		if list, ok := obj[op].([]any); ok {
			g := &bnode{Group: true, Match: op}
			for _, c := range list {
				child, ok := decode(c, cat)
				if !ok {
					return nil, false
				}
				g.Children = append(g.Children, child)
			}
			return g, true
		}
	}
	if inner, ok := obj["not"]; ok {
		n, ok := decode(inner, cat)
		switch {
		case !ok:
			return nil, false
		case !n.Group && !n.Not:
			n.Not = true
			return n, true
		case n.Group && (n.Match == matchAll || n.Match == matchAny):
			n.Match = "not_" + n.Match
			return n, true
		}
		return &bnode{Group: true, Match: matchNotAll, Children: []*bnode{n}}, true
	}
	name, ok := obj["field"].(string)
	if !ok {
		return nil, false
	}
	f, _ := cat.Field(name)
	n := &bnode{Field: name, Prev: name}
	n.Op, _ = obj["op"].(string)
	switch x := obj["value"].(type) {
	case []any:
		for _, item := range x {
			n.Values = append(n.Values, text(f, item))
		}
	case nil:
	default:
		n.Values = []string{text(f, x)}
	}
	if d, ok := obj["window_days"]; ok {
		n.Days = text(segment.Field{}, d)
	}
	for _, p := range []string{"event_type", "category", "store"} {
		if v, ok := obj[p].(string); ok {
			n.Param = v
		}
	}
	return n, true
}

// text writes a tree's value as the builder shows it: money in yuan.
func text(f segment.Field, v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		if f.Money && x == math.Trunc(x) && math.Abs(x) < 1e17 {
			return console.FormatYuan(int64(x))
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

// showErrors puts the faults of the tree (the service's field errors under "tree") on the
// nodes they concern, in lang; at maps the service's paths to nodes (see tree). It reports
// whether err was about the tree.
func (b *builder) showErrors(lang string, err error, at map[string]*bnode) bool {
	shown := false
	for _, fe := range fielderr.All(err) {
		if fe.Field != "tree" && !strings.HasPrefix(fe.Field, "tree.") {
			continue
		}
		shown = true
		msg := messages.T(lang, treeErrorKey(fe.Err))
		path := strings.TrimPrefix(strings.TrimPrefix(fe.Field, "tree"), ".")
		n := nodeAt(at, path)
		if n == nil || n == b.Root {
			if b.Error == "" {
				b.Error = msg
			}
			continue
		}
		if n.Error == "" {
			n.Error = msg
		}
	}
	return shown
}

// nodeAt returns the node whose path is the longest that starts path.
func nodeAt(at map[string]*bnode, path string) *bnode {
	best, length := at[""], -1
	for p, n := range at {
		if (path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[")) && len(p) > length {
			best, length = n, len(p)
		}
	}
	return best
}

// Errors lists what is wrong with the tree and its nodes, each fault once, for the live count
// to show in its place.
func (b builder) Errors() []string {
	var out []string
	add := func(msg string) {
		if msg != "" && !slices.Contains(out, msg) {
			out = append(out, msg)
		}
	}
	add(b.Error)
	var walk func(n *bnode)
	walk = func(n *bnode) {
		add(n.Error)
		for _, c := range n.Children {
			walk(c)
		}
	}
	if b.Root != nil {
		walk(b.Root)
	}
	return out
}

// names reports whether err has a field error of one of fields.
func names(err error, fields ...string) bool {
	return slices.ContainsFunc(fielderr.All(err), func(fe *fielderr.Error) bool { return slices.Contains(fields, fe.Field) })
}

func treeErrorKey(err error) string {
	for _, c := range []struct {
		err error
		key string
	}{
		{segment.ErrUnknownField, "segments.err_field"}, {segment.ErrUnknownAttribute, "segments.err_field"},
		{segment.ErrOperator, "segments.err_op"}, {segment.ErrValue, "segments.err_value"},
		{segment.ErrTooDeep, "segments.err_deep"}, {segment.ErrTooMany, "segments.err_size"},
	} {
		if errors.Is(err, c.err) {
			return c.key
		}
	}
	return "segments.err_tree"
}

// eventTypeOptions are the built-in event types and the brand's own, labelled in lang.
func eventTypeOptions(lang string, custom []event.CustomType) []choice {
	var out []choice
	for _, t := range event.Types {
		out = append(out, choice{Value: t, Label: messages.T(lang, "timeline.type_"+t)})
	}
	for _, c := range custom {
		label := c.Label
		if label == "" {
			label = c.Key
		}
		out = append(out, choice{Value: "custom:" + c.Key, Label: label})
	}
	return out
}

// attributeLabels are the names of the brand's custom attributes in lang, by field name.
func attributeLabels(lang string, defs []customer.AttributeDef) map[string]string {
	out := map[string]string{}
	for _, d := range defs {
		if d.Label != "" || d.LabelEn != "" {
			out[segment.AttributePrefix+d.Key] = d.LabelIn(lang)
		}
	}
	return out
}
