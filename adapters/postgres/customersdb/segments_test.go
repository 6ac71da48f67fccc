package customersdb_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

var segmentDefs = []customer.AttributeDef{
	{Key: "favourite_tea", Type: "enum", EnumValues: []string{"oolong", "puer"}},
	{Key: "height_cm", Type: "number"},
	{Key: "vegan", Type: "boolean"},
	{Key: "anniversary", Type: "date"},
}

// segmentFixture is four customers whose every segment-relevant property is known.
type segmentFixture struct {
	b      *testBundle
	tn     tenants.Tenant
	now    time.Time
	byName map[string]uuid.UUID
}

func newSegmentFixture(t *testing.T) *segmentFixture {
	t.Helper()
	b := setup(t)
	f := &segmentFixture{b: b, tn: pgtest.NewTenant(t, b.dir), now: time.Now(), byName: map[string]uuid.UUID{}}
	day := func(n int) time.Time { return f.now.AddDate(0, 0, -n) }
	born := func(s string) *time.Time { d, _ := time.Parse(time.DateOnly, s); return &d }
	profiles := []customer.Customer{
		{Name: "ann", City: "上海", Gender: "female", BirthDate: born("1990-05-10"), Consents: map[string]bool{"marketing_sms": true},
			Attributes: map[string]any{"favourite_tea": "oolong", "height_cm": 165.0, "anniversary": "2020-02-29"}},
		{Name: "bob", City: "北京", Gender: "male"},
		{Name: "cat", City: "上海", Gender: "other", BirthDate: born("1985-12-01"),
			Attributes: map[string]any{"favourite_tea": "puer", "height_cm": 180.0}},
		{Name: "dan", Attributes: map[string]any{"vegan": true}},
	}
	b.inTenant(t, f.tn, func(ctx context.Context) error {
		if err := (customersdb.AttributeDefs{}).Replace(ctx, segmentDefs); err != nil {
			return err
		}
		for _, c := range profiles {
			c.ID = uuid.New()
			if err := c.Normalise(f.now); err != nil {
				return err
			}
			if err := (customersdb.Customers{}).Insert(ctx, c); err != nil {
				return err
			}
			f.byName[c.Name] = c.ID
		}
		q, _, _ := postgres.TenantTx(ctx)
		if _, err := q.Exec(ctx, `UPDATE customers SET lifecycle_stage = 'active' WHERE id = $1`, f.byName["ann"]); err != nil {
			return err
		}
		if err := (customersdb.Tags{}).AssignTags(ctx, f.byName["ann"], []string{"vip"}, ports.TagManual); err != nil {
			return err
		}
		ann, bob, dan := f.byName["ann"], f.byName["bob"], f.byName["dan"]
		price := amount(5000)
		evs := []event.Event{
			{ID: "a1", CustomerID: ann, Type: event.TypePurchase, Channel: "pos", OccurredAt: day(3), AmountFen: amount(10000), Store: "S1",
				Items: []event.Item{{SKU: "oolong", Category: "tea", Quantity: 2, PriceFen: price}}},
			{ID: "a2", CustomerID: ann, Type: event.TypePurchase, Channel: "pos", OccurredAt: day(20), AmountFen: amount(5000), Store: "S2",
				Items: []event.Item{{SKU: "cup", Category: "ware", Quantity: 1, PriceFen: price}, {SKU: "puer", Category: "tea", Quantity: 1}}},
			{ID: "a3", CustomerID: ann, Type: event.TypeVisit, Channel: "pos", OccurredAt: day(10), Store: "S1"},
			{ID: "a4", CustomerID: ann, Type: "custom:signup", Channel: "mini_program", OccurredAt: day(5), Payload: map[string]any{"campaign": "spring"}},
			{ID: "b1", CustomerID: bob, Type: event.TypePurchase, Channel: "website", OccurredAt: day(60), AmountFen: amount(3000),
				Items: []event.Item{{SKU: "beans", Category: "coffee", Quantity: 1, PriceFen: amount(3000)}}},
			{ID: "b2", CustomerID: bob, Type: "custom:signup", Channel: "mini_program", OccurredAt: day(100), Payload: map[string]any{"campaign": "spring"}},
			{ID: "d1", CustomerID: dan, Type: event.TypeVisit, Channel: "pos", OccurredAt: day(1), Store: "S1"},
			{ID: "d2", CustomerID: dan, Type: event.TypeVisit, Channel: "pos", OccurredAt: day(2), Store: "S1"},
			{ID: "d3", CustomerID: dan, Type: event.TypeVisit, Channel: "pos", OccurredAt: day(40), Store: "S1"},
		}
		if _, err := (customersdb.Events{}).InsertNew(ctx, evs); err != nil {
			return err
		}
		return customersdb.Activity{}.Recompute(ctx, []uuid.UUID{ann, bob, dan})
	})
	return f
}

