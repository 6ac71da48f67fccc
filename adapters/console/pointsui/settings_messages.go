package pointsui

import (
	"maps"

	"github.com/engagehq/engage/adapters/console"
)

// settingsMessages are the strings of the points settings' approval threshold and point value.
var settingsMessages = console.Messages{
	"zh-CN": {
		"points.approval_above": "人工调整超过多少积分需要审批", "points.approval_above_help": "增加或扣减超过这个数的调整，需要另一位管理员批准后才生效（0：不需要审批）。",
		"points.point_value": "每 100 积分价值（元）", "points.point_value_help": "用于报表中未兑换积分的负债金额（例如 1 元即每积分 1 分钱）。",
		"points.wallet_label_zh": "中文名称", "points.wallet_label_en": "英文名称",
		"points.bad_label.zh_cn": "最多 40 个字符，前后不能有空格。", "points.bad_label.en": "最多 40 个字符，前后不能有空格。",
		"points.bad_adjustment_approval_above": "请输入 0（不需要审批）到 1 亿之间的积分。", "points.bad_point_value.fen": "请输入 0 到 1 万元之间的金额。",
	},
	"en": {
		"points.approval_above": "Adjustments above this many points need approval", "points.approval_above_help": "An adjustment adding or deducting more takes effect once another admin approves it (0: never asks).",
		"points.point_value": "Value of 100 points (yuan)", "points.point_value_help": "For the liability of outstanding points in the reports (e.g. ¥1 is one fen a point).",
		"points.wallet_label_zh": "Chinese name", "points.wallet_label_en": "English name",
		"points.bad_label.zh_cn": "At most 40 characters, no spaces around.", "points.bad_label.en": "At most 40 characters, no spaces around.",
		"points.bad_adjustment_approval_above": "Enter 0 (never asks) up to 100,000,000 points.", "points.bad_point_value.fen": "Enter between 0 and 10,000 yuan.",
	},
}

func init() {
	for lang, m := range settingsMessages {
		maps.Copy(messages[lang], m)
	}
}
