package pointsui

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/receipts"
	"github.com/engagehq/engage/domain/points/rules"
	"github.com/engagehq/engage/ports"
)

// draftView is the rule version editor: the draft as typed, the choices of its pickers and,
// once previewed, what the draft would have changed over the last 30 days.
type draftView struct {
	*console.View
	Form draftForm
	// Wallets, Kinds and Stackings are the pickers' choices.
	Wallets   []ledger.Wallet
	Kinds     []rules.Kind
	Stackings []rules.Stacking
	// Stores are the brand's stores (its receipt settings) for store categories.
	Stores []receipts.Store
	// Segments and Attributes are the brand's, for conditions on the customer.
	Segments   []segment.Segment
	Attributes []attributeChoice
	// Products are the product categories the brand's rules named before.
	Products []string
	Weekdays []int
	Hours    []int
	Preview  *previewView
	// Zone names the brand's time zone the version takes effect in.
	Zone string
	// Names name the brand's wallets.
	Names walletNames
}

// attributeChoice is a customer attribute a condition may read, by name, with the values an
// enumerated attribute takes (a tier's "gold", "silver").
type attributeChoice struct {
	Key, Name string
	Values    []string
}

// draftForm is a rule version as the editor shows and takes it: money in yuan, the time it
// takes effect in the brand's zone, and the message of every field at fault under the form's
// name for it ("rules[2].when.min_spend_fen").
type draftForm struct {
	EffectiveAt, Note string
	Rules             []ruleForm
	Categories        []categoryForm
	Caps              []capForm
	// Previewed is the fingerprint of the draft last previewed: publishing needs it to match.
	Previewed string
	Errors    map[string]string
}

// ruleForm is one rule's fieldset; a new one without a title is left out, a removed one too.
type ruleForm struct {
	Index                          int
	Key                            string
	New, Remove                    bool
	TitleZH, TitleEN, TipZH, TipEN string
	Kind, Wallet, Stacking         string
	Points, PerYuan, Percent       string
	Priority, MaxPoints            string
	StoreCategories, Weekdays      []string
	Segments                       []string
	Products, MinSpend             string
	FromHour, ToHour               string
	FromDate, ToDate, Birthday     string
	Attribute, AttributeValues     string
	// AttributePicks are the values ticked of enumerated attributes, "tier=gold".
	AttributePicks []string
}

// Field is the form's name of one of the rule's inputs.
func (f ruleForm) Field(part string) string { return fmt.Sprintf("rules[%d].%s", f.Index, part) }

// categoryForm is a store category: a name and the brand's stores in it.
type categoryForm struct {
	Index            int
	Key              string
	New, Remove      bool
	TitleZH, TitleEN string
	Stores           []string
}

// Field is the form's name of one of the category's inputs.
func (f categoryForm) Field(part string) string {
	return fmt.Sprintf("store_categories[%d].%s", f.Index, part)
}

// capForm is a wallet's caps per order and per day.
type capForm struct {
	Index            int
	Wallet           ledger.Wallet
	PerOrder, PerDay string
}

// Field is the form's name of one of the cap's inputs.
func (f capForm) Field(part string) string { return fmt.Sprintf("caps[%d].%s", f.Index, part) }

