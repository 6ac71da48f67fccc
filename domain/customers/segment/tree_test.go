package segment_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/domain/fielderr"
)

var testCatalogue = segment.NewCatalogue(segment.CustomerFields(), segment.AttributeFields([]customer.AttributeDef{
	{Key: "favourite_tea", Type: "enum", EnumValues: []string{"oolong", "puer"}},
	{Key: "height_cm", Type: "number"},
	{Key: "nickname", Type: "string"},
	{Key: "anniversary", Type: "date"},
	{Key: "vegan", Type: "boolean"},
})...)

func parse(t *testing.T, tree string) (segment.Tree, error) {
	t.Helper()
	return segment.ParseJSON([]byte(tree), testCatalogue)
}

func TestEveryKindOfConditionParsesAndRoundTrips(t *testing.T) {
	t.Parallel()
	src := `{"and":[
		{"field":"city","op":"=","value":"上海"},
		{"field":"gender","op":"in","value":["female","other"]},
		{"field":"birth_month","op":"=","value":5},
		{"field":"joined_on","op":">=","value":"2024-01-01"},
		{"field":"lifecycle_stage","op":"!=","value":"lapsed"},
		{"field":"tag","op":"has","value":"vip"},
		{"field":"purchase_count","op":">","value":3},
		{"field":"last_purchase_days_ago","op":"<=","value":30},
		{"or":[
			{"field":"purchases","window_days":30,"op":">=","value":2},
			{"field":"events","event_type":"custom:tasting","window_days":7,"op":">=","value":1},
			{"field":"category_spend_fen","category":"tea","window_days":90,"op":">","value":10000},
			{"field":"store_visits","store":"上海南京西路店","window_days":30,"op":">=","value":1},
			{"field":"joined_campaign","op":"has","value":"spring"}
		]},
		{"not":{"field":"consents.marketing_sms","op":"=","value":false}},
		{"field":"attributes.favourite_tea","op":"not_in","value":["puer"]},
		{"field":"attributes.height_cm","op":"<","value":170.5},
		{"field":"attributes.nickname","op":"is_set"},
		{"field":"attributes.anniversary","op":">","value":"2020-02-29"},
		{"field":"attributes.vegan","op":"=","value":true}
	]}`
	tree, err := parse(t, src)
	require.NoError(t, err)
	require.Len(t, tree.Conditions(), 19)
	c := tree.Conditions()[9]
	require.Equal(t, "events", c.Field.Name)
	require.Equal(t, "custom:tasting", c.EventType)
	require.Equal(t, 7, c.WindowDays)
	require.Equal(t, []string{"female", "other"}, tree.Conditions()[1].Value)
	require.Equal(t, "favourite_tea", tree.Conditions()[14].Key)

	raw, err := json.Marshal(tree)
	require.NoError(t, err)
	again, err := segment.ParseJSON(raw, testCatalogue)
	require.NoError(t, err)
	require.Equal(t, tree, again)
	require.JSONEq(t, src, string(raw))
}

func TestEmptyGroupsMatchEveryoneOrNoOne(t *testing.T) {
	t.Parallel()
	tree, err := parse(t, `{"and":[]}`)
	require.NoError(t, err)
	require.Equal(t, segment.Everyone, tree)
	tree, err = parse(t, `{"or":[]}`)
	require.NoError(t, err)
	require.NotNil(t, tree.Root.Or)
	require.Empty(t, tree.Conditions())
}

