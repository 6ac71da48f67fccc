package customersapi_test

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

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

// completedJobs counts the completed jobs of each subscriber.
func (b *testBundle) completedJobs(t *testing.T) map[string]int {
	t.Helper()
	rows, err := b.DB.Pool().Query(context.Background(), `SELECT kind, count(*) FROM river_job WHERE state = 'completed' GROUP BY kind`)
	require.NoError(t, err)
	out := map[string]int{}
	for rows.Next() {
		var kind string
		var n int
		require.NoError(t, rows.Scan(&kind, &n))
		out[strings.TrimPrefix(kind, eventbus.KindOf(""))] = n
	}
	require.NoError(t, rows.Err())
	return out
}

// refreshSegments works the pending segment refresh jobs.
func (b *testBundle) refreshSegments(t *testing.T) int {
	t.Helper()
	return jobstest.Work(t, b.DB.Pool(), segments.RefreshArgs{}.Kind(), func(raw []byte) error {
		var a segments.RefreshArgs
		require.NoError(t, json.Unmarshal(raw, &a))
		return b.App.Segments.Refresh(context.Background(), a)
	})
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
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	s := &segmentShop{tenant: tn, owner: owner, names: map[string]string{}}
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodPut, "/v1/customer-attributes", owner, map[string]any{"attributes": []map[string]any{
		{"key": "tea", "type": "enum", "enum_values": []string{"green", "oolong"}}}}).Status)
	create := func(name, city string) string {
		r := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": name, "city": city, "phone": phoneOf(name)})
		require.Equal(t, http.StatusCreated, r.Status, "%s", r.Raw)
		id := r.Body["id"].(string)
		s.names[id] = name
		return id
	}
	s.wang, s.li, s.zhang = create("王", "上海"), create("李", "上海"), create("张", "北京")
	require.Equal(t, 3, b.refreshSegments(t), "each new customer is evaluated by a job of their own")
	now := time.Now()
	r := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{
		purchaseEvent("w1", s.wang, now.AddDate(0, 0, -3), 5000), purchaseEvent("w2", s.wang, now.AddDate(0, 0, -20), 3000),
		purchaseEvent("z1", s.zhang, now.AddDate(0, 0, -10), 8000),
	}})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	b.React(t)
	s.shanghaiFrequently = map[string]any{"and": []any{
		map[string]any{"field": "city", "op": "=", "value": "上海"},
		map[string]any{"field": "purchases", "window_days": 30, "op": ">=", "value": 2},
	}}
	return s
}

func phoneOf(name string) string {
	return map[string]string{"王": "13800000001", "李": "13800000002", "张": "13800000003"}[name]
}

