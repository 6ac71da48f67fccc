package customersapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

// rlo is RIGHT-TO-LEFT OVERRIDE: "VIP\u202egpj.exe" shows as "VIPexe.jpg".
const rlo = "\u202e"

// Names and labels a person reads refuse the characters that change the direction of text,
// naming the field, and change nothing.
func TestNamesAndTagsRefuseDirectionOverrides(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	alice := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小明"})
	require.Equal(t, http.StatusCreated, alice.Status, "%s", alice.Raw)
	id := alice.Body["id"].(string)
	tree := map[string]any{"field": "city", "op": "=", "value": "上海"}

	for _, tc := range []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"customer name", http.MethodPost, "/v1/customers", map[string]any{"name": "王" + rlo + "明"}, "body.name"},
		{"changed name", http.MethodPatch, "/v1/customers/" + id, map[string]any{"name": "admin" + rlo + "nimda"}, "body.name"},
		{"isolate in a name", http.MethodPatch, "/v1/customers/" + id, map[string]any{"name": "a\u2066b\u2069"}, "body.name"},
		{"mark in a name", http.MethodPatch, "/v1/customers/" + id, map[string]any{"name": "a\u200fb"}, "body.name"},
		{"tag", http.MethodPost, "/v1/customers/" + id + "/tags", map[string]any{"tags": []string{"VIP", "VIP" + rlo + "gpj"}}, "body.tags[1]"},
		{"bulk tag", http.MethodPost, "/v1/tags/bulk", map[string]any{"tags": []string{"x" + rlo}, "action": "assign", "customer_ids": []string{id}}, "body.tags[0]"},
		{"segment name", http.MethodPost, "/v1/segments", map[string]any{"name": "上海" + rlo, "tree": tree}, "body.name"},
		{"auto-tag", http.MethodPost, "/v1/tag-rules", map[string]any{"tag": "上海" + rlo, "tree": tree}, "body.tag"},
		{"event type label", http.MethodPut, "/v1/event-types/tasting", map[string]any{"label": "品鉴" + rlo, "fields": []any{}}, "body.label"},
		{"event field label", http.MethodPut, "/v1/event-types/tasting", map[string]any{"fields": []any{
			map[string]any{"key": "rating", "type": "integer", "label": "评分" + rlo}}}, "body.fields[0].label"},
		{"attribute label", http.MethodPut, "/v1/customer-attributes", map[string]any{"attributes": []any{
			map[string]any{"key": "tea", "type": "string", "label": "茶" + rlo}}}, "body.attributes[0].label"},
	} {
		r := b.Do(t, tc.method, tc.path, owner, tc.body)
		require.Equalf(t, http.StatusUnprocessableEntity, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equalf(t, "validation_failed", r.ProblemCode(), "%s", tc.name)
		require.Containsf(t, r.Fields(), tc.field, "%s: %s", tc.name, r.Raw)
	}

	customers := b.Do(t, http.MethodGet, "/v1/customers", owner, nil)
	require.Len(t, customers.Body["items"], 1)
	require.Equal(t, "王小明", customers.Body["items"].([]any)[0].(map[string]any)["name"], "nothing changed")
	require.Empty(t, b.Do(t, http.MethodGet, "/v1/tags", owner, nil).Body["items"])
	require.Empty(t, b.Do(t, http.MethodGet, "/v1/segments", owner, nil).Body["items"])
	require.Empty(t, b.Do(t, http.MethodGet, "/v1/event-types", owner, nil).Body["items"])

	// A CSV import refuses the row, naming the cell.
	dry := b.Do(t, http.MethodPost, "/v1/customers/imports?dry_run=true", owner,
		"external_id,name,tags\ncrm-1,李四,VIP|常客"+rlo+"\n", "Content-Type", "text/csv")
	require.Equal(t, http.StatusOK, dry.Status, "%s", dry.Raw)
	require.EqualValues(t, 1, dry.Body["invalid"])
	require.Equal(t, "tags", dry.Body["problems"].([]any)[0].(map[string]any)["column"])
}
