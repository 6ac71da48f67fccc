package tiersui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/tiers/tier"
)

// programView is the page of the brand's tier program: the ladder and settings in words, and
// the editor.
type programView struct {
	*console.View
	// Program is the version in effect; Has false while the brand has none.
	Program tier.Program
	Has     bool
	Form    programForm
	CanEdit bool
	// Saved says the program was just saved.
	Saved bool
	// The choices of the form's pickers.
	Windows    []tier.Window
	Starts     []tier.Start
	Downgrades []tier.Downgrade
	Validities []tier.Validity
	Modes      []tier.Mode
	Matches    []tier.Match
}

// programForm is the program as the form shows and takes it: spend in yuan, numbers as
// typed, and the message of every field at fault under the form's name for it
// ("tiers[1].spend", "settings.grace_months").
type programForm struct {
	Window, Start, Downgrade, Validity, Mode string
	GraceMonths, WarningDays                 string
	RefundsDowngrade                         bool
	Tiers                                    []tierForm
	Errors                                   map[string]string
}

// tierForm is one tier's row of the form; New is the empty row a tier is added with, Remove
// drops the tier.
type tierForm struct {
	Index                              int
	New, Remove                        bool
	Code, NameZH, NameEN, Colour       string
	BadgeURL, BenefitsZH, BenefitsEN   string
	Spend, StatusPoints, Visits, Match string
}

// Field is the form's name of one of the tier's inputs.
func (t tierForm) Field(part string) string { return fmt.Sprintf("tiers[%d].%s", t.Index, part) }

func programFormOf(p tier.Program) programForm {
	s := p.Settings
	f := programForm{Window: string(s.Window), Start: string(s.Start), Downgrade: string(s.Downgrade), Validity: string(s.Validity),
		Mode: string(s.Mode), GraceMonths: strconv.Itoa(s.GraceMonths), WarningDays: strconv.Itoa(s.WarningDays),
		RefundsDowngrade: s.RefundsDowngrade, Errors: map[string]string{}}
	for i, t := range p.Ladder {
		row := tierForm{Index: i, Code: string(t.Code), NameZH: t.Name.ZH, NameEN: t.Name.EN, Colour: t.Colour, BadgeURL: t.BadgeURL,
			BenefitsZH: t.Benefits.ZH, BenefitsEN: t.Benefits.EN, Match: string(t.Match)}
		if m, ok := t.Min(tier.Spend); ok && m > 0 {
			row.Spend = yuanInput(m)
		}
		if m, ok := t.Min(tier.StatusPoints); ok && m > 0 {
			row.StatusPoints = strconv.FormatInt(m, 10)
		}
		if m, ok := t.Min(tier.Visits); ok && m > 0 {
			row.Visits = strconv.FormatInt(m, 10)
		}
		f.Tiers = append(f.Tiers, row)
	}
	// A brand starting its program is offered rows for a few tiers at once; an empty row is left out.
	for i := range max(1, 3-len(p.Ladder)) {
		f.Tiers = append(f.Tiers, tierForm{Index: len(p.Ladder) + i, New: true, Colour: "#999999", Match: string(tier.All)})
	}
	return f
}

