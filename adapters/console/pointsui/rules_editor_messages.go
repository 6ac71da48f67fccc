package pointsui

import (
	"maps"

	"github.com/engagehq/engage/adapters/console"
)

// draftMessages are the strings of the rule version editor, merged into the module's messages.
var draftMessages = console.Messages{
	"zh-CN": {
		"points.draft_new": "编辑新版本", "points.draft_from": "以此为底稿", "points.rules_published": "已发布版本 %d。",
		"points.draft_title": "新规则版本", "points.draft_preview_title": "新版本的影响预览",
		"points.draft_intro":      "从当前规则开始修改，先预览它对近 30 天真实消费的影响，确认后发布。版本到生效时间才开始计算积分，生效前可以撤回。",
		"points.draft_has_errors": "有些内容需要修改，请看标红的字段。", "points.effective_at_help": "留空为立即生效。时区：",
		"points.draft_rules": "规则", "points.draft_rules_help": "基础积分按消费金额计算；倍数按基础积分放大；额外奖励在条件满足时发放固定积分。填写最后一组的名称即可新增规则。",
		"points.draft_new_rule": "新增规则", "points.draft_remove_rule": "删除这条规则",
		"points.draft_title_zh": "名称（中文）", "points.draft_title_en": "名称（英文）", "points.draft_tip_zh": "说明（中文，可选）", "points.draft_tip_en": "说明（英文，可选）",
		"points.draft_points": "积分", "points.draft_per_yuan": "每消费", "points.draft_percent": "倍数百分比", "points.draft_max_points": "单笔最多",
		"points.draft_no_cap": "不限", "points.draft_kind_help": "基础积分：每消费若干元得若干积分；倍数：200% 为双倍；额外奖励：只填积分。",
		"points.draft_min_spend": "最低消费", "points.draft_weekdays": "星期", "points.draft_hours": "时段从", "points.draft_until": "到",
		"points.draft_any_time": "不限", "points.draft_from_date": "开始日期", "points.draft_to_date": "结束日期",
		"points.draft_birthday": "生日", "points.draft_birthday_none": "不限", "points.draft_attribute": "会员属性（如等级）",
		"points.draft_attribute_none": "不限", "points.draft_attribute_values": "其他属性值（逗号分隔）",
		"points.draft_attribute_help": "选择属性后，勾选它的取值（如会员等级为金卡）；没有预设取值的属性请填写。", "points.draft_segments": "仅限分群",
		"points.draft_cap_per_order": "每单最多", "points.draft_cap_per_day": "每人每天最多",
		"points.draft_store_categories": "门店分类", "points.draft_store_categories_help": "把门店分组，规则可以只在某些门店生效。填写最后一组的名称并勾选门店即可新增分类。",
		"points.draft_no_stores":    "还没有登记门店：请先在小票规则中添加品牌的门店。",
		"points.draft_new_category": "新增门店分类", "points.draft_remove_category": "删除这个分类",
		"points.draft_preview": "预览影响", "points.draft_publish": "发布这个版本", "points.draft_preview_first": "发布前需要先预览影响。",
		"points.draft_changed":    "预览之后内容有修改：请查看新的影响预览，再发布。",
		"points.bad_effective_at": "请选择生效时间。", "points.effective_in_past": "生效时间不能早于现在：之前的消费已经按当时的规则获得积分。",
		"points.effective_taken": "已有另一个版本在这个时间生效。", "points.bad_rule_store_category": "没有这个门店分类。",
		"points.bad_rule_title.zh_cn": "请填写中文名称（最多 100 个字符）。", "points.bad_rule_title.en": "请填写英文名称（最多 100 个字符）。",
		"points.bad_rule_tip.zh_cn": "最多 300 个字符。", "points.bad_rule_tip.en": "最多 300 个字符。", "points.bad_rule_key": "规则代码重复。",
		"points.bad_rule_kind": "请选择类型。", "points.bad_rule_wallet": "请选择积分账户。", "points.bad_rule_stacking": "请选择叠加方式。",
		"points.bad_rule_max_points": "请输入 0（不限）到 1 亿之间的积分。", "points.bad_rule_priority": "请输入整数。",
		"points.bad_rule_points":                "基础积分为 0 到 1 亿；额外奖励为 1 到 1 亿；倍数规则不填积分。",
		"points.bad_rule_per_fen":               "基础积分请输入 0.01 到 100 万元之间的金额；其他类型不填。",
		"points.bad_rule_percent":               "倍数请输入 100 到 10,000 之间的百分比（200 为双倍）；其他类型不填。",
		"points.bad_rule_when.store_categories": "最多 100 个门店分类。", "points.bad_rule_when.product_categories": "最多 100 个品类，每个最多 100 个字符。",
		"points.bad_rule_when.min_spend_fen": "请输入 0 到 1 亿元之间的金额。", "points.bad_rule_when.weekdays": "请选择星期。",
		"points.bad_rule_when.from_hour": "请选择开始时段。", "points.bad_rule_when.to_hour": "请选择结束时段。",
		"points.bad_rule_when.from_date": "请选择日期。", "points.bad_rule_when.to_date": "结束日期不能早于开始日期。",
		"points.bad_rule_when.birthday": "请选择生日条件。", "points.bad_rule_when.segments": "最多 100 个分群。",
		"points.bad_rule_when.attribute.name": "请选择会员属性。", "points.bad_rule_when.attribute.values": "请填写 1 到 100 个属性值。",
		"points.bad_rule_per_order": "请输入 0（不限）到 1 亿之间的积分。", "points.bad_rule_per_day": "请输入 0（不限）到 1 亿之间的积分。",
		"points.bad_rule_stores": "请至少勾选一家门店。", "points.bad_rule_note": "说明最多 500 个字符。",
		"points.bad_rule_rules": "最多 50 条规则。", "points.bad_rule_store_categories": "最多 50 个门店分类。",
	},
	"en": {
		"points.draft_new": "Edit a new version", "points.draft_from": "Start from this one", "points.rules_published": "Version %d is published.",
		"points.draft_title": "New rules version", "points.draft_preview_title": "What the new version would change",
		"points.draft_intro":      "Start from the rules in effect, preview what the change would have done over the last 30 days of real purchases, then publish. A version earns from the time it takes effect and may be withdrawn until then.",
		"points.draft_has_errors": "Some fields need a change: see those marked in red.", "points.effective_at_help": "Leave blank to take effect now. Time zone:",
		"points.draft_rules": "Rules", "points.draft_rules_help": "A base rate earns on the amount spent; a multiplier scales the base points; a bonus gives fixed points when its conditions hold. Name the last one to add a rule.",
		"points.draft_new_rule": "New rule", "points.draft_remove_rule": "Remove this rule",
		"points.draft_title_zh": "Name (Chinese)", "points.draft_title_en": "Name (English)", "points.draft_tip_zh": "Tip (Chinese, optional)", "points.draft_tip_en": "Tip (English, optional)",
		"points.draft_points": "Points", "points.draft_per_yuan": "For every", "points.draft_percent": "Multiplier percent", "points.draft_max_points": "At most per purchase",
		"points.draft_no_cap": "No cap", "points.draft_kind_help": "Base rate: points for every so many yuan; multiplier: 200% doubles; bonus: points only.",
		"points.draft_min_spend": "Minimum spend", "points.draft_weekdays": "Days", "points.draft_hours": "Hours from", "points.draft_until": "until",
		"points.draft_any_time": "Any", "points.draft_from_date": "From date", "points.draft_to_date": "To date",
		"points.draft_birthday": "Birthday", "points.draft_birthday_none": "Any day", "points.draft_attribute": "Customer attribute (e.g. tier)",
		"points.draft_attribute_none": "Any", "points.draft_attribute_values": "Other values (comma-separated)",
		"points.draft_attribute_help": "Choose the attribute, then tick its values (a tier of gold); type the values of an attribute without a list of them.", "points.draft_segments": "Only segments",
		"points.draft_cap_per_order": "At most per purchase", "points.draft_cap_per_day": "At most per customer per day",
		"points.draft_store_categories": "Store categories", "points.draft_store_categories_help": "Group stores so that rules apply only in some. Name the last one and tick its stores to add a category.",
		"points.draft_no_stores":    "No stores are listed yet: add the brand's stores in the receipt rules first.",
		"points.draft_new_category": "New store category", "points.draft_remove_category": "Remove this category",
		"points.draft_preview": "Preview the change", "points.draft_publish": "Publish this version", "points.draft_preview_first": "Preview the change before publishing it.",
		"points.draft_changed":    "The draft changed since its preview: look at the new preview, then publish.",
		"points.bad_effective_at": "Choose when it takes effect.", "points.effective_in_past": "It cannot take effect in the past: purchases before now earned under the rules then in effect.",
		"points.effective_taken": "Another version takes effect at this time.", "points.bad_rule_store_category": "No such store category.",
		"points.bad_rule_title.zh_cn": "Give a Chinese name (at most 100 characters).", "points.bad_rule_title.en": "Give an English name (at most 100 characters).",
		"points.bad_rule_tip.zh_cn": "At most 300 characters.", "points.bad_rule_tip.en": "At most 300 characters.", "points.bad_rule_key": "Another rule has this code.",
		"points.bad_rule_kind": "Choose a kind.", "points.bad_rule_wallet": "Choose a wallet.", "points.bad_rule_stacking": "Choose how it stacks.",
		"points.bad_rule_max_points": "Enter 0 (no cap) up to 100,000,000 points.", "points.bad_rule_priority": "Enter a whole number.",
		"points.bad_rule_points":                "A base rate gives 0 to 100,000,000 points, a bonus 1 to 100,000,000; a multiplier gives none of its own.",
		"points.bad_rule_per_fen":               "For a base rate enter 0.01 to 1,000,000 yuan; leave it blank for other kinds.",
		"points.bad_rule_percent":               "For a multiplier enter 100 to 10,000 percent (200 doubles); leave it blank for other kinds.",
		"points.bad_rule_when.store_categories": "At most 100 store categories.", "points.bad_rule_when.product_categories": "At most 100 categories of at most 100 characters.",
		"points.bad_rule_when.min_spend_fen": "Enter between 0 and 100,000,000 yuan.", "points.bad_rule_when.weekdays": "Choose days of the week.",
		"points.bad_rule_when.from_hour": "Choose a starting hour.", "points.bad_rule_when.to_hour": "Choose an ending hour.",
		"points.bad_rule_when.from_date": "Choose a date.", "points.bad_rule_when.to_date": "The end date cannot be before the start date.",
		"points.bad_rule_when.birthday": "Choose a birthday condition.", "points.bad_rule_when.segments": "At most 100 segments.",
		"points.bad_rule_when.attribute.name": "Choose an attribute.", "points.bad_rule_when.attribute.values": "Give 1 to 100 values.",
		"points.bad_rule_per_order": "Enter 0 (no cap) up to 100,000,000 points.", "points.bad_rule_per_day": "Enter 0 (no cap) up to 100,000,000 points.",
		"points.bad_rule_stores": "Tick at least one store.", "points.bad_rule_note": "At most 500 characters.",
		"points.bad_rule_rules": "At most 50 rules.", "points.bad_rule_store_categories": "At most 50 store categories.",
	},
}

func init() {
	for lang, m := range draftMessages {
		maps.Copy(messages[lang], m)
	}
}
