package pointsui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
)

// settingsView is the page of the brand's points program.
type settingsView struct {
	*console.View
	Form settingsForm
	// CanEdit says whether the admin may change the program (settings:write).
	CanEdit bool
	// RefundPolicies, ExpiryPolicies and Periods are the choices of the form's pickers.
	RefundPolicies []program.RefundPolicy
	ExpiryPolicies []program.ExpiryPolicy
	Periods        []program.Period
	Names          walletNames
}

// settingsForm is the program as the form shows and takes it: amounts in yuan, numbers as
// typed, and the message of every field at fault under the API's name for it
// ("wallets[1].rate.per_fen").
type settingsForm struct {
	RefundPolicy, PendingDays, WarningDays string
	// ApprovalAbove is the adjustment approval threshold in points; Value what 100 points are
	// worth in yuan (for the liability reports).
	ApprovalAbove, Value string
	Wallets              []walletForm
	Errors               map[string]string
}

// walletForm is one wallet's row of the form. A new row has no key yet; Remove drops a wallet
// the brand added.
type walletForm struct {
	Index                  int
	Key                    string
	New, Builtin, Remove   bool
	Spendable              bool
	LabelZH, LabelEN       string
	Points, PerYuan        string
	MinSpend, MaxPerOrder  string
	Policy, Months, Period string
	// Example is when points earned today would expire, in the brand's zone ("" for never).
	Example string
}

// Field is the API's name of one of the wallet's settings, for the form's inputs and errors.
func (w walletForm) Field(part string) string { return fmt.Sprintf("wallets[%d].%s", w.Index, part) }

func formOf(v *console.View, s program.Settings) settingsForm {
	f := settingsForm{RefundPolicy: string(s.RefundPolicy), PendingDays: strconv.Itoa(s.PendingDays),
		WarningDays: strconv.Itoa(s.WarningDays), ApprovalAbove: strconv.FormatInt(s.ApprovalAbove, 10),
		Value: yuanInput(s.Value.FenOf(valuePer)), Errors: map[string]string{}}
	for i, w := range s.Wallets {
		f.Wallets = append(f.Wallets, walletForm{Index: i, Key: string(w.Key), Builtin: builtin(w.Key), Spendable: w.Spendable,
			LabelZH: w.Label.ZH, LabelEN: w.Label.EN,
			Points: strconv.FormatInt(w.Rate.Points, 10), PerYuan: yuanInput(w.Rate.PerFen), MinSpend: yuanInput(w.Rate.MinSpendFen),
			MaxPerOrder: strconv.FormatInt(w.Rate.MaxPerOrder, 10), Policy: string(w.Expiry.Policy),
			Months: strconv.Itoa(w.Expiry.Months), Period: string(w.Expiry.Period), Example: expiryExample(v, w.Expiry)})
	}
	f.Wallets = append(f.Wallets, newWalletRow(len(s.Wallets)))
	return f
}

// valuePer is how many points the form values at once: a CRM manager reads "100 points are
// worth ¥1" more easily than a fraction of a fen.
const valuePer = 100

// newWalletRow is the empty row a brand adds a wallet with: a point per yuan, never expiring.
func newWalletRow(i int) walletForm {
	return walletForm{Index: i, New: true, Points: "1", PerYuan: "1", MinSpend: "0", MaxPerOrder: "0",
		Policy: string(program.ExpireNever), Months: "0", Period: string(program.Day)}
}

func builtin(w ledger.Wallet) bool { return w == ledger.Points || w == ledger.Status }

// yuanInput is fen as an input's value: "1" for 100, "0.5" for 50, without separators.
func yuanInput(fen int64) string {
	s := strings.ReplaceAll(console.FormatYuan(fen), ",", "")
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "0"), "0"), ".")
}

// expiryExample is the last day points earned now would count, in the brand's zone.
func expiryExample(v *console.View, e program.Expiry) string {
	at := e.ExpiresAt(time.Now(), v.Location())
	if at.IsZero() {
		return ""
	}
	return v.Day(at.Add(-time.Second))
}

func (h *handlers) settings(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	s, err := h.d.Points.Settings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "points_settings", h.settingsPage(v, formOf(v, s)))
}

func (h *handlers) settingsPage(v *console.View, f settingsForm) settingsView {
	names := walletNames{}
	for _, row := range f.Wallets {
		names[ledger.Wallet(row.Key)] = program.Label{ZH: row.LabelZH, EN: row.LabelEN}
	}
	return settingsView{View: v, Form: f, CanEdit: v.Can(string(access.PermSettingsWrite)),
		RefundPolicies: program.RefundPolicies, ExpiryPolicies: program.ExpiryPolicies, Periods: program.Periods, Names: names}
}

