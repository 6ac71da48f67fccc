package pointsui

import (
	"maps"

	"github.com/engagehq/engage/adapters/console"
)

// customReportMessages are the strings of the custom report builder and the scheduled exports.
var customReportMessages = console.Messages{
	"zh-CN": {
		"points.report_summary": "汇总", "points.report_custom": "自定义报表", "points.report_schedules": "定时导出",
		"points.custom_intro":      "选择统计维度和指标，按品牌时区统计积分流水；结果可导出为 CSV 或 Excel。",
		"points.custom_dimensions": "按…分组", "points.custom_measures": "统计指标", "points.custom_kinds": "只统计这些类型",
		"points.custom_kinds_help": "都不勾选即统计全部类型。", "points.custom_run": "生成报表", "points.custom_empty": "这个时间段没有符合条件的积分流水。",
		"points.report_no_store":  "无门店",
		"points.dimension_period": "周期", "points.dimension_wallet": "账户", "points.dimension_kind": "类型", "points.dimension_reason": "原因", "points.dimension_store": "门店",
		"points.measure_points": "积分", "points.measure_pending": "待发放积分", "points.measure_entries": "笔数", "points.measure_customers": "会员数",
		"points.bad_report_measures": "请至少选择一个统计指标。", "points.bad_report_dimensions": "请选择分组维度。", "points.bad_report_kinds": "请选择类型。",
		"points.schedules_intro": "每个周期结束后（按品牌时区），自动生成报表、保存并通过品牌的邮件服务器发送给收件人。",
		"points.schedule_name":   "名称", "points.schedule_report": "报表", "points.schedule_frequency": "频率", "points.schedule_format": "格式",
		"points.schedule_recipients": "收件人", "points.schedule_next": "下一次导出的周期", "points.schedule_delete": "删除",
		"points.schedules_none": "还没有定时导出。", "points.schedule_new": "新建定时导出", "points.schedule_lang": "报表语言",
		"points.schedule_lang_zh-CN": "中文", "points.schedule_lang_en": "英文",
		"points.schedule_frequency_help": "每日导出前一天，每周导出上一周（周一至周日），每月导出上个月。",
		"points.schedule_kind_summary":   "积分汇总", "points.schedule_kind_custom": "自定义报表",
		"points.schedule_custom_help": "分组维度和统计指标只用于自定义报表。", "points.schedule_recipients_help": "邮箱地址，每行一个或用逗号分隔，最多 20 个。",
		"points.schedule_create": "创建", "points.schedule_deleted": "定时导出已删除。",
		"points.frequency_day": "每日", "points.frequency_week": "每周", "points.frequency_month": "每月",
		"points.format_csv": "CSV", "points.format_xlsx": "Excel（XLSX）",
		"points.bad_schedule_name": "请填写名称（最多 100 个字符）。", "points.bad_schedule_frequency": "请选择频率。",
		"points.bad_schedule_format": "请选择格式。", "points.bad_schedule_recipients": "请填写有效的邮箱地址，最多 20 个。",
		"points.bad_schedule_report.lang": "请选择报表语言。", "points.bad_schedule_report.granularity": "请选择统计周期。",
		"points.bad_schedule_report.kind": "请选择报表。", "points.bad_schedule_report": "自定义报表请至少选择一个统计指标。",
	},
	"en": {
		"points.report_summary": "Summary", "points.report_custom": "Custom report", "points.report_schedules": "Scheduled exports",
		"points.custom_intro":      "Choose how to group the points entries and what to count, in the brand's time zone; export the result as CSV or Excel.",
		"points.custom_dimensions": "Group by", "points.custom_measures": "Measures", "points.custom_kinds": "Only these kinds",
		"points.custom_kinds_help": "Tick none to count every kind.", "points.custom_run": "Run the report", "points.custom_empty": "No points entries match in this period.",
		"points.report_no_store":  "No store",
		"points.dimension_period": "Period", "points.dimension_wallet": "Wallet", "points.dimension_kind": "Kind", "points.dimension_reason": "Reason", "points.dimension_store": "Store",
		"points.measure_points": "Points", "points.measure_pending": "Pending points", "points.measure_entries": "Entries", "points.measure_customers": "Customers",
		"points.bad_report_measures": "Choose at least one measure.", "points.bad_report_dimensions": "Choose how to group.", "points.bad_report_kinds": "Choose kinds.",
		"points.schedules_intro": "Once each period ends (in the brand's time zone) the report is made, kept and mailed to the recipients through the brand's mail server.",
		"points.schedule_name":   "Name", "points.schedule_report": "Report", "points.schedule_frequency": "Frequency", "points.schedule_format": "Format",
		"points.schedule_recipients": "Recipients", "points.schedule_next": "Next period exported", "points.schedule_delete": "Delete",
		"points.schedules_none": "No exports are scheduled.", "points.schedule_new": "New scheduled export", "points.schedule_lang": "Report language",
		"points.schedule_lang_zh-CN": "Chinese", "points.schedule_lang_en": "English",
		"points.schedule_frequency_help": "Daily exports the day before, weekly the week before (Monday to Sunday), monthly the month before.",
		"points.schedule_kind_summary":   "Points summary", "points.schedule_kind_custom": "Custom report",
		"points.schedule_custom_help": "Grouping and measures apply to a custom report only.", "points.schedule_recipients_help": "Email addresses, one a line or separated by commas, at most 20.",
		"points.schedule_create": "Create", "points.schedule_deleted": "The scheduled export was deleted.",
		"points.frequency_day": "Daily", "points.frequency_week": "Weekly", "points.frequency_month": "Monthly",
		"points.format_csv": "CSV", "points.format_xlsx": "Excel (XLSX)",
		"points.bad_schedule_name": "Give a name (at most 100 characters).", "points.bad_schedule_frequency": "Choose a frequency.",
		"points.bad_schedule_format": "Choose a format.", "points.bad_schedule_recipients": "Give valid email addresses, at most 20.",
		"points.bad_schedule_report.lang": "Choose the report's language.", "points.bad_schedule_report.granularity": "Choose days, weeks or months.",
		"points.bad_schedule_report.kind": "Choose a report.", "points.bad_schedule_report": "Choose at least one measure for a custom report.",
	},
}

func init() {
	for lang, m := range customReportMessages {
		maps.Copy(messages[lang], m)
	}
}