// draftOf is the form of a rule set, starting a new version from it.
func draftOf(set rules.Set, wallets []ledger.Wallet) draftForm {
	f := draftForm{Errors: map[string]string{}}
	for i, r := range set.Rules {
		rf := ruleForm{Index: i, Key: r.Key, TitleZH: r.Title.ZH, TitleEN: r.Title.EN, TipZH: r.Tip.ZH, TipEN: r.Tip.EN, Kind: string(r.Kind),
			Wallet: string(r.Wallet), Stacking: string(r.Stacking), Priority: strconv.Itoa(r.Priority), StoreCategories: r.When.StoreCategories,
			Products: strings.Join(r.When.ProductCategories, ", "), FromDate: r.When.FromDate, ToDate: r.When.ToDate, Birthday: r.When.Birthday}
		switch r.Kind {
		case rules.KindBase:
			rf.Points, rf.PerYuan = strconv.FormatInt(r.Points, 10), yuanInput(r.PerFen)
		case rules.KindBonus:
			rf.Points = strconv.FormatInt(r.Points, 10)
		case rules.KindMultiplier:
			rf.Percent = strconv.FormatInt(r.Percent, 10)
		}
		if r.MaxPoints > 0 {
			rf.MaxPoints = strconv.FormatInt(r.MaxPoints, 10)
		}
		if r.When.MinSpendFen > 0 {
			rf.MinSpend = yuanInput(r.When.MinSpendFen)
		}
		for _, d := range r.When.Weekdays {
			rf.Weekdays = append(rf.Weekdays, strconv.Itoa(d))
		}
		if r.When.FromHour != 0 || r.When.ToHour != 0 {
			rf.FromHour, rf.ToHour = strconv.Itoa(r.When.FromHour), strconv.Itoa(r.When.ToHour)
		}
		for _, s := range r.When.Segments {
			rf.Segments = append(rf.Segments, s.String())
		}
		if a := r.When.Attribute; a != nil {
			rf.Attribute, rf.AttributeValues = a.Name, strings.Join(a.Values, ", ")
		}
		f.Rules = append(f.Rules, rf)
	}
	for i, c := range set.StoreCategories {
		f.Categories = append(f.Categories, categoryForm{Index: i, Key: c.Key, TitleZH: c.Title.ZH, TitleEN: c.Title.EN, Stores: c.Stores})
	}
	for i, w := range wallets {
		cf := capForm{Index: i, Wallet: w}
		for _, c := range set.Caps {
			if c.Wallet == w {
				cf.PerOrder, cf.PerDay = capInput(c.PerOrder), capInput(c.PerDay)
			}
		}
		f.Caps = append(f.Caps, cf)
	}
	f.withBlanks()
	return f
}