func TestBadTreesNameTheNodeAtFault(t *testing.T) {
	t.Parallel()
	deep := `{"field":"city","op":"=","value":"x"}`
	for range segment.MaxDepth + 1 {
		deep = `{"not":` + deep + `}`
	}
	many := `{"or":[` + strings.Repeat(`{"field":"city","op":"=","value":"x"},`, segment.MaxConditions) +
		`{"field":"city","op":"=","value":"y"}]}`
	for _, tc := range []struct {
		name, tree string
		path       string
		err        error
	}{
		{"not JSON", `{`, "", segment.ErrMalformed},
		{"not an object", `[1]`, "", segment.ErrMalformed},
		{"two kinds of node", `{"and":[],"or":[]}`, "", segment.ErrMalformed},
		{"group with extra key", `{"and":[],"x":1}`, "", segment.ErrMalformed},
		{"and not a list", `{"and":{}}`, "and", segment.ErrMalformed},
		{"unknown field", `{"and":[{"field":"city","op":"=","value":"x"},{"field":"shoe_size","op":"=","value":1}]}`, "and[1].field", segment.ErrUnknownField},
		{"unknown attribute", `{"field":"attributes.shoe_size","op":"=","value":1}`, "field", segment.ErrUnknownAttribute},
		{"unknown consent", `{"field":"consents.telepathy","op":"=","value":true}`, "field", segment.ErrUnknownField},
		{"operator of another kind", `{"or":[{"field":"city","op":">","value":"x"}]}`, "or[0].op", segment.ErrOperator},
		{"is_set on a profile field", `{"field":"city","op":"is_set"}`, "op", segment.ErrOperator},
		{"text for a number", `{"field":"purchase_count","op":">","value":"3"}`, "value", segment.ErrValue},
		{"fraction of a count", `{"field":"purchase_count","op":">","value":2.5}`, "value", segment.ErrValue},
		{"negative count", `{"field":"visit_count","op":">","value":-1}`, "value", segment.ErrValue},
		{"month 13", `{"field":"birth_month","op":"=","value":13}`, "value", segment.ErrValue},
		{"bad enum", `{"field":"lifecycle_stage","op":"=","value":"asleep"}`, "value", segment.ErrValue},
		{"bad enum in list", `{"field":"gender","op":"in","value":["female","robot"]}`, "value[1]", segment.ErrValue},
		{"empty list", `{"field":"gender","op":"in","value":[]}`, "value", segment.ErrValue},
		{"bad date", `{"field":"joined_on","op":"<","value":"2024-02-30"}`, "value", segment.ErrValue},
		{"missing value", `{"field":"city","op":"="}`, "value", segment.ErrValue},
		{"value on is_set", `{"field":"attributes.nickname","op":"is_set","value":"x"}`, "value", segment.ErrValue},
		{"attribute enum value", `{"field":"attributes.favourite_tea","op":"=","value":"green"}`, "value", segment.ErrValue},
		{"attribute boolean", `{"field":"attributes.vegan","op":"=","value":"yes"}`, "value", segment.ErrValue},
		{"missing window", `{"field":"purchases","op":">=","value":2}`, "window_days", segment.ErrValue},
		{"window too long", `{"field":"purchases","window_days":4000,"op":">=","value":2}`, "window_days", segment.ErrValue},
		{"window on a profile field", `{"field":"city","window_days":3,"op":"=","value":"x"}`, "window_days", segment.ErrValue},
		{"missing event type", `{"field":"events","window_days":3,"op":">=","value":1}`, "event_type", segment.ErrValue},
		{"bad event type", `{"field":"events","event_type":"custom:Bad Type","window_days":3,"op":">=","value":1}`, "event_type", segment.ErrValue},
		{"category on purchases", `{"field":"purchases","category":"tea","window_days":3,"op":">=","value":1}`, "category", segment.ErrValue},
		{"missing store", `{"field":"store_visits","window_days":3,"op":">=","value":1}`, "store", segment.ErrValue},
		{"empty tag", `{"field":"tag","op":"has","value":""}`, "value", segment.ErrValue},
		{"unknown key", `{"field":"city","op":"=","value":"x","weight":2}`, "weight", segment.ErrMalformed},
		{"too deep", deep, "not.not.not.not.not", segment.ErrTooDeep},
		{"too many", many, "or[50]", segment.ErrTooMany},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parse(t, tc.tree)
			require.ErrorIs(t, err, tc.err)
			errs := fielderr.All(err)
			require.NotEmpty(t, errs)
			var paths []string
			for _, e := range errs {
				paths = append(paths, e.Field)
			}
			require.Contains(t, paths, tc.path)
		})
	}
}

func TestEveryFaultIsReported(t *testing.T) {
	t.Parallel()
	_, err := parse(t, `{"and":[{"field":"nope","op":"=","value":1},{"field":"city","op":"~","value":"x"},{"field":"tag","op":"has","value":3}]}`)
	var paths []string
	for _, e := range fielderr.All(err) {
		paths = append(paths, e.Field)
	}
	require.Equal(t, []string{"and[0].field", "and[1].op", "and[2].value"}, paths)
	require.True(t, errors.Is(err, segment.ErrUnknownField) && errors.Is(err, segment.ErrOperator) && errors.Is(err, segment.ErrValue))
}

func TestCatalogueListsConsentsAndTheBrandsAttributes(t *testing.T) {
	t.Parallel()
	var names []string
	for _, f := range testCatalogue.Fields() {
		names = append(names, f.Name)
	}
	require.Contains(t, names, "purchases")
	require.Contains(t, names, "consents.marketing_sms")
	require.Contains(t, names, "attributes.height_cm")
	require.NotContains(t, names, "attributes.shoe_size")
}

func TestSegmentAndRuleChecks(t *testing.T) {
	t.Parallel()
	s := segment.Segment{Name: "  ", Description: strings.Repeat("x", 1001)}
	err := s.Check()
	var fe *fielderr.Error
	require.ErrorAs(t, err, &fe)
	require.ErrorIs(t, err, segment.ErrName)
	require.ErrorIs(t, err, segment.ErrDesc)
	s = segment.Segment{Name: " 上海常客 "}
	require.NoError(t, s.Check())
	require.Equal(t, "上海常客", s.Name)

	r := segment.TagRule{Tag: "bad\ttag"}
	require.ErrorIs(t, r.Check(), segment.ErrTag)
	r = segment.TagRule{Tag: strings.Repeat("茶", 41)}
	require.ErrorIs(t, r.Check(), segment.ErrTag)
	r = segment.TagRule{Tag: " 茶友 "}
	require.NoError(t, r.Check())
	require.Equal(t, "茶友", r.Tag)
}
