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
)

func TestBuilderRowsBecomeATreeAndBack(t *testing.T) {
	t.Parallel()
	cat := segment.NewCatalogue(segment.CustomerFields(), segment.AttributeFields([]customer.AttributeDef{{Key: "height_cm", Type: "number"}})...)
	form := url.Values{"match": {"or"}, "neg": {"", "not", ""}, "field": {"city", "events", "attributes.height_cm"},
		"op": {"in", ">=", ">"}, "value": {"上海，北京", "2", "170.5"}, "days": {"", "30", ""}, "param": {"", "visit", ""}}
	r := httptest.NewRequest("POST", "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	b := readBuilder(r)
	tree, err := segment.Parse(roundTrip(t, b.tree(cat)), cat)
	require.NoError(t, err)
	raw, err := json.Marshal(tree)
	require.NoError(t, err)
	require.JSONEq(t, `{"or":[{"field":"city","op":"in","value":["上海","北京"]},
		{"not":{"field":"events","op":">=","value":2,"window_days":30,"event_type":"visit"}},
		{"field":"attributes.height_cm","op":">","value":170.5}]}`, string(raw))

	back, ok := fromTree(raw)
	require.True(t, ok)
	require.Equal(t, "or", back.Match)
	require.Equal(t, []conditionRow{{Field: "city", Op: "in", Value: "上海, 北京"},
		{Not: true, Field: "events", Op: ">=", Value: "2", Days: "30", Param: "visit"},
		{Field: "attributes.height_cm", Op: ">", Value: "170.5"}}, back.Rows)

	single, ok := fromTree(json.RawMessage(`{"field":"tag","op":"has","value":"vip"}`))
	require.True(t, ok)
	require.Equal(t, []conditionRow{{Field: "tag", Op: "has", Value: "vip"}}, single.Rows)
	_, ok = fromTree(json.RawMessage(`{"and":[{"or":[]}]}`))
	require.False(t, ok, "nested groups are not shown as rows")
}

func TestTreeErrorsLandOnTheirRows(t *testing.T) {
	t.Parallel()
	b := builder{Match: "and", Rows: []conditionRow{{Field: "city"}, {Field: "purchases"}}}
	_, err := segment.Parse(map[string]any{"and": []any{map[string]any{"field": "city", "op": "=", "value": "x"},
		map[string]any{"not": map[string]any{"field": "purchases", "op": ">=", "value": "two", "window_days": 3.0}}}}, segment.NewCatalogue(segment.CustomerFields()))
	require.True(t, b.showErrors("en", fielderr.Under("tree", err)), "the service puts the tree's faults under tree")
	require.Empty(t, b.Rows[0].Error)
	require.Contains(t, b.Rows[1].Error, "Wrong value")
	for _, f := range segment.NewCatalogue(segment.CustomerFields()).Fields() {
		if !strings.Contains(f.Name, ".") {
			require.Contains(t, messages["en"], "segments.field."+f.Name)
			require.Contains(t, messages["zh-CN"], "segments.field."+f.Name)
		}
	}
	for _, op := range builderOps {
		require.Contains(t, messages["zh-CN"], "segments.op."+op)
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
