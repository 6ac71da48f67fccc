package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/wire/web"
	"github.com/engagehq/engage/domain/access"
)

// The document says what the API does: every status an operation answers with its headers,
// every body a named schema, public operations without security, the tags and the server.
func TestTheDocumentListsEveryAnswerAndNamesEveryBody(t *testing.T) {
	t.Parallel()
	doc := web.Document()
	require.NotEmpty(t, doc.Servers)
	tags := map[string]bool{}
	for _, tag := range doc.Tags {
		tags[tag.Name] = true
	}
	for name := range doc.Components.Schemas.Map() {
		require.NotContainsf(t, name, "-", "%s is named after an operation, not a type", name)
	}
	raw, err := json.Marshal(doc.Components.Schemas)
	require.NoError(t, err)
	require.NotContains(t, string(raw), `["array","null"]`, "no list is null")

	for path, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			at := op.Method + " " + path
			require.NotContainsf(t, op.Responses, "default", "%s lists its statuses", at)
			for _, tag := range op.Tags {
				require.Truef(t, tags[tag], "%s: tag %s is listed at the top", at, tag)
			}
			var fourxx int
			for status, r := range op.Responses {
				code, err := strconv.Atoi(status)
				require.NoError(t, err)
				if code >= 400 {
					fourxx++
					require.Truef(t, strings.HasPrefix(r.Ref, "#/components/responses/"), "%s %s is a shared problem", at, status)
					continue
				}
				require.Containsf(t, r.Headers, "X-Request-Id", "%s %s", at, status)
				if op.Metadata[httpapi.MetaAuth] != httpapi.AuthPlatform {
					require.Containsf(t, r.Headers, "RateLimit-Remaining", "%s %s", at, status)
				}
			}
			require.Positivef(t, fourxx, "%s lists its refusals", at)
			if op.Metadata[httpapi.MetaAuth] == httpapi.AuthPublic {
				require.NotNilf(t, op.Security, "%s says security: []", at)
				require.Emptyf(t, op.Security, "%s is public", at)
			} else {
				require.Containsf(t, op.Responses, "401", "%s", at)
			}
		}
	}
	require.Contains(t, doc.Paths["/v1/event-types/{key}"].Put.Responses, "201", "a PUT that creates answers 201")
	tree := doc.Components.Schemas.Map()["SegmentTree"]
	require.NotNil(t, tree, "the segment tree is typed")
	require.Len(t, tree.Properties["op"].Enum, 12, "with every operator")
	require.Equal(t, "#/components/schemas/SegmentTree", tree.Properties["and"].Items.Ref)
}

// Answers carry the headers the document declares: the request ID, the caller's rate limit,
// and on a 401 the credential expected.
func TestAnswersCarryTheirDeclaredHeaders(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)

	ok := b.Do(t, http.MethodGet, "/v1/tenant", owner, nil)
	require.Equal(t, http.StatusOK, ok.Status)
	require.NotEmpty(t, ok.Header.Get("X-Request-Id"))
	require.Equal(t, "200", ok.Header.Get("RateLimit-Limit"), "the standard plan's burst")
	require.Equal(t, "199", ok.Header.Get("RateLimit-Remaining"))
	require.Equal(t, "1", ok.Header.Get("RateLimit-Reset"))

	created := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小红"})
	require.Equal(t, http.StatusCreated, created.Status)
	require.Equal(t, "/v1/customers/"+created.Body["id"].(string), created.Header.Get("Location"), "a 201 says where")
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, created.Header.Get("Location"), owner, nil).Status)
	typ := b.Do(t, http.MethodPut, "/v1/event-types/tasting", owner, map[string]any{"label": "品鉴", "fields": []any{}})
	require.Equal(t, http.StatusCreated, typ.Status, "%s", typ.Raw)
	require.Equal(t, "/v1/event-types/tasting", typ.Header.Get("Location"))

	refused := b.Do(t, http.MethodGet, "/v1/customers?limit=0", owner, nil)
	require.Equal(t, http.StatusUnprocessableEntity, refused.Status)
	left, err := strconv.Atoi(refused.Header.Get("RateLimit-Remaining"))
	require.NoError(t, err, "refusals say what is left too")
	require.Less(t, left, 200)

	for _, path := range []string{"/v1/tenant", "/v1/me", "/v1/platform/tenants"} {
		anon := b.Do(t, http.MethodGet, path, "egk_not_a_key", nil)
		require.Equal(t, http.StatusUnauthorized, anon.Status, path)
		require.Equal(t, `Bearer realm="engage"`, anon.Header.Get("WWW-Authenticate"), path)
	}
	link := b.Do(t, http.MethodPost, "/v1/admin/login-links/redeem", "", map[string]any{"token": "not-a-real-link-token"})
	require.Equal(t, http.StatusUnauthorized, link.Status, "%s", link.Raw)
	require.Equal(t, `Bearer realm="engage"`, link.Header.Get("WWW-Authenticate"))
	require.NotEmpty(t, link.Header.Get("RateLimit-Limit"), "public operations are limited per address")
}
