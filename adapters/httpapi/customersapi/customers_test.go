package customersapi_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
)

func TestCustomersAreCreatedNormalisedSearchedAndChanged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	_, staff := b.TenantWithKey(t, access.RoleStoreStaff)
	_ = staff

	schema := b.Do(t, http.MethodPut, "/v1/customer-attributes", owner, map[string]any{"attributes": []map[string]any{
		{"key": "shoe_size", "type": "number"}, {"key": "tea", "type": "enum", "label": "茶", "label_en": "Tea", "enum_values": []string{"green", "oolong"}},
	}})
	require.Equal(t, http.StatusOK, schema.Status, "%s", schema.Raw)
	defs := b.Do(t, http.MethodGet, "/v1/customer-attributes", owner, nil)
	require.Equal(t, http.StatusOK, defs.Status, "%s", defs.Raw)
	require.Contains(t, defs.Body["attributes"], map[string]any{"key": "tea", "type": "enum", "label": "茶", "label_en": "Tea",
		"enum_values": []any{"green", "oolong"}}, "an attribute keeps its names in both languages")

	created := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{
		"name": "王小明", "phone": "138 1234 5678", "email": "Ming@Example.com", "birth_date": "1990-05-20", "city": "上海",
		"consents": map[string]bool{"marketing_sms": true}, "attributes": map[string]any{"shoe_size": 42, "tea": "oolong"},
	}, "Idempotency-Key", "crm-sync-1")
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	require.Equal(t, "+8613812345678", created.Body["phone"])
	require.Equal(t, "ming@example.com", created.Body["email"])
	require.Equal(t, "1990-05-20", created.Body["birth_date"])
	id := created.Body["id"].(string)

	replayed := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{
		"name": "王小明", "phone": "138 1234 5678", "email": "Ming@Example.com", "birth_date": "1990-05-20", "city": "上海",
		"consents": map[string]bool{"marketing_sms": true}, "attributes": map[string]any{"shoe_size": 42, "tea": "oolong"},
	}, "Idempotency-Key", "crm-sync-1")
	require.Equal(t, http.StatusCreated, replayed.Status)
	require.Equal(t, id, replayed.Body["id"], "a retried create returns the first customer")
	require.Equal(t, "true", replayed.Header.Get("Idempotent-Replayed"))

	dup := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "Other", "phone": "+86 13812345678"})
	require.Equal(t, http.StatusConflict, dup.Status)
	require.Equal(t, "phone_taken", dup.ProblemCode())

	for _, q := range []string{"王", "13812345678", "ming@", "1381234"} {
		found := b.Do(t, http.MethodGet, "/v1/customers?q="+q, owner, nil)
		require.Equal(t, http.StatusOK, found.Status, "%s", found.Raw)
		require.Lenf(t, found.Body["items"], 1, "search %q", q)
	}
	none := b.Do(t, http.MethodGet, "/v1/customers?q=李", owner, nil)
	require.Empty(t, none.Body["items"])

	updated := b.Do(t, http.MethodPatch, "/v1/customers/"+id, owner, map[string]any{"city": "杭州", "attributes": map[string]any{"tea": nil}})
	require.Equal(t, http.StatusOK, updated.Status, "%s", updated.Raw)
	require.Equal(t, "杭州", updated.Body["city"])
	require.Equal(t, map[string]any{"shoe_size": 42.0}, updated.Body["attributes"])
	require.Equal(t, "王小明", updated.Body["name"], "fields not sent stay")

	// The audit trail names the fields that changed, never the personal data.
	trail := b.Do(t, http.MethodGet, "/v1/audit-log?target_type=customer", owner, nil)
	require.Len(t, trail.Body["items"], 2)
	require.NotContains(t, string(trail.Raw), "13812345678")
	require.Contains(t, string(trail.Raw), "city")
}

func TestCustomerInputIsRefusedFieldByField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	_ = tn
	_, other := b.TenantWithKey(t, access.RoleOwner)
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodPut, "/v1/customer-attributes", owner,
		map[string]any{"attributes": []map[string]any{{"key": "shoe_size", "type": "number"}}}).Status)
	theirs := b.Do(t, http.MethodPost, "/v1/customers", other, map[string]any{"name": "Theirs"})
	require.Equal(t, http.StatusCreated, theirs.Status)

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
		r := b.Do(t, http.MethodPost, "/v1/customers", owner, tc.body)
		require.Equalf(t, http.StatusUnprocessableEntity, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equalf(t, tc.code, r.ProblemCode(), "%s: %s", tc.name, r.Raw)
		require.ElementsMatchf(t, tc.fields, r.Fields(), "%s: %s", tc.name, r.Raw)
	}
	list := b.Do(t, http.MethodGet, "/v1/customers", owner, nil)
	require.Empty(t, list.Body["items"], "no refused request created a customer")

	foreign := b.Do(t, http.MethodGet, "/v1/customers/"+theirs.Body["id"].(string), owner, nil)
	require.Equal(t, http.StatusNotFound, foreign.Status)
	require.Equal(t, "customer_not_found", foreign.ProblemCode())
	patched := b.Do(t, http.MethodPatch, "/v1/customers/"+theirs.Body["id"].(string), owner, map[string]any{"name": "Mine now"})
	require.Equal(t, http.StatusNotFound, patched.Status)
}

// A partner finds a customer by its own ID.
func TestPartnersFindACustomerByTheirOwnID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	_, other := b.TenantWithKey(t, access.RoleOwner)
	created := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小红", "external_id": "crm/88 231", "phone": "13812345678"})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	require.Equal(t, http.StatusCreated, b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "李"}).Status)

	found := b.Do(t, http.MethodGet, "/v1/customers/lookup?external_id="+url.QueryEscape("crm/88 231"), owner, nil)
	require.Equal(t, http.StatusOK, found.Status, "%s", found.Raw)
	require.Equal(t, created.Body["id"], found.Body["id"])
	byPhone := b.Do(t, http.MethodGet, "/v1/customers/lookup?phone=13812345678", owner, nil)
	require.Equal(t, http.StatusOK, byPhone.Status, "%s", byPhone.Raw)
	require.Equal(t, created.Body["id"], byPhone.Body["id"])
	both := b.Do(t, http.MethodGet, "/v1/customers/lookup?phone=13812345678&external_id=x", owner, nil)
	require.Equal(t, http.StatusUnprocessableEntity, both.Status)
	list := b.Do(t, http.MethodGet, "/v1/customers?external_id="+url.QueryEscape("crm/88 231"), owner, nil)
	require.Equal(t, http.StatusOK, list.Status, "%s", list.Raw)
	require.Len(t, list.Body["items"], 1)

	for _, token := range []string{owner, other} {
		missing := b.Do(t, http.MethodGet, "/v1/customers/lookup?external_id=crm-nobody", token, nil)
		require.Equal(t, http.StatusNotFound, missing.Status)
		require.Equal(t, "customer_not_found", missing.ProblemCode())
		require.Equal(t, []string{"query.external_id"}, missing.Fields())
	}
	theirs := b.Do(t, http.MethodGet, "/v1/customers/lookup?phone=13812345678", other, nil)
	require.Equal(t, http.StatusNotFound, theirs.Status, "another brand's customer is not found")
}
