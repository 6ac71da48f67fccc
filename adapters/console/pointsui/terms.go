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
		"action.points_action_rule.put": "修改行为积分规则", "action.points_action_rule.delete": "删除行为积分规则",
		"target.points_action_rule": "行为积分规则", "job.subscriber.points_actions": "行为积分发放任务",
		"job.subscriber.points_registration": "注册奖励任务",
		// Adjustment approvals and reports.
		"perm.points:approve": "审批积分调整", "perm.points:approve.help": "审批或驳回其他管理员提交的超过阈值的积分调整。",
		"action.points_adjustment.request": "提交积分调整审批", "action.points_adjustment.approve": "批准积分调整",
		"action.points_adjustment.reject": "驳回积分调整", "target.points_adjustment": "积分调整申请",
		"action.points_report_schedule.create": "新建定时报表", "action.points_report_schedule.delete": "删除定时报表",
		"target.points_report_schedule": "定时报表",
		"job.points_report_exports":     "定时报表任务", "job.points_report_run": "生成定时报表", "job.points_report_mail": "发送定时报表",
	},
	"en": {
		"area.points":      "Points",
		"perm.points:read": "View points", "perm.points:read.help": "See customers' points, their history and the points rules.",
		"perm.points:write": "Earn and redeem points", "perm.points:write.help": "Earn, redeem and refund points as the till does.",
		"perm.points:adjust": "Adjust points", "perm.points:adjust.help": "Add or deduct a customer's points by hand, with a reason.",
		"action.points.adjust": "Adjusted points", "action.points_settings.set": "Changed the points rules",
		"target.points_settings": "Points rules",
		"job.points_sweep":       "Points scheduled job", "job.points_maintain": "Points maintenance job", "job.subscriber.points": "Points earning job",
		"action.points_action_rule.put": "Changed an action rule", "action.points_action_rule.delete": "Removed an action rule",
		"target.points_action_rule": "Action rule", "job.subscriber.points_actions": "Action points job",
		"job.subscriber.points_registration": "Welcome bonus job",
		// Adjustment approvals and reports.
		"perm.points:approve": "Approve points adjustments", "perm.points:approve.help": "Approve or reject another admin's points adjustment above the brand's threshold.",
		"action.points_adjustment.request": "Asked to approve a points adjustment", "action.points_adjustment.approve": "Approved a points adjustment",
		"action.points_adjustment.reject": "Rejected a points adjustment", "target.points_adjustment": "Points adjustment request",
		"action.points_report_schedule.create": "Scheduled a points report", "action.points_report_schedule.delete": "Deleted a scheduled points report",
		"target.points_report_schedule": "Scheduled points report",
		"job.points_report_exports":     "Scheduled reports job", "job.points_report_run": "Scheduled report export", "job.points_report_mail": "Scheduled report email",
	},
}
