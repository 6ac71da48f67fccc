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
		// Receipt scanning.
		"perm.points:receipts": "审核小票", "perm.points:receipts.help": "查看会员上传的小票，通过（发放积分）或驳回。",
		"action.receipt.approve": "通过小票", "action.receipt.reject": "驳回小票", "action.receipt_settings.set": "修改小票规则",
		"target.receipt": "小票", "target.receipt_settings": "小票规则",
		"job.receipt_read": "小票识别任务", "job.receipt_credit": "小票积分发放任务",
	},
	"en": {
		"area.points":      "Points",
		"perm.points:read": "View points", "perm.points:read.help": "See customers' points, their history and the points rules.",
		"perm.points:write": "Earn and redeem points", "perm.points:write.help": "Earn, redeem and refund points as the till does.",
		"perm.points:adjust": "Adjust points", "perm.points:adjust.help": "Add or deduct a customer's points by hand, with a reason.",
		"action.points.adjust": "Adjusted points", "action.points_settings.set": "Changed the points rules",
		"target.points_settings": "Points rules",
		"job.points_sweep":       "Points scheduled job", "job.points_maintain": "Points maintenance job", "job.subscriber.points": "Points earning job",
		// Receipt scanning.
		"perm.points:receipts": "Review receipts", "perm.points:receipts.help": "See the receipts customers upload and approve them (crediting points) or reject them.",
		"action.receipt.approve": "Approved a receipt", "action.receipt.reject": "Rejected a receipt", "action.receipt_settings.set": "Changed the receipt rules",
		"target.receipt": "Receipt", "target.receipt_settings": "Receipt rules",
		"job.receipt_read": "Receipt reading job", "job.receipt_credit": "Receipt points job",
	},
}
