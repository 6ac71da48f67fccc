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
	},
}
