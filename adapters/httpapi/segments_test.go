package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/segments"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// refreshSegments works the pending segment refresh jobs.
func (b *testBundle) refreshSegments(t *testing.T) int {
	t.Helper()
	return jobstest.Work(t, b.db.Pool(), segments.RefreshArgs{}.Kind(), func(raw []byte) error {
		var a segments.RefreshArgs
		require.NoError(t, json.Unmarshal(raw, &a))
		return b.app.Segments.Refresh(context.Background(), a)
	})
}

// react works the pending reactions to domain events (ingested events among them), every
// subscriber in turn.
func (b *testBundle) react(t *testing.T) int {
	t.Helper()
	return jobstest.WorkSubscribers(t, b.db.Pool(), b.app.Bus)
}

// segmentShop is a brand with three customers: 王 in Shanghai with two recent purchases, 李 in
// Shanghai with none, 张 in Beijing with one.
type segmentShop struct {
	tenant             tenants.Tenant
	owner              string
	wang, li, zhang    string
	names              map[string]string
	shanghaiFrequently map[string]any
}

func newSegmentShop(t *testing.T, b *testBundle) *segmentShop {
	t.Helper()
	tn, owner := b.tenantWithKey(t, access.RoleOwner)
	s := &segmentShop{tenant: tn, owner: owner, names: map[string]string{}}
	require.Equal(t, http.StatusOK, b.do(t, http.MethodPut, "/v1/customer-attributes", owner, map[string]any{"attributes": []map[string]any{
		{"key": "tea", "type": "enum", "enum_values": []string{"green", "oolong"}}}}).status)
	create := func(name, city string) string {
		r := b.do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": name, "city": city, "phone": phoneOf(name)})
		require.Equal(t, http.StatusCreated, r.status, "%s", r.raw)
		id := r.body["id"].(string)
		s.names[id] = name
		return id
	}
	s.wang, s.li, s.zhang = create("王", "上海"), create("李", "上海"), create("张", "北京")
	require.Equal(t, 3, b.refreshSegments(t), "each new customer is evaluated by a job of their own")
	now := time.Now()
	r := b.do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{
		purchaseEvent("w1", s.wang, now.AddDate(0, 0, -3), 5000), purchaseEvent("w2", s.wang, now.AddDate(0, 0, -20), 3000),
		purchaseEvent("z1", s.zhang, now.AddDate(0, 0, -10), 8000),
	}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	b.react(t)
	s.shanghaiFrequently = map[string]any{"and": []any{
		map[string]any{"field": "city", "op": "=", "value": "上海"},
		map[string]any{"field": "purchases", "window_days": 30, "op": ">=", "value": 2},
	}}
	return s
}

func phoneOf(name string) string {
	return map[string]string{"王": "13800000001", "李": "13800000002", "张": "13800000003"}[name]
}

func (s *segmentShop) namesOf(r response) []string {
	var out []string
	for _, it := range r.body["items"].([]any) {
		out = append(out, s.names[it.(map[string]any)["id"].(string)])
	}
	slices.Sort(out)
	return out
}