func (s *segmentShop) namesOf(r apitest.Response) []string {
	var out []string
	for _, it := range r.Body["items"].([]any) {
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

	count := b.Do(t, http.MethodPost, "/v1/segments/count", s.owner, map[string]any{"tree": shanghai})
	require.Equal(t, http.StatusOK, count.Status, "%s", count.Raw)
	require.EqualValues(t, 2, count.Body["count"])
	count = b.Do(t, http.MethodPost, "/v1/segments/count", s.owner, map[string]any{"tree": s.shanghaiFrequently})
	require.EqualValues(t, 1, count.Body["count"])

	preview := b.Do(t, http.MethodPost, "/v1/segments/preview", s.owner, map[string]any{"tree": shanghai, "limit": 1})
	require.Equal(t, http.StatusOK, preview.Status, "%s", preview.Raw)
	require.Len(t, preview.Body["items"], 1)
	require.Equal(t, []string{"李"}, s.namesOf(preview), "newest first")

	created := b.Do(t, http.MethodPost, "/v1/segments", s.owner, map[string]any{"name": "上海常客", "description": "两次以上",
		"tree": s.shanghaiFrequently}, "Idempotency-Key", "seg-1")
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	id := created.Body["id"].(string)
	require.EqualValues(t, 1, created.Body["member_count"], "saving computes the members: the count the live count gave")
	require.Equal(t, false, created.Body["counting"], "few members: counted in the request")
	require.NotEmpty(t, created.Body["refreshed_at"])
	require.Equal(t, 0, b.refreshSegments(t), "nothing is left to a job")

	members := b.Do(t, http.MethodGet, "/v1/segments/"+id+"/members", s.owner, nil)
	require.Equal(t, http.StatusOK, members.Status, "%s", members.Raw)
	require.Equal(t, []string{"王"}, s.namesOf(members))
	got := b.Do(t, http.MethodGet, "/v1/segments/"+id, s.owner, nil)
	require.EqualValues(t, 1, got.Body["member_count"])
	require.NotEmpty(t, got.Body["refreshed_at"])
	require.Equal(t, "上海常客", got.Body["name"])

	// A second purchase by 李 reaches the segment through the event reaction, without a refresh.
	r := b.Do(t, http.MethodPost, "/v1/events", s.owner, map[string]any{"events": []any{
		purchaseEvent("l1", s.li, time.Now().AddDate(0, 0, -1), 100), purchaseEvent("l2", s.li, time.Now().AddDate(0, 0, -2), 100),
	}})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	before := b.completedJobs(t)
	b.React(t)
	after := b.completedJobs(t)
	for _, s := range []string{"activity", "lifecycle", "segments"} {
		require.Equal(t, 1, after[s]-before[s], "one job for each subscriber to stored events: %s", s)
	}
	members = b.Do(t, http.MethodGet, "/v1/segments/"+id+"/members?limit=1", s.owner, nil)
	require.Len(t, members.Body["items"], 1)
	next := members.Body["next_cursor"].(string)
	rest := b.Do(t, http.MethodGet, "/v1/segments/"+id+"/members?limit=1&cursor="+next, s.owner, nil)
	require.Equal(t, []string{"李", "王"}, slices.Sorted(slices.Values(append(s.namesOf(members), s.namesOf(rest)...))))

	changed := b.Do(t, http.MethodPut, "/v1/segments/"+id, s.owner, map[string]any{"name": "北京", "tree": map[string]any{
		"field": "city", "op": "=", "value": "北京"}})
	require.Equal(t, http.StatusOK, changed.Status, "%s", changed.Raw)
	require.EqualValues(t, 1, changed.Body["member_count"], "changing recomputes the members")
	members = b.Do(t, http.MethodGet, "/v1/segments/"+id+"/members", s.owner, nil)
	require.Equal(t, []string{"张"}, s.namesOf(members))

	list := b.Do(t, http.MethodGet, "/v1/segments", s.owner, nil)
	require.Len(t, list.Body["items"], 1)

	trail := b.Do(t, http.MethodGet, "/v1/audit-log?target_type=segment", s.owner, nil)
	require.Len(t, trail.Body["items"], 2)
	require.Contains(t, string(trail.Raw), "segment.update")

	require.Equal(t, http.StatusNoContent, b.Do(t, http.MethodDelete, "/v1/segments/"+id, s.owner, nil).Status)
	gone := b.Do(t, http.MethodGet, "/v1/segments/"+id, s.owner, nil)
	require.Equal(t, http.StatusNotFound, gone.Status)
	require.Equal(t, "segment_not_found", gone.ProblemCode())
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
			r := b.Do(t, http.MethodPost, "/v1/segments/count", s.owner, map[string]any{"tree": tc.tree})
			require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Raw)
			require.Equal(t, "validation_failed", r.ProblemCode())
			require.Equal(t, tc.want, r.Fields())
		})
	}
	r := b.Do(t, http.MethodPost, "/v1/segments", s.owner, map[string]any{"name": " ", "tree": map[string]any{
		"field": "tag", "op": "=", "value": "vip"}})
	require.Equal(t, http.StatusUnprocessableEntity, r.Status, "%s", r.Raw)
	require.ElementsMatch(t, []string{"body.name", "body.tree.op"}, r.Fields())
	require.Empty(t, b.Do(t, http.MethodGet, "/v1/segments", s.owner, nil).Body["items"])
	require.Equal(t, 0, b.refreshSegments(t))

	ok := b.Do(t, http.MethodPost, "/v1/segments", s.owner, map[string]any{"name": "VIP", "tree": map[string]any{"and": []any{}}})
	require.Equal(t, http.StatusCreated, ok.Status)
	dup := b.Do(t, http.MethodPost, "/v1/segments", s.owner, map[string]any{"name": "vip", "tree": map[string]any{"and": []any{}}})
	require.Equal(t, http.StatusConflict, dup.Status)
	require.Equal(t, "segment_name_taken", dup.ProblemCode())

	_, other := b.TenantWithKey(t, access.RoleOwner)
	theirs := b.Do(t, http.MethodGet, "/v1/segments/"+ok.Body["id"].(string), other, nil)
	require.Equal(t, http.StatusNotFound, theirs.Status, "another brand's segment is not found")
	require.Equal(t, http.StatusNotFound, b.Do(t, http.MethodGet, "/v1/segments/"+ok.Body["id"].(string)+"/members", other, nil).Status)
	bad := b.Do(t, http.MethodGet, "/v1/segments/nope", s.owner, nil)
	require.Equal(t, []string{"path.id"}, bad.Fields())
}

