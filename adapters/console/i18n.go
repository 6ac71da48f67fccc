package console

import (
	"net/http"
	"strings"
)

// defaultLang is the console's language when the admin has not chosen one: brands are in China.
const defaultLang = "zh-CN"

// language is the admin's chosen language (cookie), else the browser's first supported one.
func language(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil {
		if _, ok := messages[c.Value]; ok {
			return c.Value
		}
	}
	for part := range strings.SplitSeq(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return "zh-CN"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return defaultLang
}

// tr translates key; a missing key shows itself, and a test keeps every key in both languages.
func tr(lang, key string) string {
	if m, ok := messages[lang][key]; ok {
		return m
	}
	return key
}

// messages are every string the console shows, in Simplified Chinese and English.
var messages = map[string]map[string]string{
	"zh-CN": {
		"nav.menu": "菜单", "nav.dashboard": "概览", "nav.team": "团队", "nav.api_keys": "API 密钥", "nav.audit": "审计日志",
		"nav.brand": "品牌资料", "nav.roles": "角色与权限", "nav.channels": "渠道设置", "nav.customers": "会员",
		"customers.search": "搜索", "customers.search_hint": "姓名、手机号或邮箱", "customers.city": "城市", "customers.name": "姓名",
		"customers.phone": "手机号", "customers.email": "邮箱", "customers.since": "注册时间", "customers.empty": "没有符合条件的会员。",
		"customers.new": "新增会员", "customers.create": "创建", "customers.birth_date": "生日", "customers.preferred_store": "常去门店",
		"customers.gender": "性别", "customers.gender_unknown": "未知", "customers.gender_female": "女", "customers.gender_male": "男",
		"customers.gender_other": "其他", "customers.profile": "资料", "customers.consents": "授权", "customers.attributes": "自定义属性",
		"customers.edit": "编辑资料", "customers.saved": "资料已保存。", "customers.phone_taken": "该手机号已属于另一位会员。",
		"customers.external_id_taken": "该外部编号已被使用。", "customers.bad_name": "姓名最多 100 个字符。",
		"customers.bad_phone": "请输入大陆手机号（11 位）或带国家码的国际号码。", "customers.bad_email": "请输入有效的邮箱地址。",
		"customers.bad_gender": "请选择性别。", "customers.bad_birth_date": "生日须在 1900 年到今天之间。",
		"customers.bad_avatar_url": "头像须为 https 地址。", "customers.bad_address": "邮编为 6 位数字。", "customers.bad_language": "语言须为 zh-CN 或 en。",
		"customers.bad_consents": "未知的授权项。", "customers.bad_attributes": "自定义属性不符合定义。",
		"channels.wechat_official_account": "微信公众号", "channels.wechat_mini_program": "微信小程序", "channels.sms": "短信",
		"channels.smtp": "邮件（SMTP）", "channels.provider": "服务商", "channels.aliyun": "阿里云短信", "channels.tencent": "腾讯云短信",
		"channels.sign_name": "短信签名", "channels.region": "地域", "channels.host": "服务器", "channels.port": "端口",
		"channels.username": "用户名", "channels.password": "密码", "channels.from": "发件人", "channels.keep_secret": "留空则保持不变",
		"channels.test": "测试连接", "channels.test_ok": "连接成功。", "channels.test_refused": "服务商拒绝：",
		"channels.test_incomplete": "请先保存完整的设置和密钥。", "channels.test_unreachable": "无法连接：", "channels.saved": "已保存。",
		"channels.bad_app_id": "AppID 为 wx 加 16 位十六进制字符。", "channels.bad_secret": "密钥长度须为 1–4096 字节。",
		"channels.bad_provider": "请选择服务商。", "channels.bad_access_key_id": "AccessKey ID 为 8–64 位字母或数字。",
		"channels.bad_sign_name": "签名为 2–12 个字符。", "channels.bad_region": "地域格式如 cn-hangzhou。",
		"channels.bad_sdk_app_id": "腾讯云短信需填写 SdkAppId（6–12 位数字）。", "channels.bad_host": "不是有效的服务器地址。",
		"channels.bad_port": "端口为 1–65535。", "channels.bad_from": "不是有效的邮箱地址。", "channels.bad_tls": "请选择 TLS 方式。",
		"platform.title": "平台运营", "platform.jobs": "后台任务", "platform.brands": "品牌", "platform.onboard": "开通品牌",
		"platform.slug": "标识", "platform.create": "开通", "platform.created": "品牌已开通。", "platform.suspend": "停用",
		"platform.reinstate": "恢复", "platform.suspended": "品牌已停用。", "platform.reinstated": "品牌已恢复。",
		"platform.confirm_suspend": "停用后该品牌的所有请求将被拒绝（数据保留）。继续？", "platform.slug_taken": "该标识已被占用。",
		"platform.bad_slug": "标识为 3–40 个小写字母、数字或连字符，以字母开头。", "platform.bad_name": "名称须为 1–200 个字符。",
		"platform.bad_timezone": "未知的时区。", "platform.bad_locale": "语言须为 zh-CN 或 en。", "platform.bad_plan": "未知套餐。",
		"platform.status_active": "正常", "platform.status_suspended": "已停用",
		"roles.builtin": "内置", "roles.define": "自定义角色", "roles.description": "说明", "roles.permissions": "权限",
		"roles.saved": "角色已保存。", "roles.deleted": "角色已删除。", "roles.delete": "删除", "roles.confirm_delete": "删除该角色？持有它的成员将失去其权限。",
		"roles.bad_name": "角色名为 2–40 个小写字母、数字或下划线，且不能与内置角色同名。", "roles.bad_permissions": "包含未知权限。", "nav.switch": "切换品牌", "nav.logout": "退出登录",
		"login.title": "登录", "login.local_help": "开发环境：用下面的命令获取一次性登录链接（15 分钟内有效，仅可使用一次）。",
		"login.disabled": "请通过品牌的身份服务登录。", "login.invalid_link": "登录链接无效、已过期或已被使用。",
		"dashboard.members": "团队成员", "dashboard.keys": "有效 API 密钥", "dashboard.changes_week": "近 7 天变更",
		"dashboard.plan": "套餐", "dashboard.activity": "近 14 天变更", "dashboard.changes": "变更",
		"form.name": "名称", "form.role": "角色", "form.roles": "角色", "form.email": "邮箱", "form.save": "保存",
		"form.name_length": "名称须为 1–100 个字符。", "form.already_submitted": "该表单已提交过，未重复执行。",
		"keys.create": "创建密钥", "keys.created": "密钥已创建。", "keys.secret_title": "新密钥",
		"keys.secret_once": "请立即复制并妥善保存：关闭后将无法再次查看。", "keys.prefix": "前缀", "keys.status": "状态",
		"keys.created_at": "创建时间", "keys.last_used": "最近使用", "keys.rotate": "轮换", "keys.revoke": "吊销",
		"keys.confirm_rotate": "轮换后旧密钥将在 24 小时后失效。继续？", "keys.confirm_revoke": "吊销后该密钥立即失效，且不可恢复。继续？",
		"keys.revoked": "密钥已吊销。", "keys.rotated": "已生成新密钥，旧密钥 24 小时后失效。", "keys.empty": "还没有 API 密钥。",
		"keys.bad_role": "未知角色。", "keys.not_live": "该密钥已吊销或过期。",
		"keys.status_active": "有效", "keys.status_rotating": "轮换中", "keys.status_revoked": "已吊销", "keys.status_expired": "已过期",
		"team.invite": "邀请成员", "team.send_invite": "发送邀请", "team.members": "成员", "team.invitations": "邀请",
		"team.since": "加入时间", "team.expires": "过期时间", "team.set_role": "设为该角色", "team.remove": "移除",
		"team.revoke": "撤回", "team.confirm_remove": "确定移除该成员？", "team.confirm_revoke": "确定撤回该邀请？",
		"team.invited": "邀请已发送。", "team.roles_changed": "角色已更新。", "team.removed": "成员已移除。",
		"team.invitation_revoked": "邀请已撤回。", "team.invitation_closed": "该邀请已被接受、撤回或过期。",
		"team.accepted": "已接受", "team.revoked": "已撤回", "team.no_invitations": "没有邀请。",
		"team.bad_email": "请输入有效的邮箱地址。", "team.pick_role": "请至少选择一个角色。", "team.last_owner": "品牌至少需要一位所有者。",
		"audit.action": "操作", "audit.target_type": "对象类型", "audit.actor": "操作人", "audit.from": "起始日期",
		"audit.to": "截止日期", "audit.filter": "筛选", "audit.export": "导出 CSV", "audit.time": "时间", "audit.target": "对象",
		"audit.reason": "原因", "audit.request": "请求", "audit.before": "变更前", "audit.after": "变更后", "audit.changes": "差异",
		"audit.empty": "没有符合条件的记录。", "list.next": "下一页",
		"brand.name": "品牌名称", "brand.timezone": "时区", "brand.locale": "默认语言", "brand.saved": "品牌资料已保存。",
		"brand.bad_name": "名称须为 1–200 个字符。", "brand.bad_timezone": "未知的时区（例如 Asia/Shanghai）。",
		"brand.bad_locale": "语言须为 zh-CN 或 en。",
		"brand.logo":       "品牌标志", "brand.no_logo": "还没有上传标志。", "brand.logo_file": "图片（PNG 或 JPEG，不超过 512 KB）",
		"brand.upload": "上传", "brand.logo_saved": "标志已更新。", "brand.bad_logo": "请上传不超过 512 KB、2048×2048 像素的 PNG 或 JPEG 图片。",
		"error.signed_out": "登录已过期，请重新登录。", "error.email_unverified": "请先验证邮箱后再登录。",
		"error.csrf": "页面已过期，请刷新后重试。", "error.no_brand": "你不是任何品牌的成员。", "error.suspended": "该品牌账号已停用。",
		"error.forbidden": "你的角色无权访问此页面。", "error.not_found": "未找到。", "error.escalation": "不能授予自己没有的权限。",
		"error.internal": "服务器出错了，请把请求编号告诉客服：",

		"nav.webhooks": "Webhooks", "webhooks.intro": "品牌系统（CRM、POS、数据平台）在事件发生时收到签名的 HTTP 推送（Standard Webhooks 规范）。", "webhooks.url": "接收地址", "webhooks.description": "说明", "webhooks.event_types": "事件类型", "webhooks.event_type": "事件类型",
		"webhooks.status": "状态", "webhooks.failures": "连续失败", "webhooks.failing_since": "失败开始于", "webhooks.created_at": "创建时间",
		"webhooks.status_active": "启用", "webhooks.status_paused": "已暂停", "webhooks.status_disabled": "已停用",
		"webhooks.pause": "暂停", "webhooks.resume": "恢复", "webhooks.paused": "已暂停：推送将保留，恢复后发送。", "webhooks.resumed": "已恢复。",
		"webhooks.new": "新增接收地址", "webhooks.create": "创建", "webhooks.created": "接收地址已创建。", "webhooks.empty": "还没有接收地址。",
		"webhooks.secret_title": "签名密钥", "webhooks.secret_once": "请立即复制并配置到接收方：关闭后将无法再次查看。",
		"webhooks.rotate": "轮换密钥", "webhooks.rotated": "已生成新密钥；旧密钥在 24 小时内仍会同时签名。",
		"webhooks.confirm_rotate": "生成新的签名密钥？旧密钥将在 24 小时后停止签名。", "webhooks.delete": "删除",
		"webhooks.confirm_delete": "删除该接收地址及其推送记录？", "webhooks.edit": "修改", "webhooks.saved": "已保存。",
		"webhooks.test": "发送测试", "webhooks.test_help": "立即向该地址发送所选类型的示例事件（已签名），并显示结果。",
		"webhooks.send_test": "发送", "webhooks.test_ok": "接收成功。", "webhooks.test_failed": "接收失败：", "webhooks.test_mark": "测试",
		"webhooks.deliveries": "推送记录（保留 30 天）", "webhooks.no_deliveries": "还没有推送。", "webhooks.time": "时间",
		"webhooks.attempts": "尝试次数", "webhooks.response": "响应", "webhooks.next_attempt": "下次重试", "webhooks.resend": "重新发送",
		"webhooks.resent": "已安排重新发送。", "webhooks.still_pending": "该推送仍在进行中。", "webhooks.request": "请求内容", "webhooks.attempt": "第",
		"webhooks.delivery_pending": "等待发送", "webhooks.delivery_held": "暂停中保留", "webhooks.delivery_succeeded": "成功", "webhooks.delivery_failed": "失败",
		"webhooks.disabled_title": "有接收地址已被停用", "webhooks.disabled_help": "修复接收方后点“恢复”重新启用；停用期间的事件不会补发。",
		"webhooks.reason_gone": "接收方返回 410 Gone", "webhooks.reason_failing": "持续推送失败",
		"webhooks.bad_url": "不是有效的地址。", "webhooks.url_scheme": "地址须为 https（非生产环境可用 http）。",
		"webhooks.url_credentials": "地址中不能包含用户名或密码。", "webhooks.url_host": "地址须指向公网主机，不能是内网或本机地址。",
		"webhooks.bad_description": "说明最多 200 个字符。", "webhooks.bad_event_types": "请选择至少一个已知的事件类型。",
		"dashboard.webhooks_disabled": "有 Webhook 接收地址因持续失败被停用，请查看。",
	},
	"en": {
		"nav.menu": "Menu", "nav.dashboard": "Dashboard", "nav.team": "Team", "nav.api_keys": "API keys", "nav.audit": "Audit log",
		"nav.brand": "Brand profile", "nav.roles": "Roles & permissions", "nav.channels": "Channels", "nav.customers": "Customers",
		"customers.search": "Search", "customers.search_hint": "Name, phone or email", "customers.city": "City", "customers.name": "Name",
		"customers.phone": "Phone", "customers.email": "Email", "customers.since": "Member since", "customers.empty": "No customers match.",
		"customers.new": "New customer", "customers.create": "Create", "customers.birth_date": "Birthday", "customers.preferred_store": "Preferred store",
		"customers.gender": "Gender", "customers.gender_unknown": "Unknown", "customers.gender_female": "Female", "customers.gender_male": "Male",
		"customers.gender_other": "Other", "customers.profile": "Profile", "customers.consents": "Consents", "customers.attributes": "Custom attributes",
		"customers.edit": "Edit profile", "customers.saved": "Profile saved.", "customers.phone_taken": "Another customer has this phone.",
		"customers.external_id_taken": "This external ID is taken.", "customers.bad_name": "Names are at most 100 characters.",
		"customers.bad_phone": "Enter a mainland mobile (11 digits) or an international number with its country code.", "customers.bad_email": "Enter a valid email address.",
		"customers.bad_gender": "Pick a gender.", "customers.bad_birth_date": "Birthdays are between 1900 and today.",
		"customers.bad_avatar_url": "Avatars are https URLs.", "customers.bad_address": "Postcodes are six digits.", "customers.bad_language": "Language must be zh-CN or en.",
		"customers.bad_consents": "Unknown consent.", "customers.bad_attributes": "A custom attribute does not match its definition.",
		"channels.wechat_official_account": "WeChat Official Account", "channels.wechat_mini_program": "WeChat Mini Program", "channels.sms": "SMS",
		"channels.smtp": "Email (SMTP)", "channels.provider": "Provider", "channels.aliyun": "Aliyun SMS", "channels.tencent": "Tencent Cloud SMS",
		"channels.sign_name": "Signature", "channels.region": "Region", "channels.host": "Server", "channels.port": "Port",
		"channels.username": "User name", "channels.password": "Password", "channels.from": "From address", "channels.keep_secret": "leave empty to keep",
		"channels.test": "Test connection", "channels.test_ok": "Connected.", "channels.test_refused": "The provider refused:",
		"channels.test_incomplete": "Save complete settings and the secret first.", "channels.test_unreachable": "Could not connect:", "channels.saved": "Saved.",
		"channels.bad_app_id": "An AppID is wx followed by 16 hexadecimal characters.", "channels.bad_secret": "Secrets are 1–4096 bytes.",
		"channels.bad_provider": "Pick a provider.", "channels.bad_access_key_id": "An AccessKey ID is 8–64 letters and digits.",
		"channels.bad_sign_name": "Signatures are 2–12 characters.", "channels.bad_region": "Regions look like cn-hangzhou.",
		"channels.bad_sdk_app_id": "Tencent Cloud SMS needs its SdkAppId (6–12 digits).", "channels.bad_host": "Not a server name.",
		"channels.bad_port": "Ports are 1–65535.", "channels.bad_from": "Not an email address.", "channels.bad_tls": "Pick a TLS mode.",
		"platform.title": "Platform", "platform.jobs": "Background jobs", "platform.brands": "Brands", "platform.onboard": "Onboard a brand",
		"platform.slug": "Slug", "platform.create": "Onboard", "platform.created": "Brand onboarded.", "platform.suspend": "Suspend",
		"platform.reinstate": "Reinstate", "platform.suspended": "Brand suspended.", "platform.reinstated": "Brand reinstated.",
		"platform.confirm_suspend": "Every request of this brand will be refused (its data stays). Continue?", "platform.slug_taken": "This slug is taken.",
		"platform.bad_slug": "Slugs are 3–40 lower-case letters, digits or hyphens, starting with a letter.", "platform.bad_name": "Names are 1–200 characters.",
		"platform.bad_timezone": "Unknown time zone.", "platform.bad_locale": "Language must be zh-CN or en.", "platform.bad_plan": "Unknown plan.",
		"platform.status_active": "Active", "platform.status_suspended": "Suspended",
		"roles.builtin": "built-in", "roles.define": "Define a role", "roles.description": "Description", "roles.permissions": "Permissions",
		"roles.saved": "Role saved.", "roles.deleted": "Role deleted.", "roles.delete": "Delete", "roles.confirm_delete": "Delete this role? Members holding it lose what it grants.",
		"roles.bad_name": "Role names are 2–40 lower-case letters, digits or underscores, and cannot be a built-in role's.", "roles.bad_permissions": "Contains an unknown permission.", "nav.switch": "Switch brand", "nav.logout": "Sign out",
		"login.title": "Sign in", "login.local_help": "Development: get a one-time sign-in link (valid 15 minutes, single use) with:",
		"login.disabled": "Sign in through your brand's identity service.", "login.invalid_link": "This sign-in link is invalid, expired or already used.",
		"dashboard.members": "Team members", "dashboard.keys": "Active API keys", "dashboard.changes_week": "Changes, last 7 days",
		"dashboard.plan": "Plan", "dashboard.activity": "Changes, last 14 days", "dashboard.changes": "Changes",
		"form.name": "Name", "form.role": "Role", "form.roles": "Roles", "form.email": "Email", "form.save": "Save",
		"form.name_length": "Names are 1–100 characters.", "form.already_submitted": "This form was already submitted; nothing was done twice.",
		"keys.create": "Create key", "keys.created": "Key created.", "keys.secret_title": "Your new key",
		"keys.secret_once": "Copy it now and keep it safe: it will not be shown again.", "keys.prefix": "Prefix", "keys.status": "Status",
		"keys.created_at": "Created", "keys.last_used": "Last used", "keys.rotate": "Rotate", "keys.revoke": "Revoke",
		"keys.confirm_rotate": "The old key will stop working in 24 hours. Continue?", "keys.confirm_revoke": "The key stops working at once and cannot be restored. Continue?",
		"keys.revoked": "Key revoked.", "keys.rotated": "New key issued; the old one stops in 24 hours.", "keys.empty": "No API keys yet.",
		"keys.bad_role": "Unknown role.", "keys.not_live": "This key is revoked or expired.",
		"keys.status_active": "Active", "keys.status_rotating": "Rotating", "keys.status_revoked": "Revoked", "keys.status_expired": "Expired",
		"team.invite": "Invite a teammate", "team.send_invite": "Send invitation", "team.members": "Members", "team.invitations": "Invitations",
		"team.since": "Member since", "team.expires": "Expires", "team.set_role": "Set role", "team.remove": "Remove",
		"team.revoke": "Revoke", "team.confirm_remove": "Remove this member?", "team.confirm_revoke": "Revoke this invitation?",
		"team.invited": "Invitation sent.", "team.roles_changed": "Roles updated.", "team.removed": "Member removed.",
		"team.invitation_revoked": "Invitation revoked.", "team.invitation_closed": "The invitation was already accepted, revoked or expired.",
		"team.accepted": "Accepted", "team.revoked": "Revoked", "team.no_invitations": "No invitations.",
		"team.bad_email": "Enter a valid email address.", "team.pick_role": "Pick at least one role.", "team.last_owner": "A brand keeps at least one owner.",
		"audit.action": "Action", "audit.target_type": "Target type", "audit.actor": "Actor", "audit.from": "From",
		"audit.to": "To", "audit.filter": "Filter", "audit.export": "Export CSV", "audit.time": "Time", "audit.target": "Target",
		"audit.reason": "Reason", "audit.request": "Request", "audit.before": "Before", "audit.after": "After", "audit.changes": "Changes",
		"audit.empty": "No records match.", "list.next": "Next page",
		"brand.name": "Brand name", "brand.timezone": "Time zone", "brand.locale": "Default language", "brand.saved": "Brand profile saved.",
		"brand.bad_name": "Names are 1–200 characters.", "brand.bad_timezone": "Unknown time zone (for example Asia/Shanghai).",
		"brand.bad_locale": "Language must be zh-CN or en.",
		"brand.logo":       "Logo", "brand.no_logo": "No logo yet.", "brand.logo_file": "Image (PNG or JPEG, up to 512 KB)",
		"brand.upload": "Upload", "brand.logo_saved": "Logo updated.", "brand.bad_logo": "Upload a PNG or JPEG of at most 512 KB and 2048×2048 pixels.",
		"error.signed_out": "Your session has ended; sign in again.", "error.email_unverified": "Verify your email address, then sign in again.",
		"error.csrf": "This page is stale; reload it and try again.", "error.no_brand": "You are not a member of any brand.", "error.suspended": "This brand's account is suspended.",
		"error.forbidden": "Your role does not allow this page.", "error.not_found": "Not found.", "error.escalation": "You cannot grant permissions you do not hold.",
		"error.internal": "Something went wrong on our side; quote this request ID to support:",

		"nav.webhooks": "Webhooks", "webhooks.intro": "Your systems (CRM, POS, data platform) get a signed HTTP POST when something happens (Standard Webhooks).", "webhooks.url": "Endpoint URL", "webhooks.description": "Description", "webhooks.event_types": "Event types", "webhooks.event_type": "Event type",
		"webhooks.status": "Status", "webhooks.failures": "Failures in a row", "webhooks.failing_since": "failing since", "webhooks.created_at": "Created",
		"webhooks.status_active": "Active", "webhooks.status_paused": "Paused", "webhooks.status_disabled": "Disabled",
		"webhooks.pause": "Pause", "webhooks.resume": "Resume", "webhooks.paused": "Paused: deliveries are held until you resume.", "webhooks.resumed": "Resumed.",
		"webhooks.new": "Add an endpoint", "webhooks.create": "Create", "webhooks.created": "Endpoint created.", "webhooks.empty": "No endpoints yet.",
		"webhooks.secret_title": "Signing secret", "webhooks.secret_once": "Copy it into your receiver now: it will not be shown again.",
		"webhooks.rotate": "Rotate secret", "webhooks.rotated": "New secret issued; the old one keeps signing alongside it for 24 hours.",
		"webhooks.confirm_rotate": "Issue a new signing secret? The old one stops signing in 24 hours.", "webhooks.delete": "Delete",
		"webhooks.confirm_delete": "Delete this endpoint and its delivery log?", "webhooks.edit": "Edit", "webhooks.saved": "Saved.",
		"webhooks.test": "Send a test", "webhooks.test_help": "Sends a signed sample event of the chosen type to this endpoint now and shows the result.",
		"webhooks.send_test": "Send", "webhooks.test_ok": "Accepted.", "webhooks.test_failed": "Failed:", "webhooks.test_mark": "test",
		"webhooks.deliveries": "Deliveries (kept 30 days)", "webhooks.no_deliveries": "No deliveries yet.", "webhooks.time": "Time",
		"webhooks.attempts": "Attempts", "webhooks.response": "Response", "webhooks.next_attempt": "next attempt", "webhooks.resend": "Resend",
		"webhooks.resent": "Resend scheduled.", "webhooks.still_pending": "This delivery is still in progress.", "webhooks.request": "Request", "webhooks.attempt": "Attempt",
		"webhooks.delivery_pending": "Pending", "webhooks.delivery_held": "Held (paused)", "webhooks.delivery_succeeded": "Succeeded", "webhooks.delivery_failed": "Failed",
		"webhooks.disabled_title": "An endpoint was disabled", "webhooks.disabled_help": "Fix the receiver, then resume it; events from while it was disabled are not sent.",
		"webhooks.reason_gone": "the receiver answered 410 Gone", "webhooks.reason_failing": "deliveries kept failing",
		"webhooks.bad_url": "Not a valid URL.", "webhooks.url_scheme": "The URL must be https (http outside production).",
		"webhooks.url_credentials": "The URL must not carry a user name or password.", "webhooks.url_host": "The URL must name a public host, not an internal or local address.",
		"webhooks.bad_description": "Descriptions are at most 200 characters.", "webhooks.bad_event_types": "Choose at least one known event type.",
		"dashboard.webhooks_disabled": "A webhook endpoint was disabled after failing; have a look.",
	},
}
