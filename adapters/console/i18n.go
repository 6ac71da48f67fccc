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

// FieldErrors puts a message in lang into form for every field error of err (fielderr.All),
// under the input the error names, keyed prefix and the field's first part ("customers.bad_" +
// "address" for "address.postcode"). It reports whether err named any field.
func (m Messages) FieldErrors(lang string, err error, prefix string, form map[string]string) bool {
	fes := fielderr.All(err)
	for _, fe := range fes {
		first, _, _ := strings.Cut(fe.Field, ".")
		first, _, _ = strings.Cut(first, "[")
		form[fe.Field] = m.T(lang, prefix+first)
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
		"form.name": "名称", "form.email": "邮箱", "form.save": "保存",
		"form.name_length": "名称须为 1–100 个字符，不能包含改变文字方向的字符。", "form.already_submitted": "该表单已提交过，未重复执行。",
		"list.filter":      "筛选",
		"list.next":        "下一页",
		"error.signed_out": "登录已过期，请重新登录。", "error.email_unverified": "请先验证邮箱后再登录。",
		"error.csrf": "页面已过期，请刷新后重试。", "error.no_brand": "你不是任何品牌的成员。", "error.suspended": "该品牌账号已停用。",
		"error.forbidden": "你的角色无权访问此页面。", "error.not_found": "未找到。",
		"error.internal": "服务器出错了，请把请求编号告诉客服：",
	},
	"en": {
		"nav.menu": "Menu", "nav.dashboard": "Dashboard",
		"nav.switch": "Switch brand", "nav.logout": "Sign out",
		"login.title": "Sign in", "login.local_help": "Development: get a one-time sign-in link (valid 15 minutes, single use) with:",
		"login.disabled": "Sign in through your brand's identity service.", "login.invalid_link": "This sign-in link is invalid, expired or already used.",
		"form.name": "Name", "form.email": "Email", "form.save": "Save",
		"form.name_length": "Names are 1–100 characters, without characters that change the direction of text.", "form.already_submitted": "This form was already submitted; nothing was done twice.",
		"list.filter":      "Filter",
		"list.next":        "Next page",
		"error.signed_out": "Your session has ended; sign in again.", "error.email_unverified": "Verify your email address, then sign in again.",
		"error.csrf": "This page is stale; reload it and try again.", "error.no_brand": "You are not a member of any brand.", "error.suspended": "This brand's account is suspended.",
		"error.forbidden": "Your role does not allow this page.", "error.not_found": "Not found.",
		"error.internal": "Something went wrong on our side; quote this request ID to support:",
	},
}