// yuanInput is fen as an input's value: "2000" for 200000, "0.5" for 50, without separators.
func yuanInput(fen int64) string {
	s := strings.ReplaceAll(console.FormatYuan(fen), ",", "")
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func (h *handlers) programPage(v *console.View, p tier.Program, has bool, f programForm) programView {
	return programView{View: v, Program: p, Has: has, Form: f, CanEdit: v.Can(string(tier.PermWrite)),
		Windows: []tier.Window{tier.CalendarYear, tier.Rolling12Months, tier.Anniversary}, Starts: []tier.Start{tier.AtOnce, tier.NextPeriod},
		Downgrades: []tier.Downgrade{tier.Recalculate, tier.OneLevel}, Validities: []tier.Validity{tier.EndOfPeriod, tier.EndOfNextPeriod},
		Modes: []tier.Mode{tier.Auto, tier.Manual}, Matches: []tier.Match{tier.All, tier.Any}}
}

// current is the brand's program in effect, or the defaults with no tiers when it has none.
func (h *handlers) current(r *http.Request) (tier.Program, bool, error) {
	p, err := h.d.Tiers.Program(r.Context(), console.ViewOf(r).Tenant.ID)
	if errors.Is(err, tiers.ErrNoProgram) {
		return tier.Program{Settings: tier.DefaultSettings}, false, nil
	}
	return p, err == nil, err
}

func (h *handlers) program(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	p, has, err := h.current(r)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	page := h.programPage(v, p, has, programFormOf(p))
	page.Saved = r.URL.Query().Get("saved") != ""
	console.Render(w, r, "tiers_program", page)
}

// saveProgram makes the form's ladder and settings the brand's program, as a new version: a
// field that does not parse, or that the program refuses, is shown beside its input and
// nothing changes.
func (h *handlers) saveProgram(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	f, ladder, settings, rows := readProgramForm(v.Lang, r)
	p, has, err := h.current(r)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	if len(f.Errors) == 0 {
		_, err := h.d.Tiers.PutProgram(r.Context(), v.Tenant.ID, ladder, settings)
		if err == nil {
			http.Redirect(w, r, "/console/tiers/program?saved=1", http.StatusSeeOther)
			return
		}
		if !programErrors(v.Lang, err, p.Ladder, rows, f.Errors) {
			console.Internal(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	console.Render(w, r, "tiers_program", h.programPage(v, p, has, f))
}

// keptRow is the form row a tier of the ladder came from, and the kinds of its criteria in
// their order: what the program's field errors are put beside.
type keptRow struct {
	Index int
	Kinds []tier.Kind
}

// readProgramForm reads the form: the ladder, the settings, the rows kept, and the errors of
// inputs that do not parse.
func readProgramForm(lang string, r *http.Request) (programForm, tier.Ladder, tier.Settings, []keptRow) {
	f := programForm{Window: r.PostFormValue("settings.window"), Start: r.PostFormValue("settings.start"),
		Downgrade: r.PostFormValue("settings.downgrade"), Validity: r.PostFormValue("settings.validity"),
		Mode: r.PostFormValue("settings.mode"), GraceMonths: strings.TrimSpace(r.PostFormValue("settings.grace_months")),
		WarningDays:      strings.TrimSpace(r.PostFormValue("settings.warning_days")),
		RefundsDowngrade: r.PostFormValue("settings.refunds_downgrade") == "on", Errors: map[string]string{}}
	s := tier.Settings{Window: tier.Window(f.Window), Start: tier.Start(f.Start), Downgrade: tier.Downgrade(f.Downgrade),
		Validity: tier.Validity(f.Validity), Mode: tier.Mode(f.Mode), RefundsDowngrade: f.RefundsDowngrade,
		GraceMonths: intField(lang, f.GraceMonths, "settings.grace_months", f.Errors),
		WarningDays: intField(lang, f.WarningDays, "settings.warning_days", f.Errors)}
	var ladder tier.Ladder
	var rows []keptRow
	n, _ := strconv.Atoi(r.PostFormValue("tiers.count"))
	for i := 0; i < n && i <= tier.MaxTiers; i++ {
		at := func(part string) string {
			return strings.TrimSpace(r.PostFormValue(fmt.Sprintf("tiers[%d].%s", i, part)))
		}
		row := tierForm{Index: i, New: at("new") == "true", Remove: at("remove") == "on", Code: at("code"), NameZH: at("name_zh"),
			NameEN: at("name_en"), Colour: at("colour"), BadgeURL: at("badge_url"), BenefitsZH: at("benefits_zh"),
			BenefitsEN: at("benefits_en"), Spend: at("spend"), StatusPoints: at("status_points"), Visits: at("visits"), Match: at("match")}
		f.Tiers = append(f.Tiers, row)
		if row.Remove || row.New && row.Code == "" && row.NameZH == "" && row.NameEN == "" {
			continue
		}
		t := tier.Tier{Code: tier.Code(row.Code), Name: tier.Text{ZH: row.NameZH, EN: row.NameEN}, Colour: row.Colour,
			BadgeURL: row.BadgeURL, Benefits: tier.Text{ZH: row.BenefitsZH, EN: row.BenefitsEN}, Match: tier.Match(row.Match)}
		if row.Spend != "" {
			fen, err := console.ParseYuan(row.Spend)
			if err != nil || fen < 0 {
				f.Errors[row.Field("spend")] = messages.T(lang, "tiers.bad_yuan")
			}
			t.Criteria = append(t.Criteria, tier.Criterion{Kind: tier.Spend, Min: fen})
		}
		if row.StatusPoints != "" {
			t.Criteria = append(t.Criteria, tier.Criterion{Kind: tier.StatusPoints, Min: int64(intField(lang, row.StatusPoints, row.Field("status_points"), f.Errors))})
		}
		if row.Visits != "" {
			t.Criteria = append(t.Criteria, tier.Criterion{Kind: tier.Visits, Min: int64(intField(lang, row.Visits, row.Field("visits"), f.Errors))})
		}
		kept := keptRow{Index: i}
		for _, c := range t.Criteria {
			kept.Kinds = append(kept.Kinds, c.Kind)
		}
		ladder = append(ladder, t)
		rows = append(rows, kept)
	}
	return f, ladder, s, rows
}

// intField parses a whole number typed with or without separators, or notes the field's error.
func intField(lang, s, field string, errs map[string]string) int {
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil || n < 0 {
		errs[field] = messages.T(lang, "tiers.bad_number")
	}
	return n
}

// reasons name the messages of the program's refusals.
var reasons = []struct {
	err error
	key string
}{
	{tier.ErrRemovedHeld, "tiers.tier_in_use"}, {tier.ErrNoTiers, "tiers.no_tiers"}, {tier.ErrTooManyTiers, "tiers.too_many"},
	{tier.ErrCode, "tiers.bad_code"}, {tier.ErrDuplicateCode, "tiers.duplicate_code"}, {tier.ErrName, "tiers.bad_name"},
	{tier.ErrColour, "tiers.bad_colour"}, {tier.ErrURL, "tiers.bad_url"}, {tier.ErrBenefits, "tiers.bad_benefits"},
	{tier.ErrMatch, "tiers.bad_match"}, {tier.ErrMinRange, "tiers.bad_min"}, {tier.ErrLowestMin, "tiers.lowest_min"},
	{tier.ErrNoCriteria, "tiers.no_criteria"}, {tier.ErrNotAscending, "tiers.not_ascending"}, {tier.ErrEnum, "tiers.bad_choice"},
	{tier.ErrGrace, "tiers.bad_grace"}, {tier.ErrNextPeriod, "tiers.next_period_rolling"}, {tier.ErrWarningDays, "tiers.bad_warning_days"},
}

// programErrors puts the program's field errors beside the form's inputs (a ladder index is
// the form row it came from; a criterion the input of its kind), and says whether err had any.
func programErrors(lang string, err error, held tier.Ladder, rows []keptRow, out map[string]string) bool {
	fes := fielderr.All(err)
	for _, fe := range fes {
		msg := messages.T(lang, "form.invalid")
		for _, r := range reasons {
			if errors.Is(fe.Err, r.err) {
				msg = messages.T(lang, r.key)
				break
			}
		}
		field := fe.Field
		var i, j int
		var rest string
		if _, e := fmt.Sscanf(field, "tiers[%d].%s", &i, &rest); e == nil && i < len(rows) {
			part, _, _ := strings.Cut(rest, ".")
			if _, e := fmt.Sscanf(part, "criteria[%d]", &j); e == nil && j < len(rows[i].Kinds) {
				part = string(rows[i].Kinds[j])
			}
			field = fmt.Sprintf("tiers[%d].%s", rows[i].Index, part)
		} else if field == "tiers" && errors.Is(fe.Err, tier.ErrRemovedHeld) {
			code, _, _ := strings.Cut(fe.Err.Error(), ":")
			msg = fmt.Sprintf(messages.T(lang, "tiers.tier_in_use"), tierName(lang, held, tier.Code(code)))
		}
		if _, taken := out[field]; !taken {
			out[field] = msg
		}
	}
	return len(fes) > 0
}
