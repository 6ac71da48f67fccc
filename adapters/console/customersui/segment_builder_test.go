package customersui

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
)

func testPalette(lang string) palette {
	cat := segment.NewCatalogue(segment.CustomerFields(), segment.AttributeFields([]customer.AttributeDef{{Key: "height_cm", Type: "number"}})...)
	return palette{lang: lang, cat: cat, values: ports.SegmentValues{"city": {"上海", "北京"}, "store": {"S1"}},
		eventTypes: eventTypeOptions(lang, nil)}
}

func posted(form url.Values) builder {
	r := httptest.NewRequest("POST", "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return readBuilder(r)
}

// checked runs the tree through the service's check, as JSON, and returns it re-encoded.
func checked(t *testing.T, p palette, tree any) string {
	t.Helper()
	raw, err := json.Marshal(tree)
	require.NoError(t, err)
	parsed, err := segment.ParseJSON(raw, p.cat)
	require.NoError(t, err)
	out, err := json.Marshal(parsed)
	require.NoError(t, err)
	return string(out)
}

// A nested form (a none-group inside an any-group inside the root) becomes the tree it
// shows, money typed in yuan becomes fen, names of enumerated values their values; and the
// tree comes back as the same form.
func TestBuilderFormBecomesANestedTreeAndBack(t *testing.T) {
	t.Parallel()
	p := testPalette("zh-CN")
	form := url.Values{
		"r.kind": {"group"}, "r.match": {"and"},
		"r.0.kind": {"cond"}, "r.0.field": {"spend_fen"}, "r.0.op": {">="}, "r.0.value": {"100"},
		"r.1.kind": {"group"}, "r.1.match": {"or"},
		"r.1.0.kind": {"cond"}, "r.1.0.field": {"city"}, "r.1.0.op": {"in"}, "r.1.0.value": {"上海", "北京"},
		"r.1.1.kind": {"group"}, "r.1.1.match": {"not_or"},
		"r.1.1.0.kind": {"cond"}, "r.1.1.0.field": {"lifecycle_stage"}, "r.1.1.0.op": {"="}, "r.1.1.0.value": {"已流失"},
		"r.1.1.1.kind": {"cond"}, "r.1.1.1.neg": {"not"}, "r.1.1.1.field": {"category_spend_fen"}, "r.1.1.1.op": {">"},
		"r.1.1.1.value": {"1,234.5"}, "r.1.1.1.days": {"90"}, "r.1.1.1.param": {"tea"},
		"r.2.kind": {"cond"}, "r.2.field": {"consents.marketing_sms"}, "r.2.op": {"="}, "r.2.value": {"true"},
	}
	b := posted(form)
	tree, _ := b.tree(p)
	want := `{"and":[{"field":"spend_fen","op":">=","value":10000},
		{"or":[{"field":"city","op":"in","value":["上海","北京"]},
			{"not":{"or":[{"field":"lifecycle_stage","op":"=","value":"lapsed"},
				{"not":{"field":"category_spend_fen","op":">","value":123450,"window_days":90,"category":"tea"}}]}}]},
		{"field":"consents.marketing_sms","op":"=","value":true}]}`
	got := checked(t, p, tree)
	require.JSONEq(t, want, got, "累计消费 ≥ 100 is ¥100, 10000 fen")

	back, ok := fromTree(json.RawMessage(got), p.cat)
	require.True(t, ok)
	p.draw(&back)
	require.Equal(t, "and", back.Root.Match)
	require.Len(t, back.Root.Children, 3)
	spend := back.Root.Children[0]
	require.Equal(t, "r.0", spend.Path)
	require.Equal(t, "money", spend.Control)
	require.Equal(t, "100.00", spend.Text, "fen shown in yuan")
	inner := back.Root.Children[1].Children[1]
	require.Equal(t, "r.1.1", inner.Path)
	require.Equal(t, matchNone, inner.Match)
	stage := inner.Children[0]
	require.Equal(t, "select", stage.Control)
	require.Contains(t, stage.Options, choice{Value: "lapsed", Label: "已流失", Selected: true})
	cat := inner.Children[1]
	require.True(t, cat.Not)
	require.Equal(t, "1,234.50", cat.Text)
	require.Equal(t, "90", cat.Days)
	require.Equal(t, "tea", cat.Param)
	city := back.Root.Children[1].Children[0]
	require.Equal(t, "multi", city.Control)
	require.Equal(t, []choice{{"上海", "上海", true}, {"北京", "北京", true}}, city.Options)

	// Drawn again and posted back, the form gives the same tree.
	again := url.Values{}
	var flatten func(n *bnode)
	flatten = func(n *bnode) {
		if n.Group {
			again.Set(n.Path+".kind", "group")
			again.Set(n.Path+".match", n.Match)
			for _, c := range n.Children {
				flatten(c)
			}
			return
		}
		again.Set(n.Path+".kind", "cond")
		if n.Not {
			again.Set(n.Path+".neg", "not")
		}
		again.Set(n.Path+".field", n.Field)
		again.Set(n.Path+".prev", n.Prev)
		again.Set(n.Path+".op", n.Op)
		again[n.Path+".value"] = n.Values
		if n.Control == "money" {
			again.Set(n.Path+".value", n.Text)
		}
		again.Set(n.Path+".days", n.Days)
		again.Set(n.Path+".param", n.Param)
	}
	flatten(back.Root)
	tree2, _ := posted(again).tree(p)
	require.JSONEq(t, want, checked(t, p, tree2))
}

// A condition at the root, or {"not": {"not": ...}}, opens in groups; a group that is not a
// known match reads as all.
func TestBuilderOpensAnyTree(t *testing.T) {
	t.Parallel()
	p := testPalette("en")
	single, ok := fromTree(json.RawMessage(`{"field":"tag","op":"has","value":"vip"}`), p.cat)
	require.True(t, ok)
	require.Equal(t, "and", single.Root.Match)
	require.Equal(t, "r.0", single.Root.Children[0].Path)
	tree, _ := single.tree(p)
	require.JSONEq(t, `{"and":[{"field":"tag","op":"has","value":"vip"}]}`, checked(t, p, tree))

	double, ok := fromTree(json.RawMessage(`{"not":{"not":{"field":"city","op":"=","value":"上海"}}}`), p.cat)
	require.True(t, ok)
	tree, _ = double.tree(p)
	require.JSONEq(t, `{"not":{"and":[{"not":{"field":"city","op":"=","value":"上海"}}]}}`, checked(t, p, tree))

	_, ok = fromTree(json.RawMessage(`{"and":[{"x":1}]}`), p.cat)
	require.False(t, ok)

	// Typing a name in English works as well: Lapsed is lapsed, Tmall is tmall.
	b := posted(url.Values{"r.kind": {"group"}, "r.match": {"bogus"}, "r.0.kind": {"cond"}, "r.0.field": {"lifecycle_stage"},
		"r.0.op": {"in"}, "r.0.value": {"Lapsed, 流失风险"}, "r.1.kind": {"cond"}, "r.1.field": {"channel"}, "r.1.op": {"has"},
		"r.1.value": {"Tmall"}})
	tree, _ = b.tree(p)
	require.JSONEq(t, `{"and":[{"field":"lifecycle_stage","op":"in","value":["lapsed","at_risk"]},
		{"field":"channel","op":"has","value":"tmall"}]}`, checked(t, p, tree))
}

// Changing a condition's field starts it afresh with an operator the field takes; the
// operators offered are the field's only; adding and removing renumber the nodes.
func TestBuilderOffersEachFieldItsOperatorsAndActs(t *testing.T) {
	t.Parallel()
	p := testPalette("zh-CN")
	b := posted(url.Values{"r.kind": {"group"}, "r.match": {"and"},
		"r.0.kind": {"cond"}, "r.0.field": {"tag"}, "r.0.prev": {"city"}, "r.0.op": {"in"}, "r.0.value": {"上海"},
		"r.1.kind": {"cond"}, "r.1.field": {"purchases"}, "r.1.op": {">="}, "r.1.value": {"2"}})
	b.act("group:r")
	b.act("add:r.2")
	p.draw(&b)
	tag := b.Root.Children[0]
	require.Equal(t, "has", tag.Op)
	require.Empty(t, tag.Values)
	var ops []string
	for _, o := range tag.Ops {
		ops = append(ops, o.Value)
	}
	require.Equal(t, []string{"has", "has_not"}, ops)
	require.Equal(t, "30", b.Root.Children[1].Days, "a window the field needs starts at 30 days")
	require.Equal(t, "number", b.Root.Children[1].Control)
	group := b.Root.Children[2]
	require.True(t, group.Group)
	require.Len(t, group.Children, 2)
	require.Equal(t, "r.2.1", group.Children[1].Path)

	b.act("remove:r.0")
	require.Equal(t, "r.1", b.Root.Children[1].Path)
	require.Equal(t, "r.1.1", b.Root.Children[1].Children[1].Path)
	b.act("remove:r")
	require.Len(t, b.Root.Children, 2, "the root stays")

	// Groups nest only as deep as the tree allows, leaving room for a negated condition.
	deep := newBuilder()
	for path := "r"; ; path += ".0" {
		n := deep.Root.find(path)
		p.draw(&deep)
		if !n.CanNest {
			require.Equal(t, segment.MaxDepth-1, n.Depth)
			break
		}
		deep.act("group:" + path)
		n.Children = n.Children[len(n.Children)-1:]
		deep.Root.renumber(rootPath)
	}
	tree, _ := deep.tree(p)
	checked(t, p, tree)
}

// The service's faults land on the nodes they concern, in the admin's language.
func TestTreeErrorsLandOnTheirNodes(t *testing.T) {
	t.Parallel()
	p := testPalette("zh-CN")
	b := posted(url.Values{"r.kind": {"group"}, "r.match": {"or"},
		"r.0.kind": {"cond"}, "r.0.field": {"city"}, "r.0.op": {"="}, "r.0.value": {"上海"},
		"r.1.kind": {"group"}, "r.1.match": {"not_and"},
		"r.1.0.kind": {"cond"}, "r.1.0.neg": {"not"}, "r.1.0.field": {"spend_fen"}, "r.1.0.op": {">="}, "r.1.0.value": {"一百"}})
	tree, at := b.tree(p)
	_, err := segment.Parse(roundTrip(t, tree), p.cat)
	require.Error(t, err)
	require.True(t, b.showErrors("zh-CN", fielderr.Under("tree", err), at), "the service puts the tree's faults under tree")
	require.Empty(t, b.Root.Children[0].Error)
	require.Equal(t, "值不正确", b.Root.Children[1].Children[0].Error)
	require.Empty(t, b.Error)

	for _, f := range p.cat.Fields() {
		for _, lang := range []string{"en", "zh-CN"} {
			label := palette{lang: lang}.fieldLabel(f)
			require.NotContains(t, label, "segments.", "a label for %s in %s", f.Name, lang)
			for _, op := range f.Operators() {
				require.Contains(t, messages[lang], "segments.op."+op)
			}
			if l := valueLabels(lang, f); l != nil {
				for _, v := range (palette{}).choices(f) {
					name := l(v)
					require.False(t, strings.HasPrefix(name, "customers.") || strings.HasPrefix(name, "lifecycle.") ||
						strings.HasPrefix(name, "segments.") || strings.HasPrefix(name, "timeline."), "a name for %s's %s in %s: %s", f.Name, v, lang, name)
				}
			}
		}
	}
	for _, tmpl := range segmentTemplates {
		for _, lang := range []string{"en", "zh-CN"} {
			require.Contains(t, messages[lang], "segments.template."+tmpl.Key)
			require.Contains(t, messages[lang], "segments.template."+tmpl.Key+"_desc")
		}
		tree, _ := tmpl.Build().tree(p)
		checked(t, p, tree)
	}
}

// roundTrip encodes and decodes v as JSON, as a browser's request would reach the service.
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}