func TestSegmentsAreCountedPreviewedSavedAndKeptCurrent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := newSegmentShop(t, b)
	shanghai := map[string]any{"field": "city", "op": "=", "value": "上海"}

	count := b.do(t, http.MethodPost, "/v1/segments/count", s.owner, map[string]any{"tree": shanghai})
	require.Equal(t, http.StatusOK, count.status, "%s", count.raw)
	require.EqualValues(t, 2, count.body["count"])
	count = b.do(t, http.MethodPost, "/v1/segments/count", s.owner, map[string]any{"tree": s.shanghaiFrequently})
	require.EqualValues(t, 1, count.body["count"])

	preview := b.do(t, http.MethodPost, "/v1/segments/preview", s.owner, map[string]any{"tree": shanghai, "limit": 1})
	require.Equal(t, http.StatusOK, preview.status, "%s", preview.raw)
	require.Len(t, preview.body["items"], 1)
	require.Equal(t, []string{"李"}, s.namesOf(preview), "newest first")

	created := b.do(t, http.MethodPost, "/v1/segments", s.owner, map[string]any{"name": "上海常客", "description": "两次以上",
		"tree": s.shanghaiFrequently}, "Idempotency-Key", "seg-1")
	require.Equal(t, http.StatusCreated, created.status, "%s", created.raw)
	id := created.body["id"].(string)
	require.EqualValues(t, 0, created.body["member_count"], "members come with the job")
	require.Equal(t, 1, b.refreshSegments(t), "saving enqueued one refresh")

	members := b.do(t, http.MethodGet, "/v1/segments/"+id+"/members", s.owner, nil)
	require.Equal(t, http.StatusOK, members.status, "%s", members.raw)
	require.Equal(t, []string{"王"}, s.namesOf(members))
	got := b.do(t, http.MethodGet, "/v1/segments/"+id, s.owner, nil)
	require.EqualValues(t, 1, got.body["member_count"])
	require.NotEmpty(t, got.body["refreshed_at"])
	require.Equal(t, "上海常客", got.body["name"])

	// A second purchase by 李 reaches the segment through the event reaction, without a refresh.
	r := b.do(t, http.MethodPost, "/v1/events", s.owner, map[string]any{"events": []any{
		purchaseEvent("l1", s.li, time.Now().AddDate(0, 0, -1), 100), purchaseEvent("l2", s.li, time.Now().AddDate(0, 0, -2), 100),
	}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.raw)
	require.Equal(t, 3, b.react(t), "one job for each subscriber to stored events: activity, lifecycle, segments")
	members = b.do(t, http.MethodGet, "/v1/segments/"+id+"/members?limit=1", s.owner, nil)
	require.Len(t, members.body["items"], 1)
	next := members.body["next_cursor"].(string)
	rest := b.do(t, http.MethodGet, "/v1/segments/"+id+"/members?limit=1&cursor="+next, s.owner, nil)
	require.Equal(t, []string{"李", "王"}, slices.Sorted(slices.Values(append(s.namesOf(members), s.namesOf(rest)...))))

	changed := b.do(t, http.MethodPut, "/v1/segments/"+id, s.owner, map[string]any{"name": "北京", "tree": map[string]any{
		"field": "city", "op": "=", "value": "北京"}})
	require.Equal(t, http.StatusOK, changed.status, "%s", changed.raw)
	require.Equal(t, 1, b.refreshSegments(t))
	members = b.do(t, http.MethodGet, "/v1/segments/"+id+"/members", s.owner, nil)
	require.Equal(t, []string{"张"}, s.namesOf(members))

	list := b.do(t, http.MethodGet, "/v1/segments", s.owner, nil)
	require.Len(t, list.body["items"], 1)

	trail := b.do(t, http.MethodGet, "/v1/audit-log?target_type=segment", s.owner, nil)
	require.Len(t, trail.body["items"], 2)
	require.Contains(t, string(trail.raw), "segment.update")

	require.Equal(t, http.StatusNoContent, b.do(t, http.MethodDelete, "/v1/segments/"+id, s.owner, nil).status)
	gone := b.do(t, http.MethodGet, "/v1/segments/"+id, s.owner, nil)
	require.Equal(t, http.StatusNotFound, gone.status)
	require.Equal(t, "segment_not_found", gone.problemCode())
	require.Equal(t, 0, b.refreshSegments(t))
}

func TestBadSegmentsAreRefusedNamingTheNodeAndChangeNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := newSegmentShop(t, b)
	deep := map[string]any{"field": "city", "op": "=", "value": "x"}
	for range 6 {
		deep = map[string]any{"not": deep}
	}
	for _, tc := range []struct {
		name string
		tree map[string]any
		want []string
	}{
		{"unknown field", map[string]any{"and": []any{map[string]any{"field": "city", "op": "=", "value": "上海"},
			map[string]any{"field": "shoe_size", "op": "=", "value": 42}}}, []string{"body.tree.and[1].field"}},
		{"unknown attribute", map[string]any{"field": "attributes.shoe_size", "op": "=", "value": 42}, []string{"body.tree.field"}},
		{"operator of another type", map[string]any{"field": "city", "op": ">", "value": "x"}, []string{"body.tree.op"}},
		{"wrong value type", map[string]any{"field": "attributes.tea", "op": "=", "value": 3}, []string{"body.tree.value"}},
		{"missing window", map[string]any{"or": []any{map[string]any{"field": "purchases", "op": ">=", "value": 2}}},
			[]string{"body.tree.or[0].window_days"}},
		{"too deep", deep, []string{"body.tree.not.not.not.not.not"}},
		{"not a node", map[string]any{"xor": []any{}}, []string{"body.tree"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.do(t, http.MethodPost, "/v1/segments/count", s.owner, map[string]any{"tree": tc.tree})
			require.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.raw)
			require.Equal(t, "validation_failed", r.problemCode())
			require.Equal(t, tc.want, r.fields())
		})
	}
	r := b.do(t, http.MethodPost, "/v1/segments", s.owner, map[string]any{"name": " ", "tree": map[string]any{
		"field": "tag", "op": "=", "value": "vip"}})
	require.Equal(t, http.StatusUnprocessableEntity, r.status, "%s", r.raw)
	require.ElementsMatch(t, []string{"body.name", "body.tree.op"}, r.fields())
	require.Empty(t, b.do(t, http.MethodGet, "/v1/segments", s.owner, nil).body["items"])
	require.Equal(t, 0, b.refreshSegments(t))

	ok := b.do(t, http.MethodPost, "/v1/segments", s.owner, map[string]any{"name": "VIP", "tree": map[string]any{"and": []any{}}})
	require.Equal(t, http.StatusCreated, ok.status)
	dup := b.do(t, http.MethodPost, "/v1/segments", s.owner, map[string]any{"name": "vip", "tree": map[string]any{"and": []any{}}})
	require.Equal(t, http.StatusConflict, dup.status)
	require.Equal(t, "segment_name_taken", dup.problemCode())

	_, other := b.tenantWithKey(t, access.RoleOwner)
	theirs := b.do(t, http.MethodGet, "/v1/segments/"+ok.body["id"].(string), other, nil)
	require.Equal(t, http.StatusNotFound, theirs.status, "another brand's segment is not found")
	require.Equal(t, http.StatusNotFound, b.do(t, http.MethodGet, "/v1/segments/"+ok.body["id"].(string)+"/members", other, nil).status)
	bad := b.do(t, http.MethodGet, "/v1/segments/nope", s.owner, nil)
	require.Equal(t, []string{"path.id"}, bad.fields())
}

