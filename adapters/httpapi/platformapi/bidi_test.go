package platformapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/domain/access"
)

// Brand, key and webhook names refuse the characters that change the direction of text
// (U+202E shows "gpj.exe" as "exe.jpg"), naming the field, and change nothing.
func TestPlatformNamesRefuseDirectionOverrides(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	_, url := newHookReceiver(t)

	for _, tc := range []struct {
		name, method, path, token string
		body                      any
		field                     string
	}{
		{"new brand", http.MethodPost, "/v1/platform/tenants", apitest.PlatformKey,
			map[string]any{"slug": "rlo-brand", "name": "莲花\u202e茶饮"}, "body.name"},
		{"brand name", http.MethodPatch, "/v1/tenant", owner, map[string]any{"name": "莲花\u2067茶饮\u2069"}, "body.name"},
		{"API key name", http.MethodPost, "/v1/api-keys", owner, map[string]any{"name": "pos\u202egpj.exe", "role": "analyst"}, "body.name"},
		{"webhook description", http.MethodPost, "/v1/webhooks", owner,
			map[string]any{"url": url, "description": "CRM\u202e", "event_types": []string{"customer.created"}}, "body.description"},
		{"webhook URL", http.MethodPost, "/v1/webhooks", owner,
			map[string]any{"url": url + "/\u202ehook", "event_types": []string{"customer.created"}}, "body.url"},
	} {
		r := b.Do(t, tc.method, tc.path, tc.token, tc.body)
		require.Equalf(t, http.StatusUnprocessableEntity, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equalf(t, "validation_failed", r.ProblemCode(), "%s", tc.name)
		require.Containsf(t, r.Fields(), tc.field, "%s: %s", tc.name, r.Raw)
	}
	require.Equal(t, tn.Name, b.Do(t, http.MethodGet, "/v1/tenant", owner, nil).Body["name"], "nothing changed")
	require.Empty(t, b.Do(t, http.MethodGet, "/v1/webhooks", owner, nil).Body["items"])
	require.Len(t, b.Do(t, http.MethodGet, "/v1/api-keys", owner, nil).Body["items"], 1, "the owner's key only")
}
