package customersapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/domain/access"
)

var tastingBody = map[string]any{"label": "品鉴会", "description": "A tea tasting in store", "fields": []any{
	map[string]any{"key": "tea", "type": "enum", "enum_values": []string{"oolong", "pu_erh"}, "required": true},
	map[string]any{"key": "cups", "type": "integer", "required": true},
	map[string]any{"key": "note", "type": "string", "max_length": 20},
}}

func TestEventTypesAreDefinedThroughTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	_, other := b.TenantWithKey(t, access.RoleOwner)
	_, staff := b.TenantWithKey(t, access.RoleStoreStaff)

	created := b.Do(t, http.MethodPut, "/v1/event-types/tasting", owner, tastingBody)
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	require.Equal(t, "custom:tasting", created.Body["type"])
	replaced := b.Do(t, http.MethodPut, "/v1/event-types/tasting", owner, tastingBody)
	require.Equal(t, http.StatusOK, replaced.Status, "%s", replaced.Raw)

	list := b.Do(t, http.MethodGet, "/v1/event-types", owner, nil)
	require.Equal(t, http.StatusOK, list.Status)
	items := list.Body["items"].([]any)
	require.Len(t, items, 1)
	require.Len(t, items[0].(map[string]any)["fields"], 3)
	one := b.Do(t, http.MethodGet, "/v1/event-types/tasting", owner, nil)
	require.Equal(t, "品鉴会", one.Body["label"])

	theirs := b.Do(t, http.MethodGet, "/v1/event-types", other, nil)
	require.Empty(t, theirs.Body["items"], "another brand does not see the type")
	require.Equal(t, "event_type_not_found", b.Do(t, http.MethodGet, "/v1/event-types/tasting", other, nil).ProblemCode())

	forbidden := b.Do(t, http.MethodPut, "/v1/event-types/other", staff, tastingBody)
	require.Equal(t, http.StatusForbidden, forbidden.Status, "defining types is a settings change")

	bad := b.Do(t, http.MethodPut, "/v1/event-types/Bad-Key", owner, map[string]any{"fields": []any{
		map[string]any{"key": "mood", "type": "enum"},
		map[string]any{"key": "cups", "type": "integer"},
		map[string]any{"key": "cups", "type": "number"},
	}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status, "%s", bad.Raw)
	require.ElementsMatch(t, []string{"path.key", "body.fields[0].enum_values", "body.fields[2].key"}, bad.Fields())
	wrongType := b.Do(t, http.MethodPut, "/v1/event-types/mood", owner, map[string]any{"fields": []any{map[string]any{"key": "m", "type": "colour"}}})
	require.Equal(t, http.StatusUnprocessableEntity, wrongType.Status)
	require.Equal(t, "event_type_not_found", b.Do(t, http.MethodGet, "/v1/event-types/mood", owner, nil).ProblemCode(), "a bad definition stores nothing")

	// Events follow the type's fields.
	alice := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小红"}).Body["id"].(string)
	at := time.Now().Add(-time.Hour).Format(time.RFC3339)
	tasting := func(id string, payload map[string]any) map[string]any {
		return map[string]any{"id": id, "customer_id": alice, "type": "custom:tasting", "channel": "pos", "occurred_at": at, "payload": payload}
	}
	batch := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{
		tasting("t1", map[string]any{"tea": "oolong", "cups": 2}),
		tasting("t2", map[string]any{"tea": "oolong", "cups": "2"}),
		tasting("t3", map[string]any{"cups": 1}),
		tasting("t4", map[string]any{"tea": "oolong", "cups": 1, "price": 3}),
		map[string]any{"id": "t5", "customer_id": alice, "type": "custom:unboxing", "channel": "website", "occurred_at": at},
	}})
	require.Equal(t, http.StatusOK, batch.Status, "%s", batch.Raw)
	require.Equal(t, []string{
		"accepted",
		"rejected validation_failed body.events[1].payload.cups",
		"rejected validation_failed body.events[2].payload.tea",
		"rejected validation_failed body.events[3].payload.price",
		"rejected unknown_event_type body.events[4].type",
	}, results(t, batch))

	timeline := func(query string) apitest.Response {
		return b.Do(t, http.MethodGet, "/v1/customers/"+alice+"/timeline?"+query, owner, nil)
	}
	require.Len(t, timeline("channel=pos").Body["items"], 1)
	require.Empty(t, timeline("channel=website").Body["items"])
	require.Equal(t, http.StatusUnprocessableEntity, timeline("channel=fax").Status)

	require.Equal(t, http.StatusNoContent, b.Do(t, http.MethodDelete, "/v1/event-types/tasting", owner, nil).Status)
	require.Equal(t, "event_type_not_found", b.Do(t, http.MethodDelete, "/v1/event-types/tasting", owner, nil).ProblemCode())
	again := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{tasting("t6", map[string]any{"tea": "oolong", "cups": 2})}})
	require.Equal(t, []string{"rejected unknown_event_type body.events[0].type"}, results(t, again))
}