// ruleTags returns who has tag and from which source.
func (b *testBundle) ruleTags(t *testing.T, s *segmentShop, tag string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, b.db.InTenant(context.Background(), s.tenant.ID, func(ctx context.Context) error {
		q, _, _ := postgres.TenantTx(ctx)
		rows, err := q.Query(ctx, `SELECT customer_id::text, source FROM customer_tags WHERE tag = $1`, tag)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, source string
			if err := rows.Scan(&id, &source); err != nil {
				return err
			}
			out[s.names[id]] = source
		}
		return rows.Err()
	}))
	return out
}

func TestTagRulesTagTheirMembersAndTakeTheTagBack(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := newSegmentShop(t, b)
	created := b.do(t, http.MethodPost, "/v1/tag-rules", s.owner, map[string]any{"tag": "上海熟客", "tree": s.shanghaiFrequently})
	require.Equal(t, http.StatusCreated, created.status, "%s", created.raw)
	require.Equal(t, true, created.body["enabled"])
	id := created.body["id"].(string)
	require.Empty(t, b.ruleTags(t, s, "上海熟客"), "tags come with the job")
	require.Equal(t, 1, b.refreshSegments(t))
	require.Equal(t, map[string]string{"王": "rule"}, b.ruleTags(t, s, "上海熟客"))

	// Events re-evaluate the rule for their customers.
	r := b.do(t, http.MethodPost, "/v1/events", s.owner, map[string]any{"events": []any{
		purchaseEvent("l1", s.li, time.Now().AddDate(0, 0, -1), 100), purchaseEvent("l2", s.li, time.Now().AddDate(0, 0, -2), 100),
	}})
	require.Equal(t, http.StatusOK, r.status)
	b.react(t)
	require.Equal(t, map[string]string{"王": "rule", "李": "rule"}, b.ruleTags(t, s, "上海熟客"))

	dup := b.do(t, http.MethodPost, "/v1/tag-rules", s.owner, map[string]any{"tag": "上海熟客", "tree": map[string]any{"and": []any{}}})
	require.Equal(t, http.StatusConflict, dup.status)
	require.Equal(t, "tag_rule_taken", dup.problemCode())
	bad := b.do(t, http.MethodPost, "/v1/tag-rules", s.owner, map[string]any{"tag": "x\ty", "tree": map[string]any{"field": "nope"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.status)
	require.ElementsMatch(t, []string{"body.tag", "body.tree.field"}, bad.fields())

	off := b.do(t, http.MethodPut, "/v1/tag-rules/"+id, s.owner, map[string]any{"tag": "上海熟客", "tree": s.shanghaiFrequently, "enabled": false})
	require.Equal(t, http.StatusOK, off.status, "%s", off.raw)
	require.Empty(t, b.ruleTags(t, s, "上海熟客"), "a disabled rule takes its tag back at once")
	require.Equal(t, 0, b.refreshSegments(t))

	on := b.do(t, http.MethodPut, "/v1/tag-rules/"+id, s.owner, map[string]any{"tag": "北京", "tree": map[string]any{
		"field": "city", "op": "=", "value": "北京"}})
	require.Equal(t, http.StatusOK, on.status)
	b.refreshSegments(t)
	require.Equal(t, map[string]string{"张": "rule"}, b.ruleTags(t, s, "北京"))
	require.Len(t, b.do(t, http.MethodGet, "/v1/tag-rules", s.owner, nil).body["items"], 1)

	require.Equal(t, http.StatusNoContent, b.do(t, http.MethodDelete, "/v1/tag-rules/"+id, s.owner, nil).status)
	require.Empty(t, b.ruleTags(t, s, "北京"))
	require.Equal(t, http.StatusNotFound, b.do(t, http.MethodGet, "/v1/tag-rules/"+id, s.owner, nil).status)
	trail := b.do(t, http.MethodGet, "/v1/audit-log?target_type=tag_rule", s.owner, nil)
	require.Len(t, trail.body["items"], 4)
}

func TestCustomersAreExportedAsCSVByThoseAllowed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := newSegmentShop(t, b)
	analyst := b.apiKey(t, s.tenant, access.RoleAnalyst)
	marketer := b.apiKey(t, s.tenant, access.RoleMarketer)

	all := b.do(t, http.MethodGet, "/v1/customers/export.csv", analyst, nil)
	require.Equal(t, http.StatusOK, all.status, "%s", all.raw)
	require.Equal(t, "text/csv; charset=utf-8", all.header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(string(all.raw), "\ufeffid,external_id,name,"), "UTF-8 with a byte-order mark")
	lines := strings.Split(strings.TrimSpace(string(all.raw)), "\n")
	require.Len(t, lines, 4)
	require.Contains(t, lines[1], "+8613800000003", "newest first: 张")

	tree, _ := json.Marshal(s.shanghaiFrequently)
	one := b.do(t, http.MethodGet, "/v1/customers/export.csv?city="+url.QueryEscape("上海")+"&tree="+url.QueryEscape(string(tree)), analyst, nil)
	require.Equal(t, http.StatusOK, one.status)
	require.Len(t, strings.Split(strings.TrimSpace(string(one.raw)), "\n"), 2)
	require.Contains(t, string(one.raw), "王")

	created := b.do(t, http.MethodPost, "/v1/segments", s.owner, map[string]any{"name": "上海", "tree": map[string]any{
		"field": "city", "op": "=", "value": "上海"}})
	b.refreshSegments(t)
	seg := b.do(t, http.MethodGet, "/v1/customers/export.csv?segment="+created.body["id"].(string)+"&q=李", analyst, nil)
	require.Equal(t, http.StatusOK, seg.status)
	require.Len(t, strings.Split(strings.TrimSpace(string(seg.raw)), "\n"), 2)

	forbidden := b.do(t, http.MethodGet, "/v1/customers/export.csv", marketer, nil)
	require.Equal(t, http.StatusForbidden, forbidden.status)
	badTree := b.do(t, http.MethodGet, "/v1/customers/export.csv?tree="+url.QueryEscape(`{"field":"nope","op":"=","value":1}`), analyst, nil)
	require.Equal(t, http.StatusUnprocessableEntity, badTree.status)
	require.Equal(t, []string{"query.tree.field"}, badTree.fields())
	notJSON := b.do(t, http.MethodGet, "/v1/customers/export.csv?tree=%7B", analyst, nil)
	require.Equal(t, []string{"query.tree"}, notJSON.fields())
	noSeg := b.do(t, http.MethodGet, "/v1/customers/export.csv?segment=00000000-0000-4000-8000-000000000000", analyst, nil)
	require.Equal(t, http.StatusNotFound, noSeg.status)

	// One audit entry per export, with the filters used and the row count, never their values.
	trail := b.do(t, http.MethodGet, "/v1/audit-log?action=customers.export", s.owner, nil)
	require.Equal(t, http.StatusOK, trail.status, "%s", trail.raw)
	require.Len(t, trail.body["items"], 3)
	require.NotContains(t, string(trail.raw), "李")
	require.NotContains(t, string(trail.raw), "上海")
	require.Contains(t, string(trail.raw), `"rows":1`)
}

// apiKey issues a key of role in tn.
func (b *testBundle) apiKey(t *testing.T, tn tenants.Tenant, role access.Role) string {
	t.Helper()
	c, err := b.keys.Create(context.Background(), tn.ID, nil, "test "+role.String(), role)
	require.NoError(t, err)
	return c.Token
}
