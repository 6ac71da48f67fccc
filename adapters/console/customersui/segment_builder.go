package customersui

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/domain/fielderr"
)

// conditionRow is one row of the segment builder: a condition, possibly negated.
type conditionRow struct {
	Not                           bool
	Field, Op, Value, Days, Param string
	// Error says what is wrong with the row, in the admin's language.
	Error string
}

// builder is the state of the segment builder form: one group of rows, all (and) or any (or)
// of which must match. The API takes deeper trees; the console builds one group with not.
type builder struct {
	Match  string
	Rows   []conditionRow
	Fields []fieldOption
	// Error is a fault of the whole tree.
	Error string
}

type fieldOption struct {
	Name, Label string
}

// builderOps are the operators the builder offers, in order.
var builderOps = []string{segment.OpEq, segment.OpNe, segment.OpGt, segment.OpGe, segment.OpLt, segment.OpLe, segment.OpIn,
	segment.OpNotIn, segment.OpHas, segment.OpHasNot, segment.OpIsSet, segment.OpIsNotSet}

// Ops lists the operators for templates.
func (builder) Ops() []string { return builderOps }

// fieldOptions lists the catalogue's fields with their labels in lang.
func fieldOptions(lang string, defs []customer.AttributeDef, cat segment.Catalogue) []fieldOption {
	labels := map[string]string{}
	for _, d := range defs {
		if d.Label != "" || d.LabelEn != "" {
			labels[segment.AttributePrefix+d.Key] = d.LabelIn(lang)
		}
	}
	var out []fieldOption
	for _, f := range cat.Fields() {
		label := labels[f.Name]
		switch {
		case label != "":
		case strings.HasPrefix(f.Name, segment.AttributePrefix):
			label = messages.T(lang, "segments.attribute") + " " + strings.TrimPrefix(f.Name, segment.AttributePrefix)
		case strings.HasPrefix(f.Name, segment.ConsentPrefix):
			label = messages.T(lang, "segments.consent") + " " + strings.TrimPrefix(f.Name, segment.ConsentPrefix)
		default:
			label = messages.T(lang, "segments.field."+f.Name)
		}
		out = append(out, fieldOption{Name: f.Name, Label: label})
	}
	return out
}

// readBuilder reads the builder's rows from a posted form: parallel lists of neg, field, op,
// value, days and param, one entry per row.
func readBuilder(r *http.Request) builder {
	b := builder{Match: "and"}
	if r.PostFormValue("match") == "or" {
		b.Match = "or"
	}
	f := r.PostForm
	for i, field := range f["field"] {
		at := func(name string) string {
			if vs := f[name]; i < len(vs) {
				return strings.TrimSpace(vs[i])
			}
			return ""
		}
		b.Rows = append(b.Rows, conditionRow{Not: at("neg") == "not", Field: field, Op: at("op"), Value: at("value"),
			Days: at("days"), Param: at("param")})
	}
	return b
}

// tree turns the rows into a tree as JSON decodes it, for the segment service to check. Values
// are converted by the field's kind; what does not convert is passed on as text, for the check
// to refuse at the row's path.
func (b builder) tree(cat segment.Catalogue) map[string]any {
	nodes := []any{}
	for _, row := range b.Rows {
		cond := map[string]any{"field": row.Field, "op": row.Op}
		f, known := cat.Field(row.Field)
		if row.Op != segment.OpIsSet && row.Op != segment.OpIsNotSet {
			if row.Op == segment.OpIn || row.Op == segment.OpNotIn {
				var list []any
				for _, part := range strings.FieldsFunc(row.Value, func(r rune) bool { return r == ',' || r == '，' }) {
					list = append(list, convert(f.Kind, strings.TrimSpace(part)))
				}
				cond["value"] = list
			} else {
				cond["value"] = convert(f.Kind, row.Value)
			}
		}
		if row.Days != "" {
			cond["window_days"] = convert(segment.KindNumber, row.Days)
		}
		if known && f.Requires != "" {
			cond[string(f.Requires)] = row.Param
		}
		var node any = cond
		if row.Not {
			node = map[string]any{"not": cond}
		}
		nodes = append(nodes, node)
	}
	return map[string]any{b.Match: nodes}
}

func convert(k segment.Kind, s string) any {
	switch k {
	case segment.KindNumber:
		if n, err := strconv.ParseFloat(s, 64); err == nil {
			return n
		}
	case segment.KindBoolean:
		if v, err := strconv.ParseBool(s); err == nil {
			return v
		}
	}
	return s
}

// fromTree loads a saved tree into the builder when it is a condition or one group of
// conditions (each possibly negated); ok is false for deeper trees, which the builder cannot
// show.
func fromTree(def json.RawMessage) (builder, bool) {
	var root map[string]any
	if json.Unmarshal(def, &root) != nil {
		return builder{Match: "and"}, false
	}
	b := builder{Match: "and"}
	nodes, isAnd := root["and"].([]any)
	if or, ok := root["or"].([]any); ok {
		b.Match, nodes = "or", or
	} else if !isAnd {
		nodes = []any{root}
	}
	for _, raw := range nodes {
		n, _ := raw.(map[string]any)
		row := conditionRow{}
		if inner, ok := n["not"].(map[string]any); ok {
			row.Not, n = true, inner
		}
		if _, ok := n["field"]; !ok {
			return builder{Match: "and"}, false
		}
		row.Field, _ = n["field"].(string)
		row.Op, _ = n["op"].(string)
		row.Value = text(n["value"])
		row.Days = text(n["window_days"])
		for _, p := range []string{"event_type", "category", "store"} {
			if v, ok := n[p].(string); ok {
				row.Param = v
			}
		}
		b.Rows = append(b.Rows, row)
	}
	return b, true
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = text(p)
		}
		return strings.Join(parts, ", ")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

var rowPath = regexp.MustCompile(`^tree\.(?:and|or)\[(\d+)\]`)

// showErrors puts the faults of the tree (the service's field errors under "tree") on the rows
// they concern, in lang; it reports whether err was about the tree.
func (b *builder) showErrors(lang string, err error) bool {
	shown := false
	for _, fe := range fielderr.All(err) {
		if fe.Field != "tree" && !strings.HasPrefix(fe.Field, "tree.") {
			continue
		}
		shown = true
		msg := messages.T(lang, treeErrorKey(fe.Err)) + " (" + fe.Err.Error() + ")"
		m := rowPath.FindStringSubmatch(fe.Field)
		if m == nil {
			b.Error = msg
			continue
		}
		if i, _ := strconv.Atoi(m[1]); i < len(b.Rows) {
			b.Rows[i].Error = msg
		}
	}
	return shown
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
		{segment.ErrTooDeep, "segments.err_size"}, {segment.ErrTooMany, "segments.err_size"},
	} {
		if errors.Is(err, c.err) {
			return c.key
		}
	}
	return "segments.err_tree"
}
