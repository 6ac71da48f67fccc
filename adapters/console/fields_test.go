package console

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/tenants"
)

// Fields write values by convention and name fields by the most specific term there is.
func TestFieldsNameAndWriteValuesByConvention(t *testing.T) {
	terms := Terms{
		"zh-CN": {"field.name": "名称", "field.customer.name": "姓名", "field.consents.marketing_sms": "短信营销",
			"value.consents.true": "同意", "value.channel.pos": "门店 POS", "value.tenant.status.active": "正常",
			"role.analyst": "数据分析师", "perm.customers:write": "管理会员", "field.fields": "字段"},
	}
	v := &View{Lang: "zh-CN", Tenant: tenants.Tenant{Slug: "lotus", Timezone: "Asia/Shanghai"}, srv: &Server{terms: terms}}
	f := v.Fields("customer", map[string]string{"attributes.vip_level": "会员等级"})
	require.Equal(t, "姓名", f.Name("name"), "the record type's name first")
	require.Equal(t, "名称", v.Fields("segment", nil).Name("name"), "then every record's")
	require.Equal(t, "order_no", f.Name("order_no"), "a partner's own field as it is")
	require.Equal(t, "会员等级", f.Name("attributes.vip_level"))
	require.Equal(t, "tier", f.Name("attributes.tier"), "an attribute deleted since by its key")

	var decoded map[string]any
	require.NoError(t, json.Unmarshal([]byte(`{"amount_fen": 123456, "created_at": "2026-12-03T04:22:00Z", "vip": true, "gone": null,
		"roles": ["analyst"], "permission": "customers:write", "channel": "pos", "fields": ["name", "attributes.vip_level"],
		"consents": {"marketing_sms": true}, "status": "active", "tags": []}`), &decoded))
	for key, want := range map[string]string{
		"amount_fen": "¥1,234.56", "created_at": "2026-12-03 12:22", "vip": "是", "gone": "—", "roles": "数据分析师",
		"permission": "管理会员", "channel": "门店 POS", "fields": "姓名、会员等级", "consents": "短信营销：同意", "tags": "—",
	} {
		require.Equal(t, want, f.Value(key, decoded[key]), key)
	}
	require.Equal(t, "正常", v.Fields("tenant", nil).Value("status", "active"), "a value the record type names")
	require.Equal(t, "active", f.Value("status", "active"), "a code no module named, as it is")

	changes := f.Changes(json.RawMessage(`{"roles": {"before": ["analyst"], "after": null}}`))
	require.Equal(t, []FieldChange{{Key: "roles", Name: "roles", Before: "数据分析师", After: "—"}}, changes)
}
