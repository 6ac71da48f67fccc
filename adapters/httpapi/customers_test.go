package httpapi

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

func TestCustomersAreCreatedNormalisedSearchedAndChanged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	_, staff := b.tenantWithKey(t, access.RoleStoreStaff)
	_ = staff

	schema := b.do(t, http.MethodPut, "/v1/customer-attributes", owner, map[string]any{"attributes": []map[string]any{
		{"key": "shoe_size", "type": "number"}, {"key": "tea", "type": "enum", "enum_values": []string{"green", "oolong"}},
	}})
	require.Equal(t, http.StatusOK, schema.status, "%s", schema.raw)

	created := b.do(t, http.MethodPost, "/v1/customers", owner, map[string]any{
		"name": "王小明", "phone": "138 1234 5678", "email": "Ming@Example.com", "birth_date": "1990-05-20", "city": "上海",
		"consents": map[string]bool{"marketing_sms": true}, "attributes": map[string]any{"shoe_size": 42, "tea": "oolong"},
	}, "Idempotency-Key", "crm-sync-1")
	require.Equal(t, http.StatusCreated, created.status, "%s", created.raw)
	require.Equal(t, "+8613812345678", created.body["phone"])
	require.Equal(t, "ming@example.com", created.body["email"])
	require.Equal(t, "1990-05-20", created.body["birth_date"])
	id := created.body["id"].(string)

	replayed := b.do(t, http.MethodPost, "/v1/customers", owner, map[string]any{
		"name": "王小明", "phone": "138 1234 5678", "email": "Ming@Example.com", "birth_date": "1990-05-20", "city": "上海",
		"consents": map[string]bool{"marketing_sms": true}, "attributes": map[string]any{"shoe_size": 42, "tea": "oolong"},
	}, "Idempotency-Key", "crm-sync-1")
	require.Equal(t, http.StatusCreated, replayed.status)
	require.Equal(t, id, replayed.body["id"], "a retried create returns the first customer")
	require.Equal(t, "true", replayed.header.Get("Idempotent-Replayed"))

	dup := b.do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "Other", "phone": "+86 13812345678"})
	require.Equal(t, http.StatusConflict, dup.status)
	require.Equal(t, "phone_taken", dup.problemCode())

	for _, q := range []string{"王", "13812345678", "ming@", "1381234"} {
		found := b.do(t, http.MethodGet, "/v1/customers?q="+q, owner, nil)
		require.Equal(t, http.StatusOK, found.status, "%s", found.raw)
		require.Lenf(t, found.body["items"], 1, "search %q", q)
	}
	none := b.do(t, http.MethodGet, "/v1/customers?q=李", owner, nil)
	require.Empty(t, none.body["items"])

	updated := b.do(t, http.MethodPatch, "/v1/customers/"+id, owner, map[string]any{"city": "杭州", "attributes": map[string]any{"tea": nil}})
	require.Equal(t, http.StatusOK, updated.status, "%s", updated.raw)
	require.Equal(t, "杭州", updated.body["city"])
	require.Equal(t, map[string]any{"shoe_size": 42.0}, updated.body["attributes"])
	require.Equal(t, "王小明", updated.body["name"], "fields not sent stay")

	// The audit trail names the fields that changed, never the personal data.
	trail := b.do(t, http.MethodGet, "/v1/audit-log?target_type=customer", owner, nil)
	require.Len(t, trail.body["items"], 2)
	require.NotContains(t, string(trail.raw), "13812345678")
	require.Contains(t, string(trail.raw), "city")
}

func TestCustomerInputIsRefusedFieldByField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, owner := b.tenantWithKey(t, access.RoleOwner)
	_ = tn
	_, other := b.tenantWithKey(t, access.RoleOwner)
	require.Equal(t, http.StatusOK, b.do(t, http.MethodPut, "/v1/customer-attributes", owner,
		map[string]any{"attributes": []map[string]any{{"key": "shoe_size", "type": "number"}}}).status)
	theirs := b.do(t, http.MethodPost, "/v1/customers", other, map[string]any{"name": "Theirs"})
	require.Equal(t, http.StatusCreated, theirs.status)

	cases := []struct {
		name   string
		body   map[string]any
		code   string
		fields []string
	}{
		{"malformed phone", map[string]any{"phone": "12345"}, "validation_failed", []string{"body.phone"}},
		{"malformed email", map[string]any{"email": "not-mail"}, "validation_failed", []string{"body.email"}},
		{"future birth date", map[string]any{"birth_date": "2999-01-01"}, "validation_failed", []string{"body.birth_date"}},
		{"unknown consent", map[string]any{"consents": map[string]bool{"sell_my_data": true}}, "validation_failed", []string{"body.consents.sell_my_data"}},
		{"unknown attribute", map[string]any{"attributes": map[string]any{"hat_size": 3}}, "unknown_attribute", []string{"body.attributes.hat_size"}},
		{"wrong attribute type", map[string]any{"attributes": map[string]any{"shoe_size": "big"}}, "validation_failed", []string{"body.attributes.shoe_size"}},
		{"two at once", map[string]any{"phone": "1", "email": "x"}, "validation_failed", []string{"body.phone", "body.email"}},
	}
	for _, tc := range cases {
		r := b.do(t, http.MethodPost, "/v1/customers", owner, tc.body)
		require.Equalf(t, http.StatusUnprocessableEntity, r.status, "%s: %s", tc.name, r.raw)
		require.Equalf(t, tc.code, r.problemCode(), "%s: %s", tc.name, r.raw)
		require.ElementsMatchf(t, tc.fields, r.fields(), "%s: %s", tc.name, r.raw)
	}
	list := b.do(t, http.MethodGet, "/v1/customers", owner, nil)
	require.Empty(t, list.body["items"], "no refused request created a customer")

	foreign := b.do(t, http.MethodGet, "/v1/customers/"+theirs.body["id"].(string), owner, nil)
	require.Equal(t, http.StatusNotFound, foreign.status)
	require.Equal(t, "customer_not_found", foreign.problemCode())
	patched := b.do(t, http.MethodPatch, "/v1/customers/"+theirs.body["id"].(string), owner, map[string]any{"name": "Mine now"})
	require.Equal(t, http.StatusNotFound, patched.status)
}