func capInput(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// Pickable are the store categories rules may pick: all but the blank one to add with.
func (f draftForm) Pickable() []categoryForm {
	var out []categoryForm
	for _, c := range f.Categories {
		if !c.New {
			out = append(out, c)
		}
	}
	return out
}

func (f draftForm) ruleKeys() []string {
	var keys []string
	for _, r := range f.Rules {
		keys = append(keys, r.Key)
	}
	return keys
}

// freeKey is prefix_n, or the next number that no key in taken has.
func freeKey(prefix string, n int, taken []string) string {
	for ; ; n++ {
		if k := fmt.Sprintf("%s_%d", prefix, n); !slices.Contains(taken, k) {
			return k
		}
	}
}

// listSep splits a typed list of product categories or values at commas (either width).
var listSep = regexp.MustCompile(`[,，、]`)

func splitList(s string) []string {
	var out []string
	for _, p := range listSep.Split(s, -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// readDraft reads the posted draft into a version; what does not parse is in the form's errors.
// Kept maps the set's rule and category indexes to the form's rows.
func readDraft(r *http.Request, v *console.View) (draftForm, rules.Version, kept) {
	val := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	lang := v.Lang
	f := draftForm{EffectiveAt: val("effective_at"), Note: val("note"), Previewed: val("previewed"), Errors: map[string]string{}}
	var ver rules.Version
	var k kept
	ver.Note = f.Note
	if f.EffectiveAt != "" {
		at, err := time.ParseInLocation(localInput, f.EffectiveAt, v.Location())
		if err != nil {
			f.Errors["effective_at"] = messages.T(lang, "points.bad_effective_at")
		}
		ver.EffectiveAt = at.UTC()
	}
	for i := 0; i <= rules.MaxStoreCategories; i++ {
		c := categoryForm{Index: i}
		if _, ok := r.PostForm[c.Field("key")]; !ok {
			break
		}
		c.Key, c.New, c.Remove = val(c.Field("key")), val(c.Field("new")) == "true", val(c.Field("remove")) == "on"
		c.TitleZH, c.TitleEN, c.Stores = val(c.Field("title.zh_cn")), val(c.Field("title.en")), r.PostForm[c.Field("stores")]
		if c.Remove || (c.New && c.TitleZH == "" && c.TitleEN == "" && len(c.Stores) == 0) {
			f.Categories = append(f.Categories, c)
			continue
		}
		// A category added is one of the draft's now: rules may pick it.
		c.New = false
		f.Categories = append(f.Categories, c)
		k.categories = append(k.categories, i)
		ver.Set.StoreCategories = append(ver.Set.StoreCategories, rules.StoreCategory{Key: c.Key, Title: rules.Text{ZH: c.TitleZH, EN: c.TitleEN},
			Stores: c.Stores})
	}
	for i := 0; i <= rules.MaxRules; i++ {
		rf := ruleForm{Index: i}
		if _, ok := r.PostForm[rf.Field("key")]; !ok {
			break
		}
		at := func(part string) string { return val(rf.Field(part)) }
		rf = ruleForm{Index: i, Key: at("key"), New: at("new") == "true", Remove: at("remove") == "on", TitleZH: at("title.zh_cn"),
			TitleEN: at("title.en"), TipZH: at("tip.zh_cn"), TipEN: at("tip.en"), Kind: at("kind"), Wallet: at("wallet"), Stacking: at("stacking"),
			Points: at("points"), PerYuan: at("per_yuan"), Percent: at("percent"), Priority: at("priority"), MaxPoints: at("max_points"),
			StoreCategories: r.PostForm[rf.Field("when.store_categories")], Weekdays: r.PostForm[rf.Field("when.weekdays")],
			Segments: r.PostForm[rf.Field("when.segments")], Products: at("when.product_categories"), MinSpend: at("when.min_spend"),
			FromHour: at("when.from_hour"), ToHour: at("when.to_hour"), FromDate: at("when.from_date"), ToDate: at("when.to_date"),
			Birthday: at("when.birthday"), Attribute: at("when.attribute.name"), AttributeValues: at("when.attribute.values"),
			AttributePicks: r.PostForm[rf.Field("when.attribute.pick")]}
		if rf.Remove || (rf.New && rf.TitleZH == "" && rf.TitleEN == "") {
			f.Rules = append(f.Rules, rf)
			continue
		}
		rf.New = false
		f.Rules = append(f.Rules, rf)
		k.rules = append(k.rules, i)
		ver.Set.Rules = append(ver.Set.Rules, ruleOf(lang, rf, f.Errors))
	}
	for i := 0; i < 100; i++ {
		c := capForm{Index: i}
		if _, ok := r.PostForm[c.Field("wallet")]; !ok {
			break
		}
		c.Wallet, c.PerOrder, c.PerDay = ledger.Wallet(val(c.Field("wallet"))), val(c.Field("per_order")), val(c.Field("per_day"))
		f.Caps = append(f.Caps, c)
		cp := rules.Cap{Wallet: c.Wallet, PerOrder: optionalInt(lang, c.PerOrder, c.Field("per_order"), f.Errors),
			PerDay: optionalInt(lang, c.PerDay, c.Field("per_day"), f.Errors)}
		if cp.PerOrder != 0 || cp.PerDay != 0 {
			k.caps = append(k.caps, i)
			ver.Set.Caps = append(ver.Set.Caps, cp)
		}
	}
	return f, ver, k
}

// ruleOf is the rule of a fieldset; what does not parse goes into errs.
func ruleOf(lang string, rf ruleForm, errs map[string]string) rules.Rule {
	rule := rules.Rule{Key: rf.Key, Title: rules.Text{ZH: rf.TitleZH, EN: rf.TitleEN}, Tip: rules.Text{ZH: rf.TipZH, EN: rf.TipEN},
		Kind: rules.Kind(rf.Kind), Wallet: ledger.Wallet(rf.Wallet), Stacking: rules.Stacking(rf.Stacking),
		Priority:  int(optionalInt(lang, rf.Priority, rf.Field("priority"), errs)),
		MaxPoints: optionalInt(lang, rf.MaxPoints, rf.Field("max_points"), errs)}
	if rule.Kind == rules.KindBase {
		rule.Stacking = ""
	}
	switch rule.Kind {
	case rules.KindBase:
		rule.Points = optionalInt(lang, rf.Points, rf.Field("points"), errs)
		rule.PerFen = yuanField(lang, rf.PerYuan, rf.Field("per_fen"), errs)
	case rules.KindBonus:
		rule.Points = optionalInt(lang, rf.Points, rf.Field("points"), errs)
	case rules.KindMultiplier:
		rule.Percent = optionalInt(lang, rf.Percent, rf.Field("percent"), errs)
	}
	w := &rule.When
	w.StoreCategories = rf.StoreCategories
	w.ProductCategories = splitList(rf.Products)
	if rf.MinSpend != "" {
		w.MinSpendFen = yuanField(lang, rf.MinSpend, rf.Field("when.min_spend_fen"), errs)
	}
	for _, d := range rf.Weekdays {
		n, err := strconv.Atoi(d)
		if err != nil {
			errs[rf.Field("when.weekdays")] = messages.T(lang, "form.invalid")
		}
		w.Weekdays = append(w.Weekdays, n)
	}
	slices.Sort(w.Weekdays)
	if rf.FromHour != "" || rf.ToHour != "" {
		w.FromHour = int(optionalInt(lang, rf.FromHour, rf.Field("when.from_hour"), errs))
		w.ToHour = int(optionalInt(lang, rf.ToHour, rf.Field("when.to_hour"), errs))
		if w.ToHour == 24 && w.FromHour == 0 {
			w.ToHour = 0
		}
	}
	w.FromDate, w.ToDate, w.Birthday = rf.FromDate, rf.ToDate, rf.Birthday
	for _, s := range rf.Segments {
		id, err := uuid.Parse(s)
		if err != nil {
			errs[rf.Field("when.segments")] = messages.T(lang, "form.invalid")
			continue
		}
		w.Segments = append(w.Segments, id)
	}
	if rf.Attribute != "" {
		w.Attribute = &rules.AttributeCondition{Name: rf.Attribute}
		for _, p := range rf.AttributePicks {
			if v, ok := strings.CutPrefix(p, rf.Attribute+"="); ok {
				w.Attribute.Values = append(w.Attribute.Values, v)
			}
		}
		w.Attribute.Values = append(w.Attribute.Values, splitList(rf.AttributeValues)...)
	}
	return rule
}

// optionalInt is a typed whole number, 0 when blank.
func optionalInt(lang, s, field string, errs map[string]string) int64 {
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
	if err != nil {
		errs[field] = messages.T(lang, "points.not_a_number")
	}
	return n
}

// kept are the form's rows of the set's rules, store categories and caps, by the set's index.
type kept struct{ rules, categories, caps []int }

// fieldOf is the form's name of a field the rules refuse ("rules.rules[1].points" is the
// form's "rules[3].points" when two rows before it were left out).
func (k kept) fieldOf(field string) string {
	field = strings.TrimPrefix(field, "rules.")
	for _, list := range []struct {
		name string
		rows []int
	}{{"rules", k.rules}, {"store_categories", k.categories}, {"caps", k.caps}} {
		var i int
		var rest string
		if n, _ := fmt.Sscanf(field, list.name+"[%d]%s", &i, &rest); n >= 1 && strings.HasPrefix(field, list.name+"[") && i < len(list.rows) {
			field = fmt.Sprintf("%s[%d]%s", list.name, list.rows[i], rest)
			break
		}
	}
	// An item of a list is the list's input: "when.weekdays[1]" is "when.weekdays".
	if strings.HasSuffix(field, "]") {
		if i := strings.LastIndex(field, "["); i > strings.LastIndex(field, ".") {
			field = field[:i]
		}
	}
	return field
}

// fingerprint names a draft: publishing what was previewed, not something changed since.
func fingerprint(ver rules.Version) string {
	b, _ := json.Marshal(struct {
		Set  rules.Set
		At   time.Time
		Note string
	}{ver.Set, ver.EffectiveAt, ver.Note})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

func (h *handlers) newDraft(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	vs, current, err := h.d.Points.RuleVersions(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	set, err := h.d.Points.DefaultRules(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	from := current
	if n, err := strconv.Atoi(r.URL.Query().Get("from")); err == nil {
		from = n
	}
	for _, ver := range vs {
		if ver.Number == from {
			set = ver.Set
		}
	}
	settings, err := h.d.Points.Settings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	h.renderDraft(w, r, http.StatusOK, draftOf(set, settings.Keys()), nil)
}

// saveDraft previews the posted draft or, when the admin publishes what they previewed,
// stores it as the next version; a draft changed since its preview is previewed again.
func (h *handlers) saveDraft(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	f, ver, k := readDraft(r, v)
	if len(f.Errors) > 0 {
		h.draftRefused(w, r, f, nil, k)
		return
	}
	print := fingerprint(ver)
	if r.PostFormValue("action") == "publish" && f.Previewed == print {
		stored, err := h.d.Points.AddRuleVersion(r.Context(), v.Tenant.ID, ver)
		if err == nil {
			console.Redirect(w, r, fmt.Sprintf("/console/points/rules?published=%d", stored.Number))
			return
		}
		h.draftRefused(w, r, f, err, k)
		return
	}
	if !ver.EffectiveAt.IsZero() && ver.EffectiveAt.Before(time.Now().Add(-time.Minute)) {
		h.draftRefused(w, r, f, fielderr.New("effective_at", rules.ErrEffectiveInPast), k)
		return
	}
	pv, err := h.d.Points.PreviewChange(r.Context(), v.Tenant.ID, points.PreviewRequest{Draft: &ver.Set})
	if err != nil {
		h.draftRefused(w, r, f, err, k)
		return
	}
	names, err := h.walletNames(r)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	if r.PostFormValue("action") == "publish" {
		v.Flash = messages.T(v.Lang, "points.draft_changed")
	}
	f.Previewed = print
	f.withBlanks()
	h.renderDraft(w, r, http.StatusOK, f, h.previewOf(r, v, names, pv))
}

// withBlanks adds the empty rule and store category a brand adds with, keyed after the others,
// unless the form has them still empty.
func (f *draftForm) withBlanks() {
	if len(f.Rules) == 0 || !f.Rules[len(f.Rules)-1].New {
		f.Rules = append(f.Rules, ruleForm{Index: len(f.Rules), New: true, Key: freeKey("rule", len(f.Rules)+1, f.ruleKeys()),
			Kind: string(rules.KindBonus), Wallet: string(ledger.Points), Stacking: string(rules.Stack), Priority: "0"})
	}
	if n := len(f.Categories); n == 0 || !f.Categories[n-1].New {
		var keys []string
		for _, c := range f.Categories {
			keys = append(keys, c.Key)
		}
		f.Categories = append(f.Categories, categoryForm{Index: n, New: true, Key: freeKey("stores", n+1, keys)})
	}
}

// draftRefused answers the draft with every field at fault beside its input; an error that
// names no field is a failure of the server.
func (h *handlers) draftRefused(w http.ResponseWriter, r *http.Request, f draftForm, err error, k kept) {
	lang := console.ViewOf(r).Lang
	if err != nil {
		fes := fielderr.All(err)
		if len(fes) == 0 {
			console.Internal(w, r, err)
			return
		}
		for _, fe := range fes {
			field := k.fieldOf(fe.Field)
			f.Errors[field] = draftMessage(lang, field, fe)
		}
	}
	f.Previewed = ""
	f.withBlanks()
	h.renderDraft(w, r, http.StatusUnprocessableEntity, f, nil)
}

// draftMessage is the message of a field the rules refuse: by the last part of its name
// ("points", "when.to_date", "title.zh_cn").
func draftMessage(lang, field string, fe *fielderr.Error) string {
	switch {
	case errors.Is(fe, rules.ErrEffectiveInPast):
		return messages.T(lang, "points.effective_in_past")
	case errors.Is(fe, points.ErrEffectiveTaken):
		return messages.T(lang, "points.effective_taken")
	case errors.Is(fe, rules.ErrUnknownStoreCategory):
		return messages.T(lang, "points.bad_rule_store_category")
	}
	part := field
	if _, after, ok := strings.Cut(field, "]."); ok {
		part = after
	}
	if i := strings.Index(part, "["); i > 0 {
		part = part[:i]
	}
	return messages.TOr(lang, "points.bad_rule_"+part, "form.invalid")
}

func (h *handlers) renderDraft(w http.ResponseWriter, r *http.Request, status int, f draftForm, p *previewView) {
	v := console.ViewOf(r)
	view := draftView{View: v, Form: f, Kinds: rules.Kinds, Stackings: rules.Stackings, Weekdays: []int{1, 2, 3, 4, 5, 6, 0}, Preview: p,
		Zone: console.ZoneName(v.Lang, v.Location().String())}
	for i := 0; i <= 24; i++ {
		view.Hours = append(view.Hours, i)
	}
	settings, err := h.d.Points.Settings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	view.Wallets, view.Names = settings.Keys(), namesOf(settings)
	if h.d.Receipts != nil {
		rs, err := h.d.Receipts.Settings(r.Context(), v.Tenant.ID)
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		view.Stores = rs.Stores
	}
	for _, c := range f.Categories {
		for _, code := range c.Stores {
			if !slices.ContainsFunc(view.Stores, func(s receipts.Store) bool { return s.Code == code }) {
				view.Stores = append(view.Stores, receipts.Store{Code: code, Name: code})
			}
		}
	}
	if h.d.Segments != nil {
		if view.Segments, err = h.d.Segments.List(r.Context(), v.Tenant.ID, ports.Page{Limit: 200}); err != nil {
			console.Internal(w, r, err)
			return
		}
	}
	defs, err := h.d.Customers.AttributeDefs(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	view.Attributes = attributeChoices(v.Lang, defs, view.Form.Rules)
	view.Form.Rules = picked(view.Form.Rules, view.Attributes)
	vs, _, err := h.d.Points.RuleVersions(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	for _, ver := range vs {
		for _, rule := range ver.Set.Rules {
			for _, c := range rule.When.ProductCategories {
				if !slices.Contains(view.Products, c) {
					view.Products = append(view.Products, c)
				}
			}
		}
	}
	w.WriteHeader(status)
	console.Render(w, r, "points_rule_draft", view)
}

// attributeChoices are the brand's customer attributes by name, with any a rule names that the
// brand no longer defines.
func attributeChoices(lang string, defs []customer.AttributeDef, rs []ruleForm) []attributeChoice {
	var out []attributeChoice
	for _, d := range defs {
		out = append(out, attributeChoice{Key: d.Key, Name: d.LabelIn(lang), Values: d.EnumValues})
	}
	for _, r := range rs {
		if r.Attribute != "" && !slices.ContainsFunc(out, func(a attributeChoice) bool { return a.Key == r.Attribute }) {
			out = append(out, attributeChoice{Key: r.Attribute, Name: r.Attribute})
		}
	}
	return out
}

// picked shows the values of a rule's enumerated attribute ticked, and only others typed.
func picked(rs []ruleForm, choices []attributeChoice) []ruleForm {
	out := slices.Clone(rs)
	for i, r := range out {
		at := slices.IndexFunc(choices, func(a attributeChoice) bool { return a.Key == r.Attribute })
		if r.Attribute == "" || at < 0 || len(choices[at].Values) == 0 {
			continue
		}
		var typed []string
		for _, v := range splitList(r.AttributeValues) {
			if p := r.Attribute + "=" + v; slices.Contains(choices[at].Values, v) {
				if !slices.Contains(out[i].AttributePicks, p) {
					out[i].AttributePicks = append(out[i].AttributePicks, p)
				}
			} else {
				typed = append(typed, v)
			}
		}
		out[i].AttributeValues = strings.Join(typed, ", ")
	}
	return out
}
