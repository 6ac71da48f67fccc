package pointsui

import "github.com/engagehq/engage/adapters/console"

// receiptMessages are the strings of the receipts review pages, merged into the module's.
var receiptMessages = console.Messages{
	"zh-CN": {
		"nav.points_receipts":    "小票审核",
		"receipts.intro":         "会员在小程序上传的购物小票：系统识别门店、金额、日期和单号并按小票规则检查，需要人工处理的在这里审核。",
		"receipts.pending_count": "待审核", "receipts.status_pending": "待审核", "receipts.status_approved": "已通过",
		"receipts.status_rejected": "已驳回", "receipts.status_all": "全部",
		"receipts.photo": "小票照片", "receipts.customer": "会员", "receipts.store": "门店", "receipts.amount": "金额",
		"receipts.date": "消费时间", "receipts.number": "单号", "receipts.checks": "检查结果", "receipts.status": "状态",
		"receipts.uploaded": "上传时间", "receipts.open": "查看", "receipts.empty": "没有这类小票。", "receipts.more": "更早的小票",
		"receipts.not_read": "正在识别…", "receipts.unknown": "未识别", "receipts.ocr_text": "识别出的文字",
		"receipts.read_fields": "识别结果", "receipts.store_code": "对应门店", "receipts.no_store": "（未匹配门店）",
		"receipts.points": "获得积分", "receipts.crediting": "积分发放中", "receipts.decided_by": "处理方",
		"receipts.decided_by_system": "系统按规则自动处理", "receipts.decided_by_user": "管理员", "receipts.decided_by_api_key": "合作方系统",
		"receipts.decided_at": "处理时间", "receipts.reason": "驳回原因", "receipts.note": "备注",
		"receipts.approve": "通过并发放积分", "receipts.approve_help": "识别有误时先更正金额、时间、门店或单号。",
		"receipts.reject": "驳回", "receipts.reject_help": "会员会看到驳回原因和备注。",
		"receipts.amount_yuan": "金额（元）", "receipts.approve_note": "备注（记入审计日志）", "receipts.reject_note": "给会员的说明",
		"receipts.flag_unreadable": "未能识别金额、日期或单号", "receipts.flag_duplicate_image": "同一照片已上传过",
		"receipts.flag_duplicate_number": "单号已通过过", "receipts.flag_stale": "超过有效天数", "receipts.flag_future": "日期在今天之后",
		"receipts.flag_unknown_store": "不是本品牌的门店", "receipts.flag_below_minimum": "低于最低金额",
		"receipts.flag_above_maximum": "超过最高金额", "receipts.flag_above_auto_approve": "超过自动通过的金额",
		"receipts.flag_manual_review": "品牌要求人工审核", "receipts.flag_ocr_failed": "照片无法识别",
		"receipts.no_flags":         "全部通过",
		"receipts.reason_duplicate": "重复小票", "receipts.reason_unreadable": "照片不清晰", "receipts.reason_not_a_receipt": "不是购物小票",
		"receipts.reason_stale": "小票已过期", "receipts.reason_unknown_store": "非本品牌门店", "receipts.reason_amount": "金额不符合规则",
		"receipts.reason_other": "其他",
		"receipts.bad_amount":   "请输入大于 0 的金额（元）。", "receipts.bad_amount_fen": "请输入金额：照片上没有识别出金额。",
		"receipts.bad_date": "请输入消费日期和时间。", "receipts.bad_store_code": "请从小票规则的门店中选择。",
		"receipts.bad_number": "单号只能包含字母、数字和短横线，最多 40 个字符。", "receipts.bad_note": "备注最多 500 个字符。",
		"receipts.bad_reason": "请选择驳回原因。", "receipts.decided": "这张小票已经处理过了。",
		"receipts.number_approved": "这个门店的这个单号已经在另一张小票上通过了。",
	},
	"en": {
		"nav.points_receipts":    "Receipts",
		"receipts.intro":         "Receipts customers upload from the Mini Program: their store, amount, date and number are read and checked against the receipt rules; those that need a person are reviewed here.",
		"receipts.pending_count": "Waiting", "receipts.status_pending": "Waiting for review", "receipts.status_approved": "Approved",
		"receipts.status_rejected": "Rejected", "receipts.status_all": "All",
		"receipts.photo": "Photo", "receipts.customer": "Customer", "receipts.store": "Store", "receipts.amount": "Amount",
		"receipts.date": "Purchased", "receipts.number": "Number", "receipts.checks": "Checks", "receipts.status": "Status",
		"receipts.uploaded": "Uploaded", "receipts.open": "Open", "receipts.empty": "No receipts here.", "receipts.more": "Older receipts",
		"receipts.not_read": "Being read…", "receipts.unknown": "Not read", "receipts.ocr_text": "Text read from the photo",
		"receipts.read_fields": "What was read", "receipts.store_code": "Brand store", "receipts.no_store": "(no store matched)",
		"receipts.points": "Points earned", "receipts.crediting": "Points being credited", "receipts.decided_by": "Decided by",
		"receipts.decided_by_system": "The receipt rules, automatically", "receipts.decided_by_user": "An admin", "receipts.decided_by_api_key": "A partner system",
		"receipts.decided_at": "Decided", "receipts.reason": "Reason", "receipts.note": "Note",
		"receipts.approve": "Approve and credit points", "receipts.approve_help": "Correct the amount, time, store or number first where they were misread.",
		"receipts.reject": "Reject", "receipts.reject_help": "The customer sees the reason and the note.",
		"receipts.amount_yuan": "Amount (yuan)", "receipts.approve_note": "Note (kept in the audit log)", "receipts.reject_note": "Note to the customer",
		"receipts.flag_unreadable": "No amount, date or number read", "receipts.flag_duplicate_image": "This photo was uploaded before",
		"receipts.flag_duplicate_number": "This number was approved before", "receipts.flag_stale": "Older than the rules allow",
		"receipts.flag_future": "Dated after today", "receipts.flag_unknown_store": "Not one of the brand's stores",
		"receipts.flag_below_minimum": "Below the minimum amount", "receipts.flag_above_maximum": "Above the maximum amount",
		"receipts.flag_above_auto_approve": "Above what is approved automatically", "receipts.flag_manual_review": "The brand reviews every receipt",
		"receipts.flag_ocr_failed": "The photo could not be read", "receipts.no_flags": "Every check passed",
		"receipts.reason_duplicate": "Duplicate receipt", "receipts.reason_unreadable": "Photo not readable", "receipts.reason_not_a_receipt": "Not a receipt",
		"receipts.reason_stale": "Receipt too old", "receipts.reason_unknown_store": "Not one of our stores", "receipts.reason_amount": "Amount outside the rules",
		"receipts.reason_other": "Other",
		"receipts.bad_amount":   "Enter an amount above 0 yuan.", "receipts.bad_amount_fen": "Enter the amount: none was read from the photo.",
		"receipts.bad_date": "Enter the date and time of the purchase.", "receipts.bad_store_code": "Choose one of the stores of the receipt rules.",
		"receipts.bad_number": "Letters, digits and dashes only, at most 40.", "receipts.bad_note": "At most 500 characters.",
		"receipts.bad_reason": "Choose a reason.", "receipts.decided": "This receipt was decided already.",
		"receipts.number_approved": "This store's receipt number was approved on another receipt.",
	},
}

// The receipts pages' strings are the module's too.
func init() {
	for lang, m := range receiptMessages {
		for k, v := range m {
			messages[lang][k] = v
		}
	}
}
