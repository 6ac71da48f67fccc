package pointsui

// reportMessages are the strings of the approvals queue and the reports page, merged into the
// module's messages.
var reportMessages = map[string]map[string]string{
	"zh-CN": {
		"nav.points_approvals": "积分调整审批", "nav.points_reports": "积分报表",
		"points.approvals_intro": "超过以下数量的手动调整需要另一位管理员批准后才生效：", "points.approvals_off": "本品牌未设置审批阈值，手动调整立即生效。",
		"points.approvals_pending": "待审批", "points.approvals_decided": "最近处理", "points.approvals_none": "没有待审批的调整。",
		"points.approvals_none_decided": "还没有处理过的调整。", "points.requested_at": "提交时间", "points.requested_by": "提交人",
		"points.decided_at": "处理时间", "points.decided_by": "处理人", "points.decision": "审批", "points.status": "状态",
		"points.decision_note": "备注（选填）", "points.approve": "批准", "points.reject": "驳回",
		"points.request_own_waiting": "您提交的调整，等待其他管理员审批", "points.request_needs_approver": "需有审批权限的管理员处理",
		"points.status_pending": "待审批", "points.status_approved": "已批准", "points.status_rejected": "已驳回",
		"points.request_approved": "已批准，积分已调整。", "points.request_rejected": "已驳回，积分未变动。",
		"points.request_decided": "该调整已被处理过。", "points.request_own": "不能审批自己提交的调整，请由其他管理员处理。",
		"points.request_insufficient": "会员当前积分不足以扣减，无法批准；可驳回该调整。",
		"points.adjust_pending":       "调整已提交审批：超过阈值的调整需另一位管理员批准后生效。",
		"points.reason_complaint":     "客诉处理",
		"points.reports_intro":        "按品牌时区统计积分的发放、兑换、过期与未兑换积分（负债）。", "points.report_value": "每 100 积分价值",
		"points.report_from": "开始日期", "points.report_to": "结束日期", "points.report_granularity": "统计周期",
		"points.granularity_day": "按日", "points.granularity_week": "按周", "points.granularity_month": "按月",
		"points.report_period": "周期", "points.report_issued": "发放", "points.report_redeemed": "兑换", "points.report_returned": "退回",
		"points.report_taken_back": "扣回", "points.report_expired": "过期", "points.report_adjusted": "调整",
		"points.report_outstanding": "未兑换积分", "points.report_liability": "积分负债", "points.report_chart": "积分走势",
		"points.export_csv": "导出 CSV", "points.export_xlsx": "导出 Excel",
		"points.bad_report_date": "请选择日期。", "points.bad_report_to": "结束日期须不早于开始日期，且跨度不超过三年。",
		"points.bad_report_granularity": "请选择统计周期。", "points.bad_report_wallet": "请选择钱包。",
	},
	"en": {
		"nav.points_approvals": "Adjustment approvals", "nav.points_reports": "Points reports",
		"points.approvals_intro": "A manual adjustment of more points than this waits for another admin's approval:", "points.approvals_off": "This brand set no approval threshold: manual adjustments apply at once.",
		"points.approvals_pending": "Waiting for approval", "points.approvals_decided": "Recently decided", "points.approvals_none": "No adjustment is waiting.",
		"points.approvals_none_decided": "No adjustment was decided yet.", "points.requested_at": "Requested", "points.requested_by": "Requested by",
		"points.decided_at": "Decided", "points.decided_by": "Decided by", "points.decision": "Decision", "points.status": "Status",
		"points.decision_note": "Note (optional)", "points.approve": "Approve", "points.reject": "Reject",
		"points.request_own_waiting": "Your request: another admin decides", "points.request_needs_approver": "An admin who may approve decides",
		"points.status_pending": "Waiting", "points.status_approved": "Approved", "points.status_rejected": "Rejected",
		"points.request_approved": "Approved: the points were adjusted.", "points.request_rejected": "Rejected: no points changed.",
		"points.request_decided": "This adjustment was already decided.", "points.request_own": "You cannot decide on your own request: another admin does.",
		"points.request_insufficient": "The customer no longer has that many points to deduct; reject the request instead.",
		"points.adjust_pending":       "Sent for approval: an adjustment above the threshold applies once another admin approves it.",
		"points.reason_complaint":     "complaint",
		"points.reports_intro":        "Points issued, redeemed and expired, and the points outstanding (the liability), in the brand's time zone.", "points.report_value": "100 points are worth",
		"points.report_from": "From", "points.report_to": "To", "points.report_granularity": "By",
		"points.granularity_day": "Day", "points.granularity_week": "Week", "points.granularity_month": "Month",
		"points.report_period": "Period", "points.report_issued": "Issued", "points.report_redeemed": "Redeemed", "points.report_returned": "Returned",
		"points.report_taken_back": "Taken back", "points.report_expired": "Expired", "points.report_adjusted": "Adjusted",
		"points.report_outstanding": "Outstanding points", "points.report_liability": "Liability", "points.report_chart": "Points over time",
		"points.export_csv": "Export CSV", "points.export_xlsx": "Export Excel",
		"points.bad_report_date": "Choose a date.", "points.bad_report_to": "The end is on or after the start, at most three years later.",
		"points.bad_report_granularity": "Choose days, weeks or months.", "points.bad_report_wallet": "Choose a wallet.",
	},
}

func init() {
	for lang, m := range reportMessages {
		for k, v := range m {
			messages[lang][k] = v
		}
	}
}
