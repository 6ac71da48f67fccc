package console

import "maps"

// eventMessages are the strings of the activity stream's pages (custom event types, the
// customer timeline), kept apart from messages so that modules add theirs without touching
// one shared table.
var eventMessages = map[string]map[string]string{
	"zh-CN": {
		"nav.event_types": "自定义事件", "eventtypes.intro": "品牌自定义的事件类型（custom:<标识>）。上报的此类事件须带上这里定义的字段，类型不符或缺少必填字段的事件会被拒绝。",
		"eventtypes.type": "事件类型", "eventtypes.label": "名称", "eventtypes.fields": "字段", "eventtypes.edit": "编辑", "eventtypes.delete": "删除",
		"eventtypes.confirm_delete": "删除此事件类型？已记录的事件保留，新的此类事件将被拒绝。", "eventtypes.empty": "尚未定义自定义事件类型。",
		"eventtypes.editing": "编辑", "eventtypes.new": "新增事件类型", "eventtypes.key": "标识", "eventtypes.description": "说明",
		"eventtypes.field_key": "字段标识", "eventtypes.field_type": "类型", "eventtypes.required": "必填", "eventtypes.enum_values": "可选值（逗号分隔）",
		"eventtypes.max_length": "最大长度", "eventtypes.more_rows": "保存后可继续添加更多字段；标识留空的行会被忽略。", "eventtypes.cancel": "取消",
		"eventtypes.type_string": "文本", "eventtypes.type_number": "数字", "eventtypes.type_integer": "整数", "eventtypes.type_boolean": "是/否",
		"eventtypes.type_date": "日期", "eventtypes.type_enum": "枚举",
		"eventtypes.bad_key": "标识为 1–40 个小写字母、数字或下划线，以字母开头，且不重复（items 为保留字）。", "eventtypes.bad_label": "名称最多 100 个字符。",
		"eventtypes.bad_description": "说明最多 500 个字符。", "eventtypes.bad_fields": "最多 50 个字段。", "eventtypes.bad_type": "请选择类型。",
		"eventtypes.bad_enum_values": "枚举需要 1–100 个不重复的可选值，其他类型不能有可选值。", "eventtypes.bad_max_length": "最大长度为 1–1000，仅用于文本字段。",
		"eventtypes.too_many": "每个品牌最多定义 200 个事件类型。",
		"timeline.title":      "跨渠道动态", "timeline.loading": "加载中…", "timeline.first_seen": "首次活跃", "timeline.last_seen": "最近活跃",
		"timeline.purchases": "购买次数", "timeline.spend": "累计消费", "timeline.visits": "到店次数", "timeline.monthly_spend": "每月消费",
		"timeline.spend_yuan": "消费（元）", "timeline.type": "类型", "timeline.channel": "渠道", "timeline.all": "全部",
		"timeline.empty": "没有符合条件的动态。", "timeline.more": "加载更多",
		"timeline.type_purchase": "购买", "timeline.type_visit": "到店/签到", "timeline.type_page_view": "浏览页面", "timeline.type_click": "点击",
		"timeline.type_share": "分享", "timeline.type_referral": "推荐", "timeline.type_survey": "问卷/反馈",
		"timeline.channel_mini_program": "小程序", "timeline.channel_pos": "门店 POS", "timeline.channel_website": "网站",
		"timeline.channel_email": "邮件", "timeline.channel_wechat": "微信", "timeline.channel_other": "其他",
	},
	"en": {
		"nav.event_types": "Event types", "eventtypes.intro": "Event types your brand defines (custom:<key>). Events of these types must carry the fields defined here; events with a field of the wrong type or missing a required field are refused.",
		"eventtypes.type": "Event type", "eventtypes.label": "Label", "eventtypes.fields": "Fields", "eventtypes.edit": "Edit", "eventtypes.delete": "Delete",
		"eventtypes.confirm_delete": "Delete this event type? Events already recorded stay; new events of the type are refused.", "eventtypes.empty": "No custom event types yet.",
		"eventtypes.editing": "Editing", "eventtypes.new": "New event type", "eventtypes.key": "Key", "eventtypes.description": "Description",
		"eventtypes.field_key": "Field key", "eventtypes.field_type": "Type", "eventtypes.required": "Required", "eventtypes.enum_values": "Values (comma-separated)",
		"eventtypes.max_length": "Max length", "eventtypes.more_rows": "Save to add more fields; rows without a key are ignored.", "eventtypes.cancel": "Cancel",
		"eventtypes.type_string": "Text", "eventtypes.type_number": "Number", "eventtypes.type_integer": "Whole number", "eventtypes.type_boolean": "Yes/no",
		"eventtypes.type_date": "Date", "eventtypes.type_enum": "Choice",
		"eventtypes.bad_key": "Keys are 1–40 lower-case letters, digits or underscores, start with a letter and are unique (items is reserved).", "eventtypes.bad_label": "Labels are at most 100 characters.",
		"eventtypes.bad_description": "Descriptions are at most 500 characters.", "eventtypes.bad_fields": "At most 50 fields.", "eventtypes.bad_type": "Pick a type.",
		"eventtypes.bad_enum_values": "A choice needs 1–100 distinct values; other types take none.", "eventtypes.bad_max_length": "Max length is 1–1000, for text fields only.",
		"eventtypes.too_many": "A brand defines at most 200 event types.",
		"timeline.title":      "Cross-channel timeline", "timeline.loading": "Loading…", "timeline.first_seen": "First seen", "timeline.last_seen": "Last seen",
		"timeline.purchases": "Purchases", "timeline.spend": "Total spend", "timeline.visits": "Visits", "timeline.monthly_spend": "Spend per month",
		"timeline.spend_yuan": "Spend (yuan)", "timeline.type": "Type", "timeline.channel": "Channel", "timeline.all": "All",
		"timeline.empty": "No activity matches.", "timeline.more": "Load more",
		"timeline.type_purchase": "Purchase", "timeline.type_visit": "Visit / check-in", "timeline.type_page_view": "Page view", "timeline.type_click": "Click",
		"timeline.type_share": "Share", "timeline.type_referral": "Referral", "timeline.type_survey": "Survey / feedback",
		"timeline.channel_mini_program": "Mini Program", "timeline.channel_pos": "Store POS", "timeline.channel_website": "Website",
		"timeline.channel_email": "Email", "timeline.channel_wechat": "WeChat", "timeline.channel_other": "Other",
	},
}

func init() {
	for lang, m := range eventMessages {
		maps.Copy(messages[lang], m)
	}
}
