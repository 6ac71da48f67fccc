package pointsui

import (
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/receipts"
)

// receiptSettingsRoutes are the page of the brand's receipt rules.
func (h *handlers) receiptSettingsRoutes() []console.Route {
	return []console.Route{
		console.Get("/points/receipts/settings", console.Needs(ledger.PermReceipts), h.receiptSettings),
		console.Post("/points/receipts/settings", console.Needs(access.PermSettingsWrite), h.saveReceiptSettings),
	}
}

// receiptSettingsView is the receipt rules page.
type receiptSettingsView struct {
	*console.View
	Form    receiptSettingsForm
	CanEdit bool
}

// receiptSettingsForm is the brand's receipt rules as typed: amounts in yuan, the stores as
// rows (a blank one to add with), every field at fault under the API's name for it.
type receiptSettingsForm struct {
	AutoApprove                      bool
	MaxAgeDays, MinAmount, MaxAmount string
	AutoApproveMax                   string
	Stores                           []storeRow
	Errors                           map[string]string
}

// storeRow is one of the brand's stores; Remove leaves it out.
type storeRow struct {
	Index      int
	Code, Name string
	Remove     bool
}

// Field is the API's name of one of the store's inputs.
func (s storeRow) Field(part string) string { return fmt.Sprintf("stores[%d].%s", s.Index, part) }

func receiptFormOf(s receipts.Settings) receiptSettingsForm {
	f := receiptSettingsForm{AutoApprove: s.AutoApprove, MaxAgeDays: strconv.Itoa(s.MaxAgeDays), MinAmount: yuanInput(s.MinAmountFen),
		Errors: map[string]string{}}
	if s.MaxAmountFen > 0 {
		f.MaxAmount = yuanInput(s.MaxAmountFen)
	}
	if s.AutoApproveMaxFen > 0 {
		f.AutoApproveMax = yuanInput(s.AutoApproveMaxFen)
	}
	for i, st := range s.Stores {
		f.Stores = append(f.Stores, storeRow{Index: i, Code: st.Code, Name: st.Name})
	}
	f.Stores = append(f.Stores, storeRow{Index: len(s.Stores)})
	return f
}

func (h *handlers) receiptSettings(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	s, err := h.d.Receipts.Settings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "points_receipt_settings", receiptSettingsView{View: v, Form: receiptFormOf(s), CanEdit: v.Can(string(access.PermSettingsWrite))})
}