// A redraw reads only the lists of values its conditions pick from, each once: the cities of
// two city conditions once, the categories of a category-spend condition, no list for a
// lifecycle stage (its values are the catalogue's), a yes/no or a number typed in; event
// types only when a condition picks one.
func TestBuilderReadsOnlyTheListsItsConditionsPickFrom(t *testing.T) {
	t.Parallel()
	p := testPalette("zh-CN")
	b := newBuilder(cond("city", segment.OpEq), cond("lifecycle_stage", segment.OpEq),
		&bnode{Group: true, Match: matchAny, Children: []*bnode{cond("city", segment.OpIn), cond("category_spend_fen", segment.OpGt),
			cond("consents.marketing_sms", segment.OpEq), cond("spend_fen", segment.OpGe)}})
	names, eventTypes := p.lists(b.Root)
	require.ElementsMatch(t, []string{"city", "category"}, names)
	require.False(t, eventTypes)

	// An unknown field is drawn as the catalogue's first (gender, whose values are the
	// catalogue's): no list of its own.
	b = newBuilder(cond("nickname", segment.OpEq), cond("events", segment.OpGe), cond("store_visits", segment.OpGe), cond("tag", segment.OpHas))
	names, eventTypes = p.lists(b.Root)
	require.Equal(t, []string{"store", "tag"}, names)
	require.True(t, eventTypes)
}