// ruleTags returns who has tag and from which source.
func (b *testBundle) ruleTags(t *testing.T, s *segmentShop, tag string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, b.DB.InTenant(context.Background(), s.tenant.ID, func(ctx context.Context) error {
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
	created := b.Do(t, http.MethodPost, "/v1/tag-rules", s.owner, map[string]any{"tag": "上海熟客", "tree": s.shanghaiFrequently})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	require.Equal(t, true, created.Body["enabled"])
	id := created.Body["id"].(string)
	require.Empty(t, b.ruleTags(t, s, "上海熟客"), "tags come with the job")
	require.Equal(t, 1, b.refreshSegments(t))
	require.Equal(t, map[string]string{"王": "rule"}, b.ruleTags(t, s, "上海熟客"))

	// Events re-evaluate the rule for their customers.
	r := b.Do(t, http.MethodPost, "/v1/events", s.owner, map[string]any{"events": []any{
		purchaseEvent("l1", s.li, time.Now().AddDate(0, 0, -1), 100), purchaseEvent("l2", s.li, time.Now().AddDate(0, 0, -2), 100),
	}})
	require.Equal(t, http.StatusOK, r.Status)
	b.React(t)
	require.Equal(t, map[string]string{"王": "rule", "李": "rule"}, b.ruleTags(t, s, "上海熟客"))

	dup := b.Do(t, http.MethodPost, "/v1/tag-rules", s.owner, map[string]any{"tag": "上海熟客", "tree": map[string]any{"and": []any{}}})
	require.Equal(t, http.StatusConflict, dup.Status)
	require.Equal(t, "tag_rule_taken", dup.ProblemCode())
	bad := b.Do(t, http.MethodPost, "/v1/tag-rules", s.owner, map[string]any{"tag": "x\ty", "tree": map[string]any{"field": "nope"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status)
	require.ElementsMatch(t, []string{"body.tag", "body.tree.field"}, bad.Fields())

	off := b.Do(t, http.MethodPut, "/v1/tag-rules/"+id, s.owner, map[string]any{"tag": "上海熟客", "tree": s.shanghaiFrequently, "enabled": false})
	require.Equal(t, http.StatusOK, off.Status, "%s", off.Raw)
	require.Empty(t, b.ruleTags(t, s, "上海熟客"), "a disabled rule takes its tag back at once")
	require.Equal(t, 0, b.refreshSegments(t))

	on := b.Do(t, http.MethodPut, "/v1/tag-rules/"+id, s.owner, map[string]any{"tag": "北京", "tree": map[string]any{
		"field": "city", "op": "=", "value": "北京"}})
	require.Equal(t, http.StatusOK, on.Status)
	b.refreshSegments(t)
	require.Equal(t, map[string]string{"张": "rule"}, b.ruleTags(t, s, "北京"))
	require.Len(t, b.Do(t, http.MethodGet, "/v1/tag-rules", s.owner, nil).Body["items"], 1)

	require.Equal(t, http.StatusNoContent, b.Do(t, http.MethodDelete, "/v1/tag-rules/"+id, s.owner, nil).Status)
	require.Empty(t, b.ruleTags(t, s, "北京"))
	require.Equal(t, http.StatusNotFound, b.Do(t, http.MethodGet, "/v1/tag-rules/"+id, s.owner, nil).Status)
	trail := b.Do(t, http.MethodGet, "/v1/audit-log?target_type=tag_rule", s.owner, nil)
	require.Len(t, trail.Body["items"], 4)
}

func TestCustomersAreExportedAsCSVByThoseAllowed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := newSegmentShop(t, b)
	analyst := b.APIKey(t, s.tenant, access.RoleAnalyst)
	marketer := b.APIKey(t, s.tenant, access.RoleMarketer)

	all := b.Do(t, http.MethodGet, "/v1/customers/export.csv", analyst, nil)
	require.Equal(t, http.StatusOK, all.Status, "%s", all.Raw)
	require.Equal(t, "text/csv; charset=utf-8", all.Header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(string(all.Raw), "\ufeffid,external_id,name,"), "UTF-8 with a byte-order mark")
	lines := strings.Split(strings.TrimSpace(string(all.Raw)), "\n")
	require.Len(t, lines, 4)
	require.Contains(t, lines[1], "+8613800000003", "newest first: 张")

	tree, _ := json.Marshal(s.shanghaiFrequently)
	one := b.Do(t, http.MethodGet, "/v1/customers/export.csv?city="+url.QueryEscape("上海")+"&tree="+url.QueryEscape(string(tree)), analyst, nil)
	require.Equal(t, http.StatusOK, one.Status)
	require.Len(t, strings.Split(strings.TrimSpace(string(one.Raw)), "\n"), 2)
	require.Contains(t, string(one.Raw), "王")

	created := b.Do(t, http.MethodPost, "/v1/segments", s.owner, map[string]any{"name": "上海", "tree": map[string]any{
		"field": "city", "op": "=", "value": "上海"}})
	b.refreshSegments(t)
	seg := b.Do(t, http.MethodGet, "/v1/customers/export.csv?segment="+created.Body["id"].(string)+"&q=李", analyst, nil)
	require.Equal(t, http.StatusOK, seg.Status)
	require.Len(t, strings.Split(strings.TrimSpace(string(seg.Raw)), "\n"), 2)

	forbidden := b.Do(t, http.MethodGet, "/v1/customers/export.csv", marketer, nil)
	require.Equal(t, http.StatusForbidden, forbidden.Status)
	badTree := b.Do(t, http.MethodGet, "/v1/customers/export.csv?tree="+url.QueryEscape(`{"field":"nope","op":"=","value":1}`), analyst, nil)
	require.Equal(t, http.StatusUnprocessableEntity, badTree.Status)
	require.Equal(t, []string{"query.tree.field"}, badTree.Fields())
	notJSON := b.Do(t, http.MethodGet, "/v1/customers/export.csv?tree=%7B", analyst, nil)
	require.Equal(t, []string{"query.tree"}, notJSON.Fields())
	noSeg := b.Do(t, http.MethodGet, "/v1/customers/export.csv?segment=00000000-0000-4000-8000-000000000000", analyst, nil)
	require.Equal(t, http.StatusNotFound, noSeg.Status)

	// One audit entry per export, with the filters used and the row count, never their values.
	trail := b.Do(t, http.MethodGet, "/v1/audit-log?action=customers.export", s.owner, nil)
	require.Equal(t, http.StatusOK, trail.Status, "%s", trail.Raw)
	require.Len(t, trail.Body["items"], 3)
	require.NotContains(t, string(trail.Raw), "李")
	require.NotContains(t, string(trail.Raw), "上海")
	require.Contains(t, string(trail.Raw), `"rows":1`)
}
