package console

import (
	"net/http"
	"strings"

	"github.com/engagehq/engage/domain/fielderr"
)

// Messages are strings by language, then key.
type Messages map[string]map[string]string

// T is key's message in lang: m's own, else the console's (errors, form words); a missing key
// shows itself, and a test keeps every key in both languages.
func (m Messages) T(lang, key string) string {
	if s, ok := m[lang][key]; ok {
		return s
	}
	if s, ok := messages[lang][key]; ok {
		return s
	}
	return key
}

// TOr is key's message in lang, or fallback's when no message has key: for keys made from a
// code (a provider's problem, a field's name) that a new code may outrun, so that the page
// says something in the admin's language rather than the key.
func (m Messages) TOr(lang, key, fallback string) string {
	if s := m.T(lang, key); s != key {
		return s
	}
	return m.T(lang, fallback)
}

// FieldErrors puts a message in lang into form for every field error of err (fielderr.All),
// under the input the error names, keyed prefix and the field's first part ("customers.bad_" +
// "address" for "address.postcode"), or the console's "this value is not valid" for a field
// the module has no message for. It reports whether err named any field.
func (m Messages) FieldErrors(lang string, err error, prefix string, form map[string]string) bool {
	fes := fielderr.All(err)
	for _, fe := range fes {
		first, _, _ := strings.Cut(fe.Field, ".")
		first, _, _ = strings.Cut(first, "[")
		form[fe.Field] = m.TOr(lang, prefix+first, "form.invalid")
	}
	return len(fes) > 0
}

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