func (f *segmentFixture) names(ids []uuid.UUID) []string {
	var out []string
	for name, id := range f.byName {
		if slices.Contains(ids, id) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func (f *segmentFixture) all() []uuid.UUID {
	var out []uuid.UUID
	for _, id := range f.byName {
		out = append(out, id)
	}
	return out
}

func mustTree(t testing.TB, src string) segment.Tree {
	t.Helper()
	tree, err := segment.ParseJSON([]byte(src), segment.NewCatalogue(segment.CustomerFields(), segment.AttributeFields(segmentDefs)...))
	require.NoError(t, err, src)
	return tree
}

// members lists the customer IDs of a segment's materialised membership.
func members(ctx context.Context, id uuid.UUID) ([]uuid.UUID, error) {
	cs, err := evaluator.Members(ctx, id, ports.Page{Limit: 100})
	var out []uuid.UUID
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out, err
}

// TestSegmentsMatchWhatEachConditionMeans evaluates every kind of condition, and groups of
// them, in the three ways the service does: counting and previewing the whole brand with
// brand-wide aggregates, refreshing a saved segment's members in full, and refreshing them for
// a few customers with per-customer subqueries. All three must pick the same customers.
func TestSegmentsMatchWhatEachConditionMeans(t *testing.T) {
	t.Parallel()
	f := newSegmentFixture(t)
	ev := evaluator
	for _, tc := range []struct {
		tree string
		want []string
	}{
		{`{"and":[]}`, []string{"ann", "bob", "cat", "dan"}},
		{`{"or":[]}`, nil},
		{`{"field":"city","op":"=","value":"上海"}`, []string{"ann", "cat"}},
		{`{"field":"city","op":"!=","value":"上海"}`, []string{"bob", "dan"}},
		{`{"field":"city","op":"in","value":["北京","广州"]}`, []string{"bob"}},
		{`{"field":"gender","op":"not_in","value":["female","male"]}`, []string{"cat", "dan"}},
		{`{"field":"birth_month","op":"=","value":5}`, []string{"ann"}},
		{`{"not":{"field":"birth_month","op":"=","value":5}}`, []string{"bob", "cat", "dan"}},
		{`{"field":"birth_month","op":"in","value":[5,12]}`, []string{"ann", "cat"}},
		{`{"field":"joined_days_ago","op":"<=","value":1}`, []string{"ann", "bob", "cat", "dan"}},
		{`{"field":"joined_on","op":"<","value":"2000-01-01"}`, nil},
		{`{"field":"lifecycle_stage","op":"=","value":"active"}`, []string{"ann"}},
		{`{"field":"language","op":"=","value":"zh-CN"}`, []string{"ann", "bob", "cat", "dan"}},
		{`{"field":"consents.marketing_sms","op":"=","value":true}`, []string{"ann"}},
		{`{"field":"consents.marketing_sms","op":"=","value":false}`, []string{"bob", "cat", "dan"}},
		{`{"field":"tag","op":"has","value":"vip"}`, []string{"ann"}},
		{`{"field":"tag","op":"has_not","value":"vip"}`, []string{"bob", "cat", "dan"}},
		{`{"field":"attributes.favourite_tea","op":"=","value":"puer"}`, []string{"cat"}},
		{`{"field":"attributes.favourite_tea","op":"!=","value":"puer"}`, []string{"ann"}},
		{`{"field":"attributes.favourite_tea","op":"is_not_set"}`, []string{"bob", "dan"}},
		{`{"field":"attributes.height_cm","op":">","value":170}`, []string{"cat"}},
		{`{"field":"attributes.height_cm","op":"=","value":165}`, []string{"ann"}},
		{`{"field":"attributes.vegan","op":"=","value":true}`, []string{"dan"}},
		{`{"field":"attributes.anniversary","op":">=","value":"2020-01-01"}`, []string{"ann"}},
		{`{"field":"purchase_count","op":">=","value":2}`, []string{"ann"}},
		{`{"field":"purchase_count","op":"<","value":1}`, []string{"cat", "dan"}},
		{`{"field":"spend_fen","op":">","value":4000}`, []string{"ann"}},
		{`{"field":"visit_count","op":"=","value":0}`, []string{"bob", "cat"}},
		{`{"field":"last_purchase_days_ago","op":"<=","value":30}`, []string{"ann"}},
		{`{"field":"last_purchase_days_ago","op":">","value":30}`, []string{"bob"}},
		{`{"field":"purchases","window_days":30,"op":">=","value":2}`, []string{"ann"}},
		{`{"field":"purchases","window_days":90,"op":">=","value":1}`, []string{"ann", "bob"}},
		{`{"field":"purchases","window_days":30,"op":"<","value":1}`, []string{"bob", "cat", "dan"}},
		{`{"field":"purchases","window_days":30,"op":"!=","value":1}`, []string{"ann", "bob", "cat", "dan"}},
		{`{"field":"purchases","window_days":10,"op":"=","value":1}`, []string{"ann"}},
		{`{"field":"events","event_type":"visit","window_days":30,"op":">=","value":2}`, []string{"dan"}},
		{`{"field":"events","event_type":"visit","window_days":30,"op":"<=","value":1}`, []string{"ann", "bob", "cat"}},
		{`{"field":"category_spend_fen","category":"tea","window_days":30,"op":">=","value":10000}`, []string{"ann"}},
		{`{"field":"category_spend_fen","category":"tea","window_days":30,"op":">","value":10000}`, nil},
		{`{"field":"category_spend_fen","category":"coffee","window_days":90,"op":"<","value":1}`, []string{"ann", "cat", "dan"}},
		{`{"field":"store_visits","store":"S1","window_days":30,"op":">=","value":1}`, []string{"ann", "dan"}},
		{`{"field":"store_visits","store":"S2","window_days":30,"op":">=","value":1}`, []string{"ann"}},
		{`{"field":"joined_campaign","op":"has","value":"spring"}`, []string{"ann", "bob"}},
		{`{"field":"joined_campaign","window_days":30,"op":"has","value":"spring"}`, []string{"ann"}},
		{`{"field":"joined_campaign","op":"has_not","value":"spring"}`, []string{"cat", "dan"}},
		{`{"field":"channel","op":"has","value":"website"}`, []string{"bob"}},
		{`{"field":"channel","op":"has","value":"mini_program"}`, []string{"ann", "bob"}},
		{`{"field":"channel","window_days":30,"op":"has","value":"mini_program"}`, []string{"ann"}},
		{`{"field":"channel","op":"has_not","value":"pos"}`, []string{"bob", "cat"}},
		{`{"and":[{"field":"city","op":"=","value":"上海"},{"field":"purchases","window_days":90,"op":">=","value":2},
			{"field":"tag","op":"has","value":"vip"}]}`, []string{"ann"}},
		{`{"or":[{"field":"city","op":"=","value":"北京"},{"field":"attributes.vegan","op":"=","value":true}]}`, []string{"bob", "dan"}},
		{`{"and":[{"field":"city","op":"=","value":"上海"},{"not":{"field":"tag","op":"has","value":"vip"}}]}`, []string{"cat"}},
		{`{"not":{"or":[{"field":"purchases","window_days":90,"op":">=","value":1},{"field":"visit_count","op":">","value":0}]}}`, []string{"cat"}},
		// Windows and-ed with other conditions only aggregate the customers those match.
		{`{"and":[{"field":"city","op":"=","value":"上海"},{"field":"purchases","window_days":30,"op":"<","value":1}]}`, []string{"cat"}},
		{`{"and":[{"field":"city","op":"=","value":"上海"},{"not":{"field":"purchases","window_days":30,"op":">=","value":2}}]}`, []string{"cat"}},
		{`{"and":[{"field":"tag","op":"has_not","value":"vip"},{"or":[{"field":"purchases","window_days":90,"op":">=","value":1},
			{"field":"events","event_type":"visit","window_days":30,"op":">=","value":2}]}]}`, []string{"bob", "dan"}},
		{`{"and":[{"field":"gender","op":"!=","value":"male"},{"and":[{"field":"city","op":"=","value":"上海"},
			{"field":"category_spend_fen","category":"tea","window_days":30,"op":">=","value":1}]}]}`, []string{"ann"}},
		{`{"or":[{"field":"city","op":"=","value":"北京"},{"and":[{"field":"attributes.vegan","op":"=","value":true},
			{"field":"store_visits","store":"S1","window_days":30,"op":">=","value":2}]}]}`, []string{"bob", "dan"}},
	} {
		t.Run(tc.tree, func(t *testing.T) {
			t.Parallel()
			tree := mustTree(t, tc.tree)
			var (
				n        int64
				preview  []customer.Customer
				full, of []uuid.UUID
			)
			f.b.inTenant(t, f.tn, func(ctx context.Context) (err error) {
				if n, err = ev.Count(ctx, tree, f.now); err != nil {
					return err
				}
				if preview, err = ev.Preview(ctx, tree, f.now, 10); err != nil {
					return err
				}
				def, _ := json.Marshal(tree)
				s := segment.Segment{ID: uuid.New(), Name: "s " + uuid.NewString(), Definition: def}
				if err := (customersdb.Segments{}).Insert(ctx, s); err != nil {
					return err
				}
				if _, _, err := ev.RefreshMembers(ctx, s.ID, tree, f.now, nil); err != nil {
					return err
				}
				if full, err = members(ctx, s.ID); err != nil {
					return err
				}
				// Per customer: everyone out first, then each one re-evaluated.
				if _, _, err := ev.RefreshMembers(ctx, s.ID, segment.Tree{Root: segment.Node{Or: []segment.Node{}}}, f.now, nil); err != nil {
					return err
				}
				if _, _, err := ev.RefreshMembers(ctx, s.ID, tree, f.now, f.all()); err != nil {
					return err
				}
				of, err = members(ctx, s.ID)
				return err
			})
			var previewed []uuid.UUID
			for _, c := range preview {
				previewed = append(previewed, c.ID)
			}
			require.Equal(t, tc.want, f.names(previewed), "preview")
			require.EqualValues(t, len(tc.want), n, "count")
			require.Equal(t, tc.want, f.names(full), "full refresh")
			require.Equal(t, tc.want, f.names(of), "per-customer refresh")
		})
	}
}

// TestSegmentValuesAreTheBrandsOwn lists the values present in the brand's data, the most
// frequent first, and none of another brand's.
func TestSegmentValuesAreTheBrandsOwn(t *testing.T) {
	t.Parallel()
	f := newSegmentFixture(t)
	other := pgtest.NewTenant(t, f.b.dir)
	f.b.inTenant(t, other, func(ctx context.Context) error {
		c := customer.Customer{ID: uuid.New(), Name: "eve", City: "成都"}
		if err := c.Normalise(f.now); err != nil {
			return err
		}
		return (customersdb.Customers{}).Insert(ctx, c)
	})
	f.b.inTenant(t, f.tn, func(ctx context.Context) error {
		all := []string{"city", "region", "preferred_store", "tag", "joined_campaign", "store", "category"}
		got, err := customersdb.SegmentValues{}.Values(ctx, all, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"上海", "北京"}, got["city"])
		require.Equal(t, []string{"vip"}, got["tag"])
		require.Equal(t, []string{"spring"}, got["joined_campaign"])
		require.Equal(t, []string{"S1", "S2"}, got["store"])
		require.Equal(t, []string{"tea", "coffee", "ware"}, got["category"])
		require.Empty(t, got["region"])
		one, err := customersdb.SegmentValues{}.Values(ctx, []string{"city", "city", "nickname"}, 1)
		require.NoError(t, err)
		require.Equal(t, ports.SegmentValues{"city": {"上海"}}, one, "only the lists named, each once; an unknown name has none")
		return nil
	})
}

func TestSegmentRefreshIsIdempotentAndRecordsTheCount(t *testing.T) {
	t.Parallel()
	f := newSegmentFixture(t)
	ev := evaluator
	tree := mustTree(t, `{"field":"city","op":"=","value":"上海"}`)
	id := uuid.New()
	f.b.inTenant(t, f.tn, func(ctx context.Context) error {
		def, _ := json.Marshal(tree)
		require.NoError(t, customersdb.Segments{}.Insert(ctx, segment.Segment{ID: id, Name: "上海", Definition: def}))
		entered, left, err := ev.RefreshMembers(ctx, id, tree, f.now, nil)
		require.NoError(t, err)
		require.ElementsMatch(t, []uuid.UUID{f.byName["ann"], f.byName["cat"]}, entered, "those in Shanghai entered")
		require.Empty(t, left)
		entered, left, err = ev.RefreshMembers(ctx, id, tree, f.now, nil)
		require.NoError(t, err)
		require.Empty(t, entered, "a second refresh moves nobody")
		require.Empty(t, left)
		s, err := customersdb.Segments{}.Get(ctx, id)
		require.NoError(t, err)
		require.EqualValues(t, 2, s.Members)
		require.False(t, s.RefreshedAt.IsZero())

		// Bob moves to Shanghai: a refresh of bob alone adds him, leaving the others.
		q, _, _ := postgres.TenantTx(ctx)
		_, err = q.Exec(ctx, `UPDATE customers SET city = '上海' WHERE id = $1`, f.byName["bob"])
		require.NoError(t, err)
		entered, left, err = ev.RefreshMembers(ctx, id, tree, f.now, []uuid.UUID{f.byName["bob"]})
		require.NoError(t, err)
		require.Equal(t, []uuid.UUID{f.byName["bob"]}, entered)
		require.Empty(t, left)
		got, err := members(ctx, id)
		require.NoError(t, err)
		require.Equal(t, []string{"ann", "bob", "cat"}, f.names(got))

		// Ann moves to Beijing: the next full refresh says she left.
		_, err = q.Exec(ctx, `UPDATE customers SET city = '北京' WHERE id = $1`, f.byName["ann"])
		require.NoError(t, err)
		entered, left, err = ev.RefreshMembers(ctx, id, tree, f.now, nil)
		require.NoError(t, err)
		require.Empty(t, entered)
		require.Equal(t, []uuid.UUID{f.byName["ann"]}, left)

		in, err := ev.SegmentsOf(ctx, f.byName["bob"])
		require.NoError(t, err)
		require.Equal(t, map[uuid.UUID]string{id: "上海"}, in)
		require.NoError(t, ev.Forget(ctx, f.byName["bob"]))
		in, err = ev.SegmentsOf(ctx, f.byName["bob"])
		require.NoError(t, err)
		require.Empty(t, in)
		return nil
	})
}

func TestTagRulesTagMembersAndUntagOnlyWhatTheySet(t *testing.T) {
	t.Parallel()
	f := newSegmentFixture(t)
	ev := evaluator
	tags := func(ctx context.Context, tag string) map[string]string {
		q, _, _ := postgres.TenantTx(ctx)
		rows, err := q.Query(ctx, `SELECT customer_id, source FROM customer_tags WHERE tag = $1`, tag)
		require.NoError(t, err)
		out := map[string]string{}
		for rows.Next() {
			var (
				id     uuid.UUID
				source string
			)
			require.NoError(t, rows.Scan(&id, &source))
			out[f.names([]uuid.UUID{id})[0]] = source
		}
		require.NoError(t, rows.Err())
		return out
	}
	f.b.inTenant(t, f.tn, func(ctx context.Context) error {
		// cat was tagged by hand; the rule matches ann and cat, then only ann.
		require.NoError(t, customersdb.Tags{}.AssignTags(ctx, f.byName["cat"], []string{"上海客"}, ports.TagManual))
		shanghai := mustTree(t, `{"field":"city","op":"=","value":"上海"}`)
		for range 2 {
			require.NoError(t, ev.ApplyTagRule(ctx, "上海客", shanghai, f.now, nil))
		}
		require.Equal(t, map[string]string{"ann": "rule", "cat": "manual"}, tags(ctx, "上海客"))

		buyers := mustTree(t, `{"field":"purchases","window_days":90,"op":">=","value":1}`)
		require.NoError(t, ev.ApplyTagRule(ctx, "上海客", buyers, f.now, []uuid.UUID{f.byName["ann"], f.byName["bob"], f.byName["cat"]}))
		require.Equal(t, map[string]string{"ann": "rule", "bob": "rule", "cat": "manual"}, tags(ctx, "上海客"))

		nobody := mustTree(t, `{"or":[]}`)
		require.NoError(t, ev.ApplyTagRule(ctx, "上海客", nobody, f.now, []uuid.UUID{f.byName["bob"]}))
		require.Equal(t, map[string]string{"ann": "rule", "cat": "manual"}, tags(ctx, "上海客"))
		require.NoError(t, ev.RemoveRuleTags(ctx, "上海客"))
		require.Equal(t, map[string]string{"cat": "manual"}, tags(ctx, "上海客"))
		return nil
	})
}

func TestExportStreamsTheFilteredCustomers(t *testing.T) {
	t.Parallel()
	f := newSegmentFixture(t)
	ev := evaluator
	buyers := mustTree(t, `{"field":"purchase_count","op":">=","value":1}`)
	export := func(filter ports.CustomerFilter) []string {
		var ids []uuid.UUID
		require.NoError(t, f.b.db.ReadInTenant(context.Background(), f.tn.ID, func(ctx context.Context) error {
			n, err := ev.Export(ctx, filter, f.now, func(c customer.Customer) error {
				ids = append(ids, c.ID)
				return nil
			})
			require.EqualValues(t, len(ids), n)
			return err
		}))
		return f.names(ids)
	}
	require.Equal(t, []string{"ann", "bob", "cat", "dan"}, export(ports.CustomerFilter{}))
	require.Equal(t, []string{"ann", "cat"}, export(ports.CustomerFilter{Query: ports.CustomerQuery{City: "上海"}}))
	require.Equal(t, []string{"ann"}, export(ports.CustomerFilter{Query: ports.CustomerQuery{City: "上海"}, Tree: &buyers}))
	require.Equal(t, []string{"bob"}, export(ports.CustomerFilter{Query: ports.CustomerQuery{Search: "bo"}, Tree: &buyers}))

	id := uuid.New()
	f.b.inTenant(t, f.tn, func(ctx context.Context) error {
		def, _ := json.Marshal(buyers)
		require.NoError(t, customersdb.Segments{}.Insert(ctx, segment.Segment{ID: id, Name: "buyers", Definition: def}))
		_, _, err := ev.RefreshMembers(ctx, id, buyers, f.now, nil)
		return err
	})
	require.Equal(t, []string{"ann", "bob"}, export(ports.CustomerFilter{Segment: id}))
}

func TestSegmentsAndRulesAreIsolatedBetweenTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			s := segment.Segment{ID: uuid.New(), Name: "everyone", Definition: json.RawMessage(`{"and":[]}`)}
			return s.ID.String(), customersdb.Segments{}.Insert(ctx, s)
		},
		Get: func(ctx context.Context, id string) error {
			_, err := customersdb.Segments{}.Get(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			return customersdb.Segments{}.Update(ctx, segment.Segment{ID: uuid.MustParse(id), Name: "x", Definition: json.RawMessage(`{"or":[]}`)})
		},
		Delete: func(ctx context.Context, id string) error {
			return customersdb.Segments{}.Delete(ctx, uuid.MustParse(id))
		},
		NotFound: ports.ErrSegmentNotFound,
	})
	pgtest.RunIsolation(t, b.db, b.dir, pgtest.Isolated{
		Create: func(ctx context.Context) (string, error) {
			r := segment.TagRule{ID: uuid.New(), Tag: "vip", Definition: json.RawMessage(`{"and":[]}`), Enabled: true}
			return r.ID.String(), customersdb.TagRules{}.Insert(ctx, r)
		},
		Get: func(ctx context.Context, id string) error {
			_, err := customersdb.TagRules{}.Get(ctx, uuid.MustParse(id))
			return err
		},
		Update: func(ctx context.Context, id string) error {
			return customersdb.TagRules{}.Update(ctx, segment.TagRule{ID: uuid.MustParse(id), Tag: "x", Definition: json.RawMessage(`{"or":[]}`)})
		},
		Delete: func(ctx context.Context, id string) error {
			return customersdb.TagRules{}.Delete(ctx, uuid.MustParse(id))
		},
		NotFound: ports.ErrTagRuleNotFound,
	})
}

