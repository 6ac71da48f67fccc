package customersapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/domain/access"
)

// brandDoc fetches a brand's document without credentials and checks that it is a valid
// OpenAPI document.
func (b *testBundle) brandDoc(t *testing.T, slug string) (*openapi3.T, apitest.Response) {
	t.Helper()
	r := b.Do(t, http.MethodGet, "/t/"+slug+"/openapi.json", "", nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Equal(t, "application/openapi+json", r.Header.Get("Content-Type"))
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(r.Raw)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	return doc, r
}

func TestEachBrandHasItsOwnTypedAPIDocument(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mine, owner := b.TenantWithKey(t, access.RoleOwner)
	theirs, other := b.TenantWithKey(t, access.RoleOwner)
	put := func(token, path string, body any) {
		t.Helper()
		r := b.Do(t, http.MethodPut, path, token, body)
		require.Less(t, r.Status, 300, "%s", r.Raw)
	}
	put(owner, "/v1/customer-attributes", map[string]any{"attributes": []any{
		map[string]any{"key": "shoe_size", "type": "number"},
		map[string]any{"key": "tea", "type": "enum", "enum_values": []string{"green", "oolong"}},
		map[string]any{"key": "anniversary", "type": "date"},
	}})
	put(owner, "/v1/event-types/tasting", tastingBody)
	put(other, "/v1/customer-attributes", map[string]any{"attributes": []any{map[string]any{"key": "their_secret_attr", "type": "string"}}})
	put(other, "/v1/event-types/their_secret_type", map[string]any{"fields": []any{}})

	doc, first := b.brandDoc(t, mine.Slug)
	require.Equal(t, apitest.PublicURL, doc.Servers[0].URL)
	require.Contains(t, doc.Info.Title, mine.Name)
	require.NotNil(t, doc.Paths.Find("/v1/events"), "the same operations as the global document")
	require.Equal(t, len(b.Srv.API().OpenAPI().Paths), doc.Paths.Len())

	schemas := doc.Components.Schemas
	attrs := schemas["BrandAttributes"].Value
	require.Equal(t, "number", attrs.Properties["shoe_size"].Value.Type.Slice()[0])
	require.Equal(t, []any{"green", "oolong"}, attrs.Properties["tea"].Value.Enum)
	require.Equal(t, "date", attrs.Properties["anniversary"].Value.Format)
	require.Equal(t, "#/components/schemas/BrandAttributes", schemas["CustomerBody"].Value.Properties["attributes"].Ref)
	require.Equal(t, "#/components/schemas/BrandAttributesChange", schemas["CustomerFields"].Value.Properties["attributes"].Ref)

	payload := schemas["CustomEventPayload_tasting"].Value
	require.ElementsMatch(t, []string{"tea", "cups"}, payload.Required)
	require.Equal(t, "integer", payload.Properties["cups"].Value.Type.Slice()[0])
	require.EqualValues(t, 20, *payload.Properties["note"].Value.MaxLength)
	events := schemas["IngestInputBody"].Value.Properties["events"].Value.Items.Value
	require.Len(t, events.OneOf, 2)
	require.Equal(t, "#/components/schemas/CustomEventIn_tasting", events.Discriminator.Mapping["custom:tasting"].Ref)
	require.Contains(t, schemas["EventBody"].Value.Properties["type"].Value.Enum, "custom:tasting")

	// The schemas check events as ingestion does.
	tasting := schemas["CustomEventIn_tasting"].Value
	require.NoError(t, tasting.VisitJSON(map[string]any{"type": "custom:tasting", "payload": map[string]any{"tea": "oolong", "cups": 2.0}}))
	require.Error(t, tasting.VisitJSON(map[string]any{"type": "custom:tasting", "payload": map[string]any{"tea": "oolong", "cups": "2"}}))
	require.Error(t, tasting.VisitJSON(map[string]any{"type": "custom:tasting", "payload": map[string]any{"cups": 2.0}}))

	require.NotContains(t, string(first.Raw), "their_secret", "nothing of another brand")
	theirDoc, _ := b.brandDoc(t, theirs.Slug)
	require.Contains(t, theirDoc.Components.Schemas["BrandAttributes"].Value.Properties, "their_secret_attr")
	require.NotContains(t, theirDoc.Components.Schemas, "CustomEventPayload_tasting")

	// Unchanged definitions give the same document; changed ones a new one.
	etag := first.Header.Get("ETag")
	require.NotEmpty(t, etag)
	require.Equal(t, http.StatusNotModified, b.Do(t, http.MethodGet, "/t/"+mine.Slug+"/openapi.json", "", nil, "If-None-Match", etag).Status)
	put(owner, "/v1/event-types/tasting", map[string]any{"fields": []any{map[string]any{"key": "rating", "type": "boolean"}}})
	put(owner, "/v1/customer-attributes", map[string]any{"attributes": []any{map[string]any{"key": "vip", "type": "boolean"}}})
	doc, again := b.brandDoc(t, mine.Slug)
	require.NotEqual(t, etag, again.Header.Get("ETag"))
	payload = doc.Components.Schemas["CustomEventPayload_tasting"].Value
	require.Contains(t, payload.Properties, "rating")
	require.NotContains(t, payload.Properties, "cups")
	require.Equal(t, []string{"vip"}, keys(doc.Components.Schemas["BrandAttributes"].Value.Properties))
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
