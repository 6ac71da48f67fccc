package pointsui

import "github.com/engagehq/engage/adapters/console"

// Terms name the points module's codes on every page.
var Terms = console.Terms{
	"zh-CN": {
		"area.points":      "积分",
		"perm.points:read": "查看积分", "perm.points:read.help": "查看会员的积分、积分明细和积分规则。",
		"perm.points:write": "积分收支", "perm.points:write.help": "像收银系统一样发放、兑换和退还积分。",
		"perm.points:adjust": "手动调整积分", "perm.points:adjust.help": "注明原因后手动增减会员积分。",
		"action.points.adjust": "手动调整积分", "action.points_settings.set": "修改积分规则",
		"target.points_settings": "积分规则",
		"job.points_sweep":       "积分定时任务", "job.points_maintain": "积分维护任务", "job.subscriber.points": "积分发放任务",
		// The reward catalog.
		"perm.points:catalog": "管理奖励目录", "perm.points:catalog.help": "新建和修改积分可兑换的奖励：价格、库存、限兑和有效期。",
		"action.reward.create": "新建奖励", "action.reward.update": "修改奖励",
		"action.voucher.use": "核销奖励券", "action.voucher.cancel": "作废奖励券",
		"target.reward": "奖励", "target.voucher": "奖励券",
		"job.rewards_voucher_sweep":     "奖励券过期任务",
		"action.points_action_rule.put": "修改行为积分规则", "action.points_action_rule.delete": "删除行为积分规则",
		"target.points_action_rule": "行为积分规则", "job.subscriber.points_actions": "行为积分发放任务",
		"job.subscriber.points_registration": "注册奖励任务",
		"field.points_action_rule.action":    "行为", "field.points_action_rule.event_type": "自定义事件类型",
		"field.points_action_rule.limit_count": "次数上限", "field.points_action_rule.limit_period": "次数周期",
		"field.points_action_rule.streak": "连续签到奖励", "field.points_action_rule.referee_points": "好友获得积分",
		"field.points_action_rule.after_first_purchase": "好友首次消费后发放", "field.points_action_rule.title": "名称（中文）",
		"field.points_action_rule.title_en": "名称（英文）", "field.points_action_rule.active": "启用",
		"field.points_action_rule.days": "连续天数", "field.points_action_rule.repeat": "按倍数重复",
		// Earning rules.
		"action.points_rules.add": "发布积分规则版本", "action.points_rules.withdraw": "撤回积分规则版本",
		"target.points_rules": "积分规则版本",
		// Receipt scanning.
		"perm.points:receipts": "审核小票", "perm.points:receipts.help": "查看会员上传的小票，通过（发放积分）或驳回。",
		"action.receipt.approve": "通过小票", "action.receipt.reject": "驳回小票", "action.receipt_settings.set": "修改小票规则",
		"target.receipt": "小票", "target.receipt_settings": "小票规则",
		"job.receipt_read": "小票识别任务", "job.receipt_credit": "小票积分发放任务",
		// Adjustment approvals and reports.
		"perm.points:approve": "审批积分调整", "perm.points:approve.help": "审批或驳回其他管理员提交的超过阈值的积分调整。",
		"action.points_adjustment.request": "提交积分调整审批", "action.points_adjustment.approve": "批准积分调整",
		"action.points_adjustment.reject": "驳回积分调整", "target.points_adjustment": "积分调整申请",
		"action.points_report_schedule.create": "新建定时报表", "action.points_report_schedule.delete": "删除定时报表",
		"target.points_report_schedule": "定时报表",
		"job.points_report_exports":     "定时报表任务", "job.points_report_run": "生成定时报表", "job.points_report_mail": "发送定时报表",
		// Anti-fraud.
		"action.points_fraud.approve": "放行可疑积分", "action.points_fraud.reject": "驳回可疑积分",
		"action.points_fraud.settings": "修改风控规则", "target.points_fraud_flag": "风控待审", "target.points_fraud_settings": "风控规则",
		"job.points_risk_rank": "微信风险等级查询",
	},
	"en": {
		"area.points":      "Points",
		"perm.points:read": "View points", "perm.points:read.help": "See customers' points, their history and the points rules.",
		"perm.points:write": "Earn and redeem points", "perm.points:write.help": "Earn, redeem and refund points as the till does.",
		"perm.points:adjust": "Adjust points", "perm.points:adjust.help": "Add or deduct a customer's points by hand, with a reason.",
		"action.points.adjust": "Adjusted points", "action.points_settings.set": "Changed the points rules",
		"target.points_settings": "Points rules",
		"job.points_sweep":       "Points scheduled job", "job.points_maintain": "Points maintenance job", "job.subscriber.points": "Points earning job",
		// The reward catalog.
		"perm.points:catalog": "Manage the reward catalog", "perm.points:catalog.help": "Create and change the rewards customers claim for points: prices, stock, limits and validity.",
		"action.reward.create": "Created a reward", "action.reward.update": "Changed a reward",
		"action.voucher.use": "Used a reward voucher", "action.voucher.cancel": "Cancelled a reward voucher",
		"target.reward": "Reward", "target.voucher": "Reward voucher",
		"job.rewards_voucher_sweep":     "Reward voucher expiry job",
		"action.points_action_rule.put": "Changed an action rule", "action.points_action_rule.delete": "Removed an action rule",
		"target.points_action_rule": "Action rule", "job.subscriber.points_actions": "Action points job",
		"job.subscriber.points_registration": "Welcome bonus job",
		"field.points_action_rule.action":    "Action", "field.points_action_rule.event_type": "Custom event type",
		"field.points_action_rule.limit_count": "At most", "field.points_action_rule.limit_period": "Per",
		"field.points_action_rule.streak": "Streak bonuses", "field.points_action_rule.referee_points": "The friend earns",
		"field.points_action_rule.after_first_purchase": "After the friend's first purchase", "field.points_action_rule.title": "Name (Chinese)",
		"field.points_action_rule.title_en": "Name (English)", "field.points_action_rule.active": "Active",
		"field.points_action_rule.days": "Days in a row", "field.points_action_rule.repeat": "Repeats",
		// Earning rules.
		"action.points_rules.add": "Published a version of the earning rules", "action.points_rules.withdraw": "Withdrew a version of the earning rules",
		"target.points_rules": "Earning rules version",
		// Receipt scanning.
		"perm.points:receipts": "Review receipts", "perm.points:receipts.help": "See the receipts customers upload and approve them (crediting points) or reject them.",
		"action.receipt.approve": "Approved a receipt", "action.receipt.reject": "Rejected a receipt", "action.receipt_settings.set": "Changed the receipt rules",
		"target.receipt": "Receipt", "target.receipt_settings": "Receipt rules",
		"job.receipt_read": "Receipt reading job", "job.receipt_credit": "Receipt points job",
		// Adjustment approvals and reports.
		"perm.points:approve": "Approve points adjustments", "perm.points:approve.help": "Approve or reject another admin's points adjustment above the brand's threshold.",
		"action.points_adjustment.request": "Asked to approve a points adjustment", "action.points_adjustment.approve": "Approved a points adjustment",
		"action.points_adjustment.reject": "Rejected a points adjustment", "target.points_adjustment": "Points adjustment request",
		"action.points_report_schedule.create": "Scheduled a points report", "action.points_report_schedule.delete": "Deleted a scheduled points report",
		"target.points_report_schedule": "Scheduled points report",
		"job.points_report_exports":     "Scheduled reports job", "job.points_report_run": "Scheduled report export", "job.points_report_mail": "Scheduled report email",
		// Anti-fraud.
		"action.points_fraud.approve": "Released flagged points", "action.points_fraud.reject": "Rejected flagged points",
		"action.points_fraud.settings": "Changed the fraud rules", "target.points_fraud_flag": "Fraud review", "target.points_fraud_settings": "Fraud rules",
		"job.points_risk_rank": "WeChat risk rank check",
	},
}