func TestSegmentNamesAndRuleTagsAreUnique(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := pgtest.NewTenant(t, b.dir)
	def := json.RawMessage(`{"and":[]}`)
	b.inTenant(t, tn, func(ctx context.Context) error {
		require.NoError(t, customersdb.Segments{}.Insert(ctx, segment.Segment{ID: uuid.New(), Name: "VIP", Definition: def}))
		require.NoError(t, customersdb.TagRules{}.Insert(ctx, segment.TagRule{ID: uuid.New(), Tag: "vip", Definition: def}))
		return nil
	})
	err := b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		return customersdb.Segments{}.Insert(ctx, segment.Segment{ID: uuid.New(), Name: "vip", Definition: def})
	})
	require.ErrorIs(t, err, ports.ErrSegmentNameTaken)
	err = b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		return customersdb.TagRules{}.Insert(ctx, segment.TagRule{ID: uuid.New(), Tag: "vip", Definition: def})
	})
	require.ErrorIs(t, err, ports.ErrTagRuleTaken)
}

// TestJoinedOnCountsDaysInTheBrandsTimeZone puts one moment on different calendar days for a
// brand in Shanghai and one on Kiritimati (UTC+14).
func TestJoinedOnCountsDaysInTheBrandsTimeZone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	joined := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) // 20:00 in Shanghai, 02:00 the next day on Kiritimati
	join := func(tn tenants.Tenant) {
		b.inTenant(t, tn, func(ctx context.Context) error {
			c := customer.Customer{ID: uuid.New(), Name: "ann"}
			if err := c.Normalise(joined); err != nil {
				return err
			}
			if err := (customersdb.Customers{}).Insert(ctx, c); err != nil {
				return err
			}
			q, _, err := postgres.TenantTx(ctx)
			if err == nil {
				_, err = q.Exec(ctx, `UPDATE customers SET created_at = $1`, joined)
			}
			return err
		})
	}
	count := func(tn tenants.Tenant, day string) int64 {
		var n int64
		b.inTenant(t, tn, func(ctx context.Context) error {
			var err error
			n, err = evaluator.Count(ctx, mustTree(t, `{"field":"joined_on","op":"=","value":"`+day+`"}`), joined)
			return err
		})
		return n
	}
	shanghai := pgtest.NewTenant(t, b.dir)
	kiritimati, err := b.dir.Create(context.Background(), tenants.Draft{Slug: "t-kiritimati", Name: "Line Islands", Timezone: "Pacific/Kiritimati"})
	require.NoError(t, err)
	join(shanghai)
	join(kiritimati)
	require.EqualValues(t, 1, count(shanghai, "2026-03-01"))
	require.EqualValues(t, 0, count(shanghai, "2026-03-02"))
	require.EqualValues(t, 0, count(kiritimati, "2026-03-01"))
	require.EqualValues(t, 1, count(kiritimati, "2026-03-02"))
}
