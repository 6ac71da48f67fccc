package pointsui

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/campaigns"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
	"github.com/engagehq/engage/ports"
)

// campaignRoutes are the bonus campaigns' pages: the list with live performance, the form of a
// scheduled campaign, and stopping one.
func campaignRoutes(h *handlers) []console.Route {
	read, write := console.Needs(ledger.PermRead), console.Needs(access.PermSettingsWrite)
	return []console.Route{
		console.Get("/points/campaigns", read, h.campaignList),
		console.Get("/points/campaigns/new", write, h.newCampaign),
		console.Post("/points/campaigns", write, h.saveCampaign),
		console.Get("/points/campaigns/{id}", write, h.editCampaign),
		console.Post("/points/campaigns/{id}", write, h.saveCampaign),
		console.Post("/points/campaigns/{id}/stop", write, h.stopCampaign),
	}
}

// campaignMenu is the campaigns' menu entry.
var campaignMenu = console.MenuEntry{Label: "nav.points_campaigns", Path: "/console/points/campaigns", ID: "points-campaigns",
	Gate: console.Needs(ledger.PermRead), Order: 58}

// campaignRow is a campaign as the list shows it.
type campaignRow struct {
	campaigns.Campaign
	State campaigns.State
}

// campaignListView is the campaigns page.
type campaignListView struct {
	*console.View
	Campaigns []campaignRow
	CanEdit   bool
	Notice    string
}

