package customersui

import (
	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/lifecycle"
)

// auditedFields are the customer's fields the audit trail names (customer.create and
// customer.update list them), named as the 360° view's profile names them.
var auditedFields = []string{"external_id", "name", "gender", "birth_date", "phone", "email", "avatar_url", "address",
	"language", "preferred_store", "city", "region", "consents"}

// fieldTerms name the fields of the module's audit records and of built-in events' payloads,
// and their enumerated values (channels, event types, consents, genders, lifecycle stages),
// for pages that show records field by field (the audit record, the timeline).
var fieldTerms = console.Terms{
	"zh-CN": {
		"field.customer.attributes": "自定义属性", "field.customer.app_id": "微信应用 AppID", "field.customer.matched_by": "匹配方式",
		"field.customer.customer_id": "会员", "field.customer.added": "添加的标签", "field.customer.removed": "移除的标签",
		"field.customer.tags": "标签数", "field.customer.duplicate_id": "被合并的会员", "field.customer.survivor_id": "保留的会员",
		"field.customer.filled": "补全的字段", "field.customer.sections": "数据部分", "field.customer.erasure_id": "删除申请编号",
		"field.customer.requested_by": "申请人", "field.customer.due_at": "计划删除时间",
		"field.customer.created": "新建", "field.customer.updated": "更新", "field.customer.skipped": "跳过", "field.customer.rows": "行数",
		"field.customers.rows": "行数", "field.customers.complete": "完整导出", "field.customers.filters": "筛选条件",
		"field.customer_attributes.attributes": "自定义属性", "field.attributes.key": "键", "field.attributes.type": "类型",
		"field.attributes.label": "中文名称", "field.attributes.label_en": "英文名称", "field.attributes.enum_values": "可选值",
		"field.segment.conditions": "条件数", "field.tag_rule.tag": "标签", "field.tag_rule.enabled": "启用",
		"field.tag_rule.conditions": "条件数", "field.tag.action": "操作", "field.tag.customers": "会员数", "field.tag.changed": "变更数",
		"field.event_type.label": "名称", "field.event_type.fields": "字段", "field.event_type.key": "键", "field.event_type.type": "类型",
		"field.event_type.required":         "必填",
		"field.lifecycle_settings.new_days": "新会员天数", "field.lifecycle_settings.at_risk_days": "流失风险天数",
		"field.lifecycle_settings.lapsed_days": "已流失天数", "field.lifecycle_settings.won_back_days": "召回判定天数",
		"field.wechat_fan_tag_import.app_id": "公众号 AppID", "field.wechat_fan_tag_import.status": "状态",
		"field.wechat_fan_tag_import.error_code": "错误代码",
		"field.event.amount_fen":                 "金额", "field.event.store": "门店", "field.event.items": "商品", "field.event.source": "来源",
		"field.event.order_id": "订单号", "field.event.discount_fen": "优惠金额", "field.event.refund_fen": "退款金额",
		"field.event.points": "积分", "field.event.url": "页面地址", "field.event.title": "页面标题", "field.event.page": "页面",
		"field.event.element": "点击元素", "field.event.target": "目标", "field.event.platform": "平台", "field.event.referee": "被推荐人",
		"field.event.score": "评分", "field.event.comment": "评价", "field.event.answers": "回答", "field.event.coupon": "优惠券",
		"field.event.quantity": "数量", "field.event.sku": "商品编号", "field.event.category": "品类", "field.event.price_fen": "单价",
		"field.event.channel": "渠道", "field.event.payment": "支付方式", "field.event.duration_seconds": "时长（秒）",
		"value.source.member_code": "会员码", "value.matched_by.phone": "手机号", "value.matched_by.openid": "微信 OpenID",
		"value.matched_by.unionid": "微信 UnionID", "value.attributes.type.string": "文本", "value.attributes.type.number": "数字",
		"value.attributes.type.boolean": "是/否", "value.attributes.type.enum": "枚举", "value.attributes.type.date": "日期",
		"value.tag.action.add": "添加", "value.tag.action.remove": "移除",
	},
	"en": {
		"field.customer.attributes": "Custom attributes", "field.customer.app_id": "WeChat AppID", "field.customer.matched_by": "Matched by",
		"field.customer.customer_id": "Customer", "field.customer.added": "Tags added", "field.customer.removed": "Tags removed",
		"field.customer.tags": "Tags", "field.customer.duplicate_id": "Merged customer", "field.customer.survivor_id": "Kept customer",
		"field.customer.filled": "Fields filled in", "field.customer.sections": "Data sections", "field.customer.erasure_id": "Erasure request",
		"field.customer.requested_by": "Requested by", "field.customer.due_at": "Erasure due",
		"field.customer.created": "Created", "field.customer.updated": "Updated", "field.customer.skipped": "Skipped", "field.customer.rows": "Rows",
		"field.customers.rows": "Rows", "field.customers.complete": "Complete export", "field.customers.filters": "Filters",
		"field.customer_attributes.attributes": "Custom attributes", "field.attributes.key": "Key", "field.attributes.type": "Type",
		"field.attributes.label": "Chinese name", "field.attributes.label_en": "English name", "field.attributes.enum_values": "Choices",
		"field.segment.conditions": "Conditions", "field.tag_rule.tag": "Tag", "field.tag_rule.enabled": "Enabled",
		"field.tag_rule.conditions": "Conditions", "field.tag.action": "Action", "field.tag.customers": "Customers", "field.tag.changed": "Changed",
		"field.event_type.label": "Name", "field.event_type.fields": "Fields", "field.event_type.key": "Key", "field.event_type.type": "Type",
		"field.event_type.required":         "Required",
		"field.lifecycle_settings.new_days": "Days a customer is new", "field.lifecycle_settings.at_risk_days": "Days until at risk",
		"field.lifecycle_settings.lapsed_days": "Days until lapsed", "field.lifecycle_settings.won_back_days": "Days to count as won back",
		"field.wechat_fan_tag_import.app_id": "Official Account AppID", "field.wechat_fan_tag_import.status": "Status",
		"field.wechat_fan_tag_import.error_code": "Error code",
		"field.event.amount_fen":                 "Amount", "field.event.store": "Store", "field.event.items": "Items", "field.event.source": "Source",
		"field.event.order_id": "Order number", "field.event.discount_fen": "Discount", "field.event.refund_fen": "Refund",
		"field.event.points": "Points", "field.event.url": "Page address", "field.event.title": "Page title", "field.event.page": "Page",
		"field.event.element": "Clicked element", "field.event.target": "Target", "field.event.platform": "Platform", "field.event.referee": "Referred customer",
		"field.event.score": "Score", "field.event.comment": "Comment", "field.event.answers": "Answers", "field.event.coupon": "Coupon",
		"field.event.quantity": "Quantity", "field.event.sku": "SKU", "field.event.category": "Category", "field.event.price_fen": "Unit price",
		"field.event.channel": "Channel", "field.event.payment": "Payment method", "field.event.duration_seconds": "Duration (seconds)",
		"value.source.member_code": "Member code", "value.matched_by.phone": "Phone", "value.matched_by.openid": "WeChat OpenID",
		"value.matched_by.unionid": "WeChat UnionID", "value.attributes.type.string": "Text", "value.attributes.type.number": "Number",
		"value.attributes.type.boolean": "Yes/no", "value.attributes.type.enum": "Choice", "value.attributes.type.date": "Date",
		"value.tag.action.add": "Add", "value.tag.action.remove": "Remove",
	},
}

