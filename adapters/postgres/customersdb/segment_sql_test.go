package customersdb_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
)

// loyaltyFields stand for a module other than customers: the test declares its segment
// fields, and their SQL below, without touching the customers packages.
var loyaltyFields = segment.Fields{Fields: []segment.Field{
	{Name: "name", Kind: segment.KindText},
	{Name: "events_ever", Kind: segment.KindNumber, Min: 0, Max: 1e6},
}}

// loyaltySQL is the SQL of loyaltyFields; restricted records what the aggregate was handed.
func loyaltySQL(restricted *[]string) []customersdb.SegmentField {
	return []customersdb.SegmentField{
		{Name: "name", SQL: func(c segment.Condition, b *customersdb.Binder) string {
			return "(" + b.Compare("c.name", c.Op, c.Value, "text") + ")"
		}},
		{Name: "events_ever", Aggregate: true, SQL: func(c segment.Condition, b *customersdb.Binder) string {
			*restricted = b.Restriction()
			return "(" + b.Compare("(SELECT count(*) FROM customer_events x WHERE x.tenant_id = c.tenant_id AND x.customer_id = c.id)",
				c.Op, int64(c.Value.(float64)), "bigint") + ")"
		}},
	}
}

// A field declared outside the customers module is checked against its declaration, compiled
// with its own SQL (an aggregate handed the conditions and-ed with it) and counted, alone and
// beside the customers module's fields, through the segment service as wiring builds it.
func TestAFieldDeclaredOutsideTheCustomersModuleIsCheckedCompiledAndCounted(t *testing.T) {
	t.Parallel()
	f := newSegmentFixture(t)
	var restricted []string
	ev := customersdb.NewSegmentEvaluator(append(customersdb.SegmentFields(), loyaltySQL(&restricted)...))
	svc := segments.NewService(segments.Deps{Tx: f.b.db, Eval: ev, Defs: customersdb.AttributeDefs{}, Clock: ports.SystemClock{},
		Fields: segment.CustomerFields().Add(loyaltyFields)})
	count := func(tree string) (int64, error) {
		var v any
		require.NoError(t, json.Unmarshal([]byte(tree), &v))
		return svc.Count(context.Background(), f.tn.ID, v)
	}

	// ann has 4 events, bob 2, cat none and dan 3; ann and cat live in Shanghai.
	for _, tc := range []struct {
		tree string
		want []string
		// restricted are what the predicates events_ever is handed hold, in order.
		restricted []string
	}{
		{`{"field":"name","op":"in","value":["ann","cat"]}`, []string{"ann", "cat"}, nil},
		{`{"field":"events_ever","op":">=","value":3}`, []string{"ann", "dan"}, nil},
		{`{"and":[{"field":"city","op":"=","value":"上海"},{"field":"events_ever","op":">=","value":1}]}`, []string{"ann"}, []string{"c.city"}},
		{`{"or":[{"field":"name","op":"=","value":"bob"},{"not":{"field":"events_ever","op":"<","value":4}}]}`, []string{"ann", "bob"}, nil},
		{`{"and":[{"field":"attributes.favourite_tea","op":"=","value":"puer"},{"field":"name","op":"!=","value":"ann"}]}`,
			[]string{"cat"}, nil},
	} {
		restricted = nil
		n, err := count(tc.tree)
		require.NoError(t, err, tc.tree)
		require.EqualValues(t, len(tc.want), n, tc.tree)
		require.Len(t, restricted, len(tc.restricted), tc.tree)
		for i, part := range tc.restricted {
			require.Contains(t, restricted[i], part, "the aggregate is handed the sibling's predicate")
		}

		tree := mustLoyaltyTree(t, tc.tree)
		f.b.inTenant(t, f.tn, func(ctx context.Context) error {
			preview, err := ev.Preview(ctx, tree, f.now, 10)
			var names []string
			for _, c := range preview {
				names = append(names, c.Name)
			}
			require.ElementsMatch(t, tc.want, names, tc.tree)
			return err
		})
	}

	for tree, want := range map[string]error{
		`{"field":"events_ever","op":">=","value":-1}`:  segment.ErrValue,
		`{"field":"events_ever","op":">=","value":0.5}`: segment.ErrValue,
		`{"field":"name","op":">","value":"a"}`:         segment.ErrOperator,
		`{"field":"nickname","op":"=","value":"a"}`:     segment.ErrUnknownField,
	} {
		_, err := count(tree)
		require.ErrorIs(t, err, want, tree)
	}
}

// mustLoyaltyTree parses src against the customers module's fields and the loyalty fields.
func mustLoyaltyTree(t *testing.T, src string) segment.Tree {
	t.Helper()
	cat := segment.NewCatalogue(segment.CustomerFields().Add(loyaltyFields), segment.AttributeFields(segmentDefs)...)
	tree, err := segment.ParseJSON([]byte(src), cat)
	require.NoError(t, err, src)
	return tree
}