// saveReceiptSettings replaces the brand's receipt rules with the form's; a field at fault is
// shown beside its input and nothing changes.
func (h *handlers) saveReceiptSettings(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	f, s, kept := readReceiptSettings(r, v.Lang)
	if len(f.Errors) == 0 {
		err := h.d.Receipts.SetSettings(r.Context(), v.Tenant.ID, s)
		if err == nil {
			if s, err = h.d.Receipts.Settings(r.Context(), v.Tenant.ID); err != nil {
				console.Internal(w, r, err)
				return
			}
			v.Flash = messages.T(v.Lang, "receipts.settings_saved")
			console.Render(w, r, "points_receipt_settings", receiptSettingsView{View: v, Form: receiptFormOf(s), CanEdit: true})
			return
		}
		fes := fielderr.All(err)
		if len(fes) == 0 {
			console.Internal(w, r, err)
			return
		}
		for _, fe := range fes {
			field, part := fe.Field, fe.Field
			var i int
			var rest string
			if n, _ := fmt.Sscanf(fe.Field, "stores[%d].%s", &i, &rest); n == 2 && i < len(kept) {
				field, part = fmt.Sprintf("stores[%d].%s", kept[i], rest), "store_"+rest
			}
			f.Errors[field] = messages.TOr(v.Lang, "receipts.bad_setting_"+part, "form.invalid")
		}
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	console.Render(w, r, "points_receipt_settings", receiptSettingsView{View: v, Form: f, CanEdit: true})
}

// readReceiptSettings reads the posted rules; kept are the form's rows of the stores kept.
func readReceiptSettings(r *http.Request, lang string) (receiptSettingsForm, receipts.Settings, []int) {
	val := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	f := receiptSettingsForm{AutoApprove: val("auto_approve") == "on", MaxAgeDays: val("max_age_days"), MinAmount: val("min_amount"),
		MaxAmount: val("max_amount"), AutoApproveMax: val("auto_approve_max"), Errors: map[string]string{}}
	s := receipts.Settings{AutoApprove: f.AutoApprove, MaxAgeDays: intField(lang, f.MaxAgeDays, "max_age_days", f.Errors),
		MinAmountFen: yuanField(lang, f.MinAmount, "min_amount_fen", f.Errors), Stores: []receipts.Store{}}
	if f.MaxAmount != "" {
		s.MaxAmountFen = yuanField(lang, f.MaxAmount, "max_amount_fen", f.Errors)
	}
	if f.AutoApproveMax != "" {
		s.AutoApproveMaxFen = yuanField(lang, f.AutoApproveMax, "auto_approve_max_fen", f.Errors)
	}
	var kept []int
	for i := 0; i <= receipts.MaxStores; i++ {
		row := storeRow{Index: i}
		if _, ok := r.PostForm[row.Field("code")]; !ok {
			break
		}
		row.Code, row.Name, row.Remove = val(row.Field("code")), val(row.Field("name")), val(row.Field("remove")) == "on"
		f.Stores = append(f.Stores, row)
		if row.Remove || (row.Code == "" && row.Name == "") {
			continue
		}
		kept = append(kept, i)
		s.Stores = append(s.Stores, receipts.Store{Code: row.Code, Name: row.Name})
	}
	if n := len(f.Stores); n == 0 || f.Stores[n-1].Code != "" || f.Stores[n-1].Name != "" {
		f.Stores = append(f.Stores, storeRow{Index: n})
	}
	return f, s, kept
}

// receiptSettingsMessages are the strings of the receipt rules page.
var receiptSettingsMessages = console.Messages{
	"zh-CN": {
		"receipts.settings": "小票规则", "receipts.settings_intro": "会员上传的小票按这些规则检查：不符合的小票交给管理员审核；开启自动通过后，全部检查通过的小票直接发放积分。",
		"receipts.settings_saved": "小票规则已保存，之后识别的小票按新规则检查。",
		"receipts.auto_approve":   "全部检查通过的小票自动通过", "receipts.max_age_days": "小票日期最多在几天前",
		"receipts.max_age_days_help": "按品牌时区的日历天数计算。", "receipts.min_amount": "最低金额", "receipts.max_amount": "最高金额",
		"receipts.auto_approve_max": "自动通过的最高金额", "receipts.no_limit": "不限",
		"receipts.auto_approve_max_help": "超过这个金额的小票即使检查通过也交给管理员审核。",
		"receipts.stores":                "品牌门店", "receipts.stores_help": "小票上的门店名称与这里的名称比对（忽略空格和标点）；不在列表中的门店交给管理员审核。门店代码即消费记录中的门店。",
		"receipts.store_code": "门店代码", "receipts.store_name": "小票上的门店名称", "receipts.remove_store": "删除",
		"receipts.bad_setting_max_age_days": "请输入 1 到 366 之间的天数。", "receipts.bad_setting_min_amount_fen": "请输入 0 到 1 亿元之间的金额。",
		"receipts.bad_setting_max_amount_fen":       "请输入不低于最低金额、不超过 1 亿元的金额，留空为不限。",
		"receipts.bad_setting_auto_approve_max_fen": "请输入 0 到 1 亿元之间的金额，留空为不限。",
		"receipts.bad_setting_stores":               "最多 500 家门店。", "receipts.bad_setting_store_code": "请填写门店代码（最多 100 个字符，前后不能有空格）。",
		"receipts.bad_setting_store_name": "请填写 2 到 100 个字符的门店名称，且不能与其他门店重复。",
	},
	"en": {
		"receipts.settings": "Receipt rules", "receipts.settings_intro": "Receipts customers upload are checked against these rules: one that fails a check waits for an admin; with automatic approval on, one that passes every check earns its points at once.",
		"receipts.settings_saved": "Receipt rules saved: receipts read from now on are checked against them.",
		"receipts.auto_approve":   "Approve receipts that pass every check automatically", "receipts.max_age_days": "Receipt dated at most this many days ago",
		"receipts.max_age_days_help": "Calendar days in the brand's time zone.", "receipts.min_amount": "Lowest amount", "receipts.max_amount": "Highest amount",
		"receipts.auto_approve_max": "Highest amount approved automatically", "receipts.no_limit": "No limit",
		"receipts.auto_approve_max_help": "A receipt above it waits for an admin even when it passes every check.",
		"receipts.stores":                "The brand's stores", "receipts.stores_help": "The store a receipt prints is matched against these names (spaces and punctuation aside); a store not listed waits for an admin. The code is the store as purchases name it.",
		"receipts.store_code": "Store code", "receipts.store_name": "Name as receipts print it", "receipts.remove_store": "Remove",
		"receipts.bad_setting_max_age_days": "Enter between 1 and 366 days.", "receipts.bad_setting_min_amount_fen": "Enter between 0 and 100,000,000 yuan.",
		"receipts.bad_setting_max_amount_fen":       "Enter an amount not below the lowest and at most 100,000,000 yuan, or leave it blank for no limit.",
		"receipts.bad_setting_auto_approve_max_fen": "Enter between 0 and 100,000,000 yuan, or leave it blank for no limit.",
		"receipts.bad_setting_stores":               "At most 500 stores.", "receipts.bad_setting_store_code": "Give the store's code (at most 100 characters, no spaces around).",
		"receipts.bad_setting_store_name": "Give a name of 2 to 100 characters that no other store has.",
	},
}

func init() {
	for lang, m := range receiptSettingsMessages {
		maps.Copy(messages[lang], m)
	}
}