// init names, from the module's messages (one definition each), the customer's profile
// fields, the consents, and the values of channels, event types, genders and lifecycle
// stages, and merges fieldTerms into Terms.
func init() {
	for lang, m := range messages {
		ts := Terms[lang]
		for k, s := range fieldTerms[lang] {
			ts[k] = s
		}
		for _, f := range auditedFields {
			ts[console.TermKey(console.TermField, "customer."+f)] = m["customers."+f]
		}
		for _, c := range customer.Consents {
			ts[console.TermKey(console.TermField, "consents."+c)] = m["consent."+c]
		}
		ts[console.TermKey(console.TermValue, "consents.true")] = m["consent.given"]
		ts[console.TermKey(console.TermValue, "consents.false")] = m["consent.withheld"]
		for _, c := range event.Channels {
			ts[console.TermKey(console.TermValue, "channel."+c)] = m["timeline.channel_"+c]
		}
		for _, t := range event.Types {
			ts[console.TermKey(console.TermValue, "type."+t)] = m["timeline.type_"+t]
		}
		for _, g := range customer.Genders {
			ts[console.TermKey(console.TermValue, "gender."+g)] = m["customers.gender_"+g]
		}
		for _, s := range lifecycle.Stages {
			ts[console.TermKey(console.TermValue, "lifecycle_stage."+string(s))] = m["lifecycle.stage_"+string(s)]
			ts[console.TermKey(console.TermValue, "stage."+string(s))] = m["lifecycle.stage_"+string(s)]
		}
	}
}