// saveSettings replaces the program with the form's: a field that does not parse, or that the
// program refuses, is shown under its input and nothing changes.
func (h *handlers) saveSettings(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	f, s := readSettingsForm(r)
	if len(f.Errors) == 0 {
		stored, err := h.d.Points.Settings(r.Context(), v.Tenant.ID)
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		// A value the form shows rounded (a third of a fen a point) is kept as it is unless changed.
		if s.Value.Fen == stored.Value.FenOf(valuePer) {
			s.Value = stored.Value
		}
		err = h.d.Points.SetSettings(r.Context(), v.Tenant.ID, s)
		if err == nil {
			v.Flash = messages.T(v.Lang, "points.settings_saved")
			stored, err := h.d.Points.Settings(r.Context(), v.Tenant.ID)
			if err != nil {
				console.Internal(w, r, err)
				return
			}
			console.Render(w, r, "points_settings", h.settingsPage(v, formOf(v, stored)))
			return
		}
		if !settingsErrors(v.Lang, err, keptRows(f.Wallets), f.Errors) {
			console.Internal(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	console.Render(w, r, "points_settings", h.settingsPage(v, f))
}

// settingsErrors puts a message for every field at fault of err into errs, under the form's
// name for the field: the program numbers its wallets without the rows the form leaves out
// (kept are the rows it has). A program that drops a wallet in use says so.
func settingsErrors(lang string, err error, kept []int, errs map[string]string) bool {
	fes := fielderr.All(err)
	for _, fe := range fes {
		field := renumber(fe.Field, kept)
		switch {
		case errors.Is(fe, points.ErrWalletInUse):
			errs[field] = messages.T(lang, "points.wallet_in_use")
		case errors.Is(fe, program.ErrBuiltinWallet):
			errs[field] = messages.T(lang, "points.builtin_wallet")
		default:
			_, part, _ := strings.Cut(field, "].")
			if part == "" {
				part = field
			}
			errs[field] = messages.TOr(lang, "points.bad_"+part, "form.invalid")
		}
	}
	return len(fes) > 0
}

// readSettingsForm reads the posted program. Rows are wallets[i].*; a new row without a key
// and a removed row are left out. Inputs that are not numbers are errors of the form itself.
func readSettingsForm(r *http.Request) (settingsForm, program.Settings) {
	f := settingsForm{RefundPolicy: r.PostFormValue("refund_policy"), PendingDays: strings.TrimSpace(r.PostFormValue("pending_days")),
		WarningDays: strings.TrimSpace(r.PostFormValue("warning_days")), Errors: map[string]string{}}
	lang := console.ViewOf(r).Lang
	s := program.Settings{RefundPolicy: program.RefundPolicy(f.RefundPolicy)}
	s.PendingDays = intField(lang, f.PendingDays, "pending_days", f.Errors)
	s.WarningDays = intField(lang, f.WarningDays, "warning_days", f.Errors)
	f.ApprovalAbove, f.Value = strings.TrimSpace(r.PostFormValue("adjustment_approval_above")), strings.TrimSpace(r.PostFormValue("point_value"))
	s.ApprovalAbove = int64(intField(lang, strings.ReplaceAll(f.ApprovalAbove, ",", ""), "adjustment_approval_above", f.Errors))
	s.Value = program.PointValue{Fen: yuanField(lang, f.Value, "point_value.fen", f.Errors), Points: valuePer}
	for i := 0; i < program.MaxWallets+1; i++ {
		at := func(part string) string {
			return strings.TrimSpace(r.PostFormValue(fmt.Sprintf("wallets[%d].%s", i, part)))
		}
		if _, ok := r.PostForm[fmt.Sprintf("wallets[%d].key", i)]; !ok {
			break
		}
		row := walletForm{Index: i, Key: at("key"), New: at("new") == "true", Remove: at("remove") == "on",
			Points: at("rate.points"), PerYuan: at("rate.per_yuan"), MinSpend: at("rate.min_spend"), MaxPerOrder: at("rate.max_points_per_order"),
			Policy: at("expiry.policy"), Months: at("expiry.months"), Period: at("expiry.period"), LabelZH: at("label.zh_cn"), LabelEN: at("label.en")}
		row.Builtin = builtin(ledger.Wallet(row.Key))
		row.Spendable = row.Key == string(ledger.Points) || (!row.Builtin && at("spendable") == "on")
		f.Wallets = append(f.Wallets, row)
		if (row.New && row.Key == "") || (row.Remove && !row.Builtin) {
			continue
		}
		errs := map[string]string{}
		wallet := program.Wallet{Key: ledger.Wallet(row.Key), Spendable: row.Spendable, Label: program.Label{ZH: row.LabelZH, EN: row.LabelEN},
			Rate: program.Rate{Points: int64(intField(lang, row.Points, row.Field("rate.points"), errs)),
				PerFen:      yuanField(lang, row.PerYuan, row.Field("rate.per_fen"), errs),
				MinSpendFen: yuanField(lang, row.MinSpend, row.Field("rate.min_spend_fen"), errs),
				MaxPerOrder: int64(intField(lang, row.MaxPerOrder, row.Field("rate.max_points_per_order"), errs))},
			Expiry: program.Expiry{Policy: program.ExpiryPolicy(row.Policy), Months: intField(lang, row.Months, row.Field("expiry.months"), errs),
				Period: program.Period(row.Period)}}
		for k, msg := range errs {
			f.Errors[k] = msg
		}
		s.Wallets = append(s.Wallets, wallet)
	}
	return f, s
}

// keptRows are the form rows of the program's wallets, in order.
func keptRows(rows []walletForm) []int {
	var kept []int
	for _, row := range rows {
		if (row.New && row.Key == "") || (row.Remove && !row.Builtin) {
			continue
		}
		kept = append(kept, row.Index)
	}
	return kept
}

// renumber turns the program's "wallets[i]..." into the form's row number.
func renumber(field string, kept []int) string {
	var i int
	var rest string
	if n, _ := fmt.Sscanf(field, "wallets[%d]%s", &i, &rest); n == 2 && i < len(kept) {
		return fmt.Sprintf("wallets[%d]%s", kept[i], rest)
	}
	return field
}

func intField(lang, s, field string, errs map[string]string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		errs[field] = messages.T(lang, "points.not_a_number")
	}
	return n
}

func yuanField(lang, s, field string, errs map[string]string) int64 {
	fen, err := console.ParseYuan(s)
	if err != nil {
		errs[field] = messages.T(lang, "points.not_yuan")
	}
	return fen
}
