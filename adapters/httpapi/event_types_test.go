package httpapi

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	_, other := b.tenantWithKey(t, access.RoleOwner)
	_, staff := b.tenantWithKey(t, access.RoleStoreStaff)

	created := b.do(t, http.MethodPut, "/v1/event-types/tasting", owner, tastingBody)
	require.Equal(t, http.StatusCreated, created.status, "%s", created.raw)
	require.Equal(t, "custom:tasting", created.body["type"])
	replaced := b.do(t, http.MethodPut, "/v1/event-types/tasting", owner, tastingBody)
	require.Equal(t, http.StatusOK, replaced.status, "%s", replaced.raw)

	list := b.do(t, http.MethodGet, "/v1/event-types", owner, nil)
	require.Equal(t, http.StatusOK, list.status)
	items := list.body["items"].([]any)
	require.Len(t, items, 1)
	require.Len(t, items[0].(map[string]any)["fields"], 3)
	one := b.do(t, http.MethodGet, "/v1/event-types/tasting", owner, nil)
	require.Equal(t, "品鉴会", one.body["label"])

	theirs := b.do(t, http.MethodGet, "/v1/event-types", other, nil)
	require.Empty(t, theirs.body["items"], "another brand does not see the type")
	require.Equal(t, "event_type_not_found", b.do(t, http.MethodGet, "/v1/event-types/tasting", other, nil).problemCode())

	forbidden := b.do(t, http.MethodPut, "/v1/event-types/other", staff, tastingBody)
	require.Equal(t, http.StatusForbidden, forbidden.status, "defining types is a settings change")

	bad := b.do(t, http.MethodPut, "/v1/event-types/Bad-Key", owner, map[string]any{"fields": []any{
		map[string]any{"key": "mood", "type": "enum"},
		map[string]any{"key": "cups", "type": "integer"},
		map[string]any{"key": "cups", "type": "number"},
	}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.status, "%s", bad.raw)
	require.ElementsMatch(t, []string{"path.key", "body.fields[0].enum_values", "body.fields[2].key"}, bad.fields())
	wrongType := b.do(t, http.MethodPut, "/v1/event-types/mood", owner, map[string]any{"fields": []any{map[string]any{"key": "m", "type": "colour"}}})
	require.Equal(t, http.StatusUnprocessableEntity, wrongType.status)
	require.Equal(t, "event_type_not_found", b.do(t, http.MethodGet, "/v1/event-types/mood", owner, nil).problemCode(), "a bad definition stores nothing")

	// Events follow the type's fields.
	alice := b.do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小红"}).body["id"].(string)
	at := time.Now().Add(-time.Hour).Format(time.RFC3339)
	tasting := func(id string, payload map[string]any) map[string]any {
		return map[string]any{"id": id, "customer_id": alice, "type": "custom:tasting", "channel": "pos", "occurred_at": at, "payload": payload}
	}
	batch := b.do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{
		tasting("t1", map[string]any{"tea": "oolong", "cups": 2}),
		tasting("t2", map[string]any{"tea": "oolong", "cups": "2"}),
		tasting("t3", map[string]any{"cups": 1}),
		tasting("t4", map[string]any{"tea": "oolong", "cups": 1, "price": 3}),
		map[string]any{"id": "t5", "customer_id": alice, "type": "custom:unboxing", "channel": "website", "occurred_at": at},
	}})
	require.Equal(t, http.StatusOK, batch.status, "%s", batch.raw)
	require.Equal(t, []string{
		"accepted",
		"rejected validation_failed body.events[1].payload.cups",
		"rejected validation_failed body.events[2].payload.tea",
		"rejected validation_failed body.events[3].payload.price",
		"rejected unknown_event_type body.events[4].type",
	}, results(t, batch))

	timeline := func(query string) response {
		return b.do(t, http.MethodGet, "/v1/customers/"+alice+"/timeline?"+query, owner, nil)
	}
	require.Len(t, timeline("channel=pos").body["items"], 1)
	require.Empty(t, timeline("channel=website").body["items"])
	require.Equal(t, http.StatusUnprocessableEntity, timeline("channel=fax").status)

	require.Equal(t, http.StatusNoContent, b.do(t, http.MethodDelete, "/v1/event-types/tasting", owner, nil).status)
	require.Equal(t, "event_type_not_found", b.do(t, http.MethodDelete, "/v1/event-types/tasting", owner, nil).problemCode())
	again := b.do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{tasting("t6", map[string]any{"tea": "oolong", "cups": 2})}})
	require.Equal(t, []string{"rejected unknown_event_type body.events[0].type"}, results(t, again))
}