func (h *handlers) campaignList(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	cs, err := h.d.Points.Campaigns(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	view := campaignListView{View: v, CanEdit: v.Can(string(access.PermSettingsWrite))}
	now := h.d.Points.Now()
	for _, c := range cs {
		view.Campaigns = append(view.Campaigns, campaignRow{Campaign: c, State: c.StateAt(now)})
	}
	switch r.URL.Query().Get("done") {
	case "saved":
		view.Notice = "campaigns.saved"
	case "stopped":
		view.Notice = "campaigns.stopped_now"
	case "not_running":
		view.Notice = "campaigns.err_not_running"
	}
	console.Render(w, r, "points_campaigns", view)
}

// campaignForm is a campaign as the form shows and takes it: times in the brand's zone, the
// minimum spend in yuan, numbers as typed, and the message of every field at fault.
type campaignForm struct {
	ID                                           string
	NameZH, NameEN, DescriptionZH, DescriptionEN string
	Wallet, Kind                                 string
	StartsAt, EndsAt                             string
	Percent, Points, Budget, MinSpend            string
	Weekdays                                     []string
	Segments, StoreCategories                    []string
	// Kept are the conditions the form does not edit (set through the API), kept as they were.
	Kept   rules.Conditions
	Errors map[string]string
}

// campaignFormView is the page of a campaign's form.
type campaignFormView struct {
	*console.View
	Form            campaignForm
	Wallets         []ledger.Wallet
	Kinds           []rules.Kind
	Weekdays        []int
	Segments        []segment.Segment
	StoreCategories []rules.StoreCategory
}

func formOfCampaign(v *console.View, c campaigns.Campaign) campaignForm {
	f := campaignForm{ID: c.ID.String(), NameZH: c.Name.ZH, NameEN: c.Name.EN, DescriptionZH: c.Description.ZH,
		DescriptionEN: c.Description.EN, Wallet: string(c.Wallet), Kind: string(c.Kind),
		StartsAt: c.StartsAt.In(v.Location()).Format(localInput), EndsAt: c.EndsAt.In(v.Location()).Format(localInput),
		Budget: strconv.FormatInt(c.Budget, 10), StoreCategories: c.When.StoreCategories, Kept: c.When, Errors: map[string]string{}}
	if c.Percent > 0 {
		f.Percent = strconv.FormatInt(c.Percent, 10)
	}
	if c.Points > 0 {
		f.Points = strconv.FormatInt(c.Points, 10)
	}
	if c.When.MinSpendFen > 0 {
		f.MinSpend = yuanInput(c.When.MinSpendFen)
	}
	for _, d := range c.When.Weekdays {
		f.Weekdays = append(f.Weekdays, strconv.Itoa(d))
	}
	for _, s := range c.When.Segments {
		f.Segments = append(f.Segments, s.String())
	}
	return f
}

func (h *handlers) campaignFormPage(w http.ResponseWriter, r *http.Request, f campaignForm, status int) {
	v := console.ViewOf(r)
	view := campaignFormView{View: v, Form: f, Kinds: []rules.Kind{rules.KindMultiplier, rules.KindBonus}, Weekdays: []int{1, 2, 3, 4, 5, 6, 0}}
	settings, err := h.d.Points.Settings(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	view.Wallets = settings.Keys()
	vs, current, err := h.d.Points.RuleVersions(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	for _, ver := range vs {
		if ver.Number == current {
			view.StoreCategories = ver.Set.StoreCategories
		}
	}
	if h.d.Segments != nil {
		if view.Segments, err = h.d.Segments.List(r.Context(), v.Tenant.ID, ports.Page{Limit: 200}); err != nil {
			console.Internal(w, r, err)
			return
		}
	}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	console.Render(w, r, "points_campaign_form", view)
}

func (h *handlers) newCampaign(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	start := h.d.Points.Now().In(v.Location()).Truncate(time.Hour).Add(24 * time.Hour)
	h.campaignFormPage(w, r, campaignForm{Wallet: string(ledger.Points), Kind: string(rules.KindMultiplier), Percent: "200",
		StartsAt: start.Format(localInput), EndsAt: start.AddDate(0, 0, 7).Format(localInput), Errors: map[string]string{}}, http.StatusOK)
}

func (h *handlers) editCampaign(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	c, err := h.d.Points.Campaign(r.Context(), v.Tenant.ID, id)
	if errors.Is(err, campaigns.ErrNotFound) {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	if c.StateAt(h.d.Points.Now()) != campaigns.Scheduled {
		console.Redirect(w, r, "/console/points/campaigns")
		return
	}
	h.campaignFormPage(w, r, formOfCampaign(v, c), http.StatusOK)
}

// readCampaignForm reads the posted form into a campaign; what does not parse is in the form's
// errors under the field's API name.
func readCampaignForm(r *http.Request, v *console.View, kept rules.Conditions) (campaignForm, campaigns.Campaign) {
	val := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	f := campaignForm{ID: chiID(r), NameZH: val("name_zh"), NameEN: val("name_en"), DescriptionZH: val("description_zh"),
		DescriptionEN: val("description_en"), Wallet: val("wallet"), Kind: val("kind"), StartsAt: val("starts_at"),
		EndsAt: val("ends_at"), Percent: val("percent"), Points: val("points"), Budget: val("budget"), MinSpend: val("min_spend"),
		Weekdays: r.PostForm["weekdays"], Segments: r.PostForm["segments"], StoreCategories: r.PostForm["store_categories"],
		Kept: kept, Errors: map[string]string{}}
	c := campaigns.Campaign{Name: rules.Text{ZH: f.NameZH, EN: f.NameEN}, Description: rules.Text{ZH: f.DescriptionZH, EN: f.DescriptionEN},
		Wallet: ledger.Wallet(f.Wallet), Kind: rules.Kind(f.Kind), When: kept}
	number := func(field, s string) int64 {
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
		if err != nil {
			f.Errors[field] = messages.T(v.Lang, "points.not_a_number")
		}
		return n
	}
	if c.Kind == rules.KindMultiplier {
		c.Percent = number("percent", f.Percent)
	} else {
		c.Points = number("points", f.Points)
	}
	c.Budget = number("budget", f.Budget)
	at := func(field, s string) time.Time {
		t, err := time.ParseInLocation(localInput, s, v.Location())
		if err != nil {
			f.Errors[field] = messages.T(v.Lang, "rewards.bad_time")
		}
		return t.UTC()
	}
	c.StartsAt, c.EndsAt = at("starts_at", f.StartsAt), at("ends_at", f.EndsAt)
	c.When.MinSpendFen = 0
	if f.MinSpend != "" {
		fen, err := console.ParseYuan(f.MinSpend)
		if err != nil {
			f.Errors["when.min_spend_fen"] = messages.T(v.Lang, "points.not_yuan")
		}
		c.When.MinSpendFen = fen
	}
	c.When.Weekdays, c.When.Segments, c.When.StoreCategories = nil, nil, f.StoreCategories
	for _, s := range f.Weekdays {
		if d, err := strconv.Atoi(s); err == nil {
			c.When.Weekdays = append(c.When.Weekdays, d)
		}
	}
	for _, s := range f.Segments {
		if id, err := uuid.Parse(s); err == nil {
			c.When.Segments = append(c.When.Segments, id)
		}
	}
	return f, c
}

// saveCampaign creates or changes a scheduled campaign from the form; a field at fault is
// shown under its input and nothing changes.
func (h *handlers) saveCampaign(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	var id uuid.UUID
	var kept rules.Conditions
	if chi.URLParam(r, "id") != "" {
		var ok bool
		if id, ok = console.PathID(w, r); !ok {
			return
		}
		old, err := h.d.Points.Campaign(r.Context(), v.Tenant.ID, id)
		if errors.Is(err, campaigns.ErrNotFound) {
			console.NotFound(w, r)
			return
		}
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		kept = old.When
	}
	f, c := readCampaignForm(r, v, kept)
	if len(f.Errors) == 0 {
		var err error
		if id == uuid.Nil {
			_, err = h.d.Points.CreateCampaign(r.Context(), v.Tenant.ID, c)
		} else {
			c.ID = id
			_, err = h.d.Points.UpdateCampaign(r.Context(), v.Tenant.ID, c)
		}
		switch {
		case err == nil:
			console.Redirect(w, r, "/console/points/campaigns?done=saved")
			return
		case errors.Is(err, campaigns.ErrNotScheduled):
			f.Errors["starts_at"] = messages.T(v.Lang, "campaigns.err_started")
		}
		for _, fe := range fielderr.All(err) {
			field, _, _ := strings.Cut(fe.Field, "[")
			field = strings.TrimSuffix(strings.TrimSuffix(field, ".zh_cn"), ".en")
			f.Errors[field] = messages.TOr(v.Lang, "campaigns.bad_"+strings.TrimPrefix(field, "when."), "form.invalid")
		}
		if len(f.Errors) == 0 {
			console.Internal(w, r, err)
			return
		}
	}
	h.campaignFormPage(w, r, f, http.StatusUnprocessableEntity)
}

// stopCampaign stops a scheduled or running campaign and says so on the list.
func (h *handlers) stopCampaign(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	_, err := h.d.Points.StopCampaign(r.Context(), console.ViewOf(r).Tenant.ID, id)
	switch {
	case errors.Is(err, campaigns.ErrNotFound):
		console.NotFound(w, r)
	case errors.Is(err, campaigns.ErrNotStoppable):
		console.Redirect(w, r, "/console/points/campaigns?done=not_running")
	case err != nil:
		console.Internal(w, r, err)
	default:
		console.Redirect(w, r, "/console/points/campaigns?done=stopped")
	}
}

// campaignOffer says what a campaign gives in lang: "double points", "150% points", "+30 points".
func campaignOffer(lang string, c campaigns.Campaign) string {
	if c.Kind == rules.KindBonus {
		return strings.ReplaceAll(messages.T(lang, "campaigns.offer_bonus"), "{n}", console.FormatCount(c.Points))
	}
	if c.Percent%100 == 0 && c.Percent <= 1000 {
		return messages.T(lang, "campaigns.offer_times_"+strconv.FormatInt(c.Percent/100, 10))
	}
	return strings.ReplaceAll(messages.T(lang, "campaigns.offer_percent"), "{n}", strconv.FormatInt(c.Percent, 10))
}

// weekdayName is a weekday's name in lang (0 Sunday).
func weekdayName(lang string, d int) string {
	return messages.T(lang, "campaigns.weekday_"+strconv.Itoa(d))
}

// hasWeekday reports whether the form's weekdays hold d.
func hasWeekday(days []string, d int) bool { return slices.Contains(days, strconv.Itoa(d)) }
