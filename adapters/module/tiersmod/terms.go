package tiersmod

import "github.com/engagehq/engage/adapters/console"

// Terms name the tiers module's codes on every page.
var Terms = console.Terms{
	"zh-CN": {
		"area.tiers":      "会员等级",
		"perm.tiers:read": "查看会员等级", "perm.tiers:read.help": "查看等级规则、会员的等级和等级变化记录。",
		"perm.tiers:write": "管理会员等级", "perm.tiers:write.help": "修改等级规则，注明原因后手动调整会员等级。",
		"action.tier_program.put": "修改等级规则", "action.tier.assign": "手动调整会员等级",
		"target.tier_program": "等级规则",
		"job.tiers_sweep":     "等级定时任务", "job.tiers_evaluate": "等级评估任务",
		"job.subscriber.tiers": "等级累计任务", "job.subscriber.tiers_status": "成长值累计任务",
		"action.tier_benefit.put": "修改等级权益", "action.tier_benefit.delete": "删除等级权益",
		"target.tier_benefit": "等级权益", "job.tiers_gifts": "生日与周年礼任务",
		"job.subscriber.tiers_vouchers": "等级权益发券任务",
	},
	"en": {
		"area.tiers":      "Membership tiers",
		"perm.tiers:read": "View membership tiers", "perm.tiers:read.help": "See the tier rules, members' tiers and their tier history.",
		"perm.tiers:write": "Manage membership tiers", "perm.tiers:write.help": "Change the tier rules and set a member's tier by hand, with a reason.",
		"action.tier_program.put": "Changed the tier rules", "action.tier.assign": "Set a member's tier by hand",
		"target.tier_program": "Tier rules",
		"job.tiers_sweep":     "Tiers scheduled job", "job.tiers_evaluate": "Tier evaluation job",
		"job.subscriber.tiers": "Tier figures job", "job.subscriber.tiers_status": "Status points for tiers job",
		"action.tier_benefit.put": "Changed a tier benefit", "action.tier_benefit.delete": "Deleted a tier benefit",
		"target.tier_benefit": "Tier benefit", "job.tiers_gifts": "Birthday and anniversary gifts job",
		"job.subscriber.tiers_vouchers": "Tier benefit vouchers job",
	},
}