// messages are the console's own strings, in Simplified Chinese and English: the frame, sign-in,
// errors and the words forms share. Modules bring the rest.
var messages = Messages{
	"zh-CN": {
		"nav.menu": "菜单", "nav.dashboard": "概览",
		"nav.switch": "切换品牌", "nav.logout": "退出登录",
		"login.title": "登录", "login.local_help": "开发环境：用下面的命令获取一次性登录链接（15 分钟内有效，仅可使用一次）。",
		"login.disabled": "请通过品牌的身份服务登录。", "login.invalid_link": "登录链接无效、已过期或已被使用。",
		"form.name": "名称", "form.email": "邮箱", "form.save": "保存", "form.invalid": "此项的值无效。",
		"form.name_length": "名称须为 1–100 个字符，不能包含改变文字方向的字符。", "form.already_submitted": "该表单已提交过，未重复执行。",
		"list.filter": "筛选", "list.sep": "、",
		"value.yes": "是", "value.no": "否", "value.colon": "：", "value.field_sep": "；",
		"list.next":        "下一页",
		"error.signed_out": "登录已过期，请重新登录。", "error.email_unverified": "请先验证邮箱后再登录。",
		"error.csrf": "页面已过期，请刷新后重试。", "error.no_brand": "你不是任何品牌的成员。", "error.suspended": "该品牌账号已停用。",
		"error.forbidden": "你的角色无权访问此页面。", "error.not_found": "你要找的页面不存在，可能已被删除，或链接有误。",
		"error.internal":   "服务器出错了，请稍后再试。如果问题一直存在，请把下面的请求编号告诉客服。",
		"auth.login.title": "登录", "auth.registration.title": "创建账号", "auth.recovery.title": "找回账号",
		"auth.verification.title": "验证邮箱", "auth.settings.title": "账号设置", "auth.error.title": "登录遇到问题",
		"auth.again": "重新开始", "auth.forgot": "忘记密码？", "auth.register": "创建账号", "auth.back": "返回登录",
		"auth.refused":                                     "这个页面属于另一个浏览器，或已经失效。请重新开始。",
		"auth.error.security_csrf_violation":               "请求被拒绝：表单不是来自这个浏览器的登录页面。请重新开始。",
		"auth.error.self_service_flow_expired":             "页面已过期，请重新开始。",
		"auth.error.session_inactive":                      "你还没有登录，或登录已经结束。",
		"auth.error.self_service_flow_return_to_forbidden": "不允许返回到这个地址。",
		"auth.error.other":                                 "登录时出了问题，请重新开始。",
		"auth.text.1010001":                                "登录", "auth.text.1040001": "注册", "auth.text.1070001": "密码", "auth.text.1070003": "保存",
		"auth.text.1070004": "邮箱", "auth.text.1070005": "提交", "auth.text.1070007": "邮箱",
		"auth.text.1050001": "已保存你的更改。",
		"auth.text.1060003": "恢复码已发送到你填写的邮箱。如果没有收到，请检查邮箱地址是否是你注册时用的。",
		"auth.text.1080001": "验证码已发送到你填写的邮箱。如果没有收到，请检查邮箱地址是否正确。",
		"auth.text.4000006": "邮箱或密码不正确，请检查后重试。",
		"auth.text.4010001": "登录页面已过期，请重试。",
		"auth.title.email":  "邮箱", "auth.title.name": "姓名",
		"zones.Asia/Shanghai": "中国大陆（北京时间）", "zones.Asia/Hong_Kong": "中国香港", "zones.Asia/Macau": "中国澳门",
		"zones.Asia/Taipei": "中国台湾（台北）", "zones.Asia/Urumqi": "乌鲁木齐（新疆时间）", "zones.Asia/Singapore": "新加坡",
		"zones.Asia/Kuala_Lumpur": "吉隆坡", "zones.Asia/Bangkok": "曼谷", "zones.Asia/Tokyo": "东京", "zones.Asia/Seoul": "首尔",
		"zones.Asia/Dubai": "迪拜", "zones.Europe/London": "伦敦", "zones.Europe/Paris": "巴黎",
		"zones.America/New_York": "纽约（美国东部）", "zones.America/Los_Angeles": "洛杉矶（美国西部）",
		"zones.Australia/Sydney": "悉尼", "zones.UTC": "协调世界时（UTC）",
		"invite.title": "接受邀请", "invite.lead": "邀请你加入 Engage 管理后台", "invite.email": "受邀邮箱", "invite.roles": "角色",
		"invite.expires": "有效期至", "invite.accept": "接受邀请并进入控制台",
		"invite.other_email":     "这份邀请是发给另一个邮箱的。请用受邀邮箱登录后再打开链接。当前登录：",
		"invite.closed_invalid":  "邀请链接无效：请检查链接是否完整复制。",
		"invite.closed_replaced": "这个邀请链接已失效：同一邮箱收到了更新的邀请，请使用最新的链接。",
		"invite.closed_revoked":  "这份邀请已被撤销，请联系邀请你的管理员。",
		"invite.closed_expired":  "这份邀请已过期，请联系邀请你的管理员重新邀请。",
		"invite.closed_accepted": "这份邀请已被接受。请直接登录。",
		"platform.title":         "平台运营", "platform.jobs": "后台任务",
		"nav.home": "返回首页", "error.title_404": "页面不存在", "error.title_500": "服务器出错了", "error.title": "出错了",
		"error.request_id": "请求编号",
	},
	"en": {
		"nav.menu": "Menu", "nav.dashboard": "Dashboard",
		"nav.switch": "Switch brand", "nav.logout": "Sign out",
		"login.title": "Sign in", "login.local_help": "Development: get a one-time sign-in link (valid 15 minutes, single use) with:",
		"login.disabled": "Sign in through your brand's identity service.", "login.invalid_link": "This sign-in link is invalid, expired or already used.",
		"form.name": "Name", "form.email": "Email", "form.save": "Save", "form.invalid": "This value is not valid.",
		"form.name_length": "Names are 1–100 characters, without characters that change the direction of text.", "form.already_submitted": "This form was already submitted; nothing was done twice.",
		"list.filter": "Filter", "list.sep": ", ",
		"value.yes": "Yes", "value.no": "No", "value.colon": ": ", "value.field_sep": "; ",
		"list.next":        "Next page",
		"error.signed_out": "Your session has ended; sign in again.", "error.email_unverified": "Verify your email address, then sign in again.",
		"error.csrf": "This page is stale; reload it and try again.", "error.no_brand": "You are not a member of any brand.", "error.suspended": "This brand's account is suspended.",
		"error.forbidden": "Your role does not allow this page.", "error.not_found": "The page you are looking for does not exist: it may have been deleted, or the link is wrong.",
		"error.internal":   "Something went wrong on our side. Try again in a moment; if it keeps happening, quote the request ID below to support.",
		"auth.login.title": "Sign in", "auth.registration.title": "Create your account", "auth.recovery.title": "Recover your account",
		"auth.verification.title": "Verify your email address", "auth.settings.title": "Account settings", "auth.error.title": "Sign-in problem",
		"auth.again": "Start again", "auth.forgot": "Forgot your password?", "auth.register": "Create an account", "auth.back": "Back to sign in",
		"auth.refused":                                     "This page belongs to another browser or is no longer valid. Start again.",
		"auth.error.security_csrf_violation":               "The request was refused: the form did not come from this browser's sign-in page. Start again.",
		"auth.error.self_service_flow_expired":             "This page has expired. Start again.",
		"auth.error.session_inactive":                      "You are not signed in, or your session has ended.",
		"auth.error.self_service_flow_return_to_forbidden": "Returning to that address is not allowed.",
		"auth.error.other":                                 "Something went wrong while signing in. Start again.",
		"auth.text.1010001":                                "Sign in", "auth.text.1040001": "Sign up", "auth.text.1070001": "Password", "auth.text.1070003": "Save",
		"auth.text.1070004": "Email", "auth.text.1070005": "Submit", "auth.text.1070007": "Email",
		"auth.text.1050001": "Your changes have been saved.",
		"auth.text.1060003": "A recovery code has been sent to the email address you gave. If it does not arrive, check that it is the address you signed up with.",
		"auth.text.1080001": "A verification code has been sent to the email address you gave. If it does not arrive, check the address.",
		"auth.text.4000006": "The email address or password is wrong; check them and try again.",
		"auth.text.4010001": "The sign-in page expired; try again.",
		"auth.title.email":  "Email", "auth.title.name": "Name",
		"zones.Asia/Shanghai": "Mainland China (Beijing time)", "zones.Asia/Hong_Kong": "Hong Kong", "zones.Asia/Macau": "Macau",
		"zones.Asia/Taipei": "Taiwan (Taipei)", "zones.Asia/Urumqi": "Ürümqi (Xinjiang time)", "zones.Asia/Singapore": "Singapore",
		"zones.Asia/Kuala_Lumpur": "Kuala Lumpur", "zones.Asia/Bangkok": "Bangkok", "zones.Asia/Tokyo": "Tokyo", "zones.Asia/Seoul": "Seoul",
		"zones.Asia/Dubai": "Dubai", "zones.Europe/London": "London", "zones.Europe/Paris": "Paris",
		"zones.America/New_York": "New York (US Eastern)", "zones.America/Los_Angeles": "Los Angeles (US Pacific)",
		"zones.Australia/Sydney": "Sydney", "zones.UTC": "Coordinated Universal Time (UTC)",
		"invite.title": "Accept the invitation", "invite.lead": "invites you to its Engage console", "invite.email": "Invited email", "invite.roles": "Roles",
		"invite.expires": "Valid until", "invite.accept": "Accept and open the console",
		"invite.other_email":     "This invitation is for another email address. Sign in with the invited email, then open the link again. Signed in as:",
		"invite.closed_invalid":  "This invitation link is not valid: check that it was copied whole.",
		"invite.closed_replaced": "This invitation link no longer works: a newer invitation was sent to the same email. Use the latest link.",
		"invite.closed_revoked":  "This invitation was withdrawn. Ask the admin who invited you.",
		"invite.closed_expired":  "This invitation has expired. Ask the admin who invited you to invite you again.",
		"invite.closed_accepted": "This invitation was already accepted. Sign in instead.",
		"platform.title":         "Platform", "platform.jobs": "Background jobs",
		"nav.home": "Back to the console", "error.title_404": "Page not found", "error.title_500": "Something went wrong", "error.title": "Something went wrong",
		"error.request_id": "Request ID",
	},
}
