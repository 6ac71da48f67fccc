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
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	domain "github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/ports"
)

// rewardRoutes are the catalog's pages: the rewards, a reward's form, and the redemptions with
// their vouchers.
func rewardRoutes(h *handlers) []console.Route {
	read, catalog, write := console.Needs(ledger.PermRead), console.Needs(ledger.PermCatalog), console.Needs(ledger.PermWrite)
	return []console.Route{
		console.Get("/points/rewards", read, h.rewardList),
		console.Get("/points/rewards/new", catalog, h.newReward),
		console.Post("/points/rewards", catalog, h.saveReward),
		console.Get("/points/rewards/{id}", catalog, h.editReward),
		console.Post("/points/rewards/{id}", catalog, h.saveReward),
		console.Get("/points/vouchers", read, h.voucherList),
		console.Post("/points/vouchers/{id}/use", write, h.useVoucher),
		console.Post("/points/vouchers/{id}/cancel", write, h.cancelVoucher),
	}
}

// rewardMenu are the catalog's menu entries.
var rewardMenu = []console.MenuEntry{
	{Label: "nav.rewards", Path: "/console/points/rewards", ID: "points-rewards", Gate: console.Needs(ledger.PermRead), Order: 53},
	{Label: "nav.vouchers", Path: "/console/points/vouchers", ID: "points-vouchers", Gate: console.Needs(ledger.PermRead), Order: 54},
}

// rewardListView is the catalog page.
type rewardListView struct {
	*console.View
	Rewards  []rewards.View
	Status   string
	Category string
	// Statuses and Categories are the filters' choices.
	Statuses   []domain.Status
	Categories []string
	Next       string
}

const rewardPage = 50

func (h *handlers) rewardList(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	q := r.URL.Query()
	view := rewardListView{View: v, Status: q.Get("status"), Category: q.Get("category"), Statuses: domain.Statuses}
	query := rewards.Query{Category: view.Category}
	if slices.Contains(domain.Statuses, domain.Status(view.Status)) {
		query.Statuses = []domain.Status{domain.Status(view.Status)}
	} else {
		view.Status = ""
	}
	after := q.Get("after")
	if _, err := uuid.Parse(after); err != nil {
		after = ""
	}
	var err error
	if view.Rewards, err = h.d.Rewards.List(r.Context(), v.Tenant.ID, query, ports.Page{Limit: rewardPage + 1, After: after}); err != nil {
		console.Internal(w, r, err)
		return
	}
	if len(view.Rewards) > rewardPage {
		view.Rewards = view.Rewards[:rewardPage]
		view.Next = view.Rewards[rewardPage-1].ID.String()
	}
	if view.Categories, err = h.d.Rewards.Categories(r.Context(), v.Tenant.ID); err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Render(w, r, "rewards", view)
}

// rewardForm is a reward as the form shows and takes it: cash in yuan, times in the brand's
// zone, numbers as typed, and the message of every field at fault under the API's name.
type rewardForm struct {
	ID                                             string
	Kind, Status                                   string
	TitleZH, TitleEN, DescriptionZH, DescriptionEN string
	Images, Category                               string
	Points, Cash, Stock                            string
	PerCustomer, PerPeriod, Period                 string
	ValidFrom, ValidUntil, VoucherDays             string
	Segments                                       []string
	// Conditions are kept as they were: attribute conditions are set through the API.
	Conditions []domain.Condition
	Claimed    int64
	Errors     map[string]string
}

// rewardFormView is the page of a reward's form.
type rewardFormView struct {
	*console.View
	Form       rewardForm
	Kinds      []domain.Kind
	Statuses   []domain.Status
	Periods    []domain.Period
	Categories []string
	Segments   []segment.Segment
}

// localInput is the datetime-local input format.
const localInput = "2006-01-02T15:04"

func formOfReward(v *console.View, r rewards.View) rewardForm {
	f := rewardForm{ID: r.ID.String(), Kind: string(r.Kind), Status: string(r.Status), TitleZH: r.Title.ZH, TitleEN: r.Title.EN,
		DescriptionZH: r.Description.ZH, DescriptionEN: r.Description.EN, Images: strings.Join(r.Images, "\n"), Category: r.Category,
		Points: strconv.FormatInt(r.Points, 10), PerCustomer: strconv.Itoa(r.PerCustomer), PerPeriod: strconv.Itoa(r.PerPeriod.Count),
		Period: string(r.PerPeriod.Period), VoucherDays: strconv.Itoa(r.VoucherDays), Conditions: r.Eligibility.Conditions,
		Claimed: r.Claimed, Errors: map[string]string{}}
	if r.CashFen > 0 {
		f.Cash = yuanInput(r.CashFen)
	}
	if r.Stock != nil {
		f.Stock = strconv.FormatInt(*r.Stock, 10)
	}
	if !r.ValidFrom.IsZero() {
		f.ValidFrom = r.ValidFrom.In(v.Location()).Format(localInput)
	}
	if !r.ValidUntil.IsZero() {
		f.ValidUntil = r.ValidUntil.In(v.Location()).Format(localInput)
	}
	for _, s := range r.Eligibility.Segments {
		f.Segments = append(f.Segments, s.String())
	}
	return f
}

func (h *handlers) formPage(w http.ResponseWriter, r *http.Request, f rewardForm) {
	v := console.ViewOf(r)
	view := rewardFormView{View: v, Form: f, Kinds: domain.Kinds, Statuses: domain.Statuses, Periods: domain.Periods}
	var err error
	if view.Categories, err = h.d.Rewards.Categories(r.Context(), v.Tenant.ID); err != nil {
		console.Internal(w, r, err)
		return
	}
	if h.d.Segments != nil {
		if view.Segments, err = h.d.Segments.List(r.Context(), v.Tenant.ID, ports.Page{Limit: 200}); err != nil {
			console.Internal(w, r, err)
			return
		}
	}
	console.Render(w, r, "reward_form", view)
}

func (h *handlers) newReward(w http.ResponseWriter, r *http.Request) {
	h.formPage(w, r, rewardForm{Kind: string(domain.KindVoucher), Status: string(domain.StatusActive), VoucherDays: "30",
		PerCustomer: "0", PerPeriod: "0", Period: string(domain.PeriodMonth), Errors: map[string]string{}})
}

func (h *handlers) editReward(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	got, err := h.d.Rewards.Get(r.Context(), console.ViewOf(r).Tenant.ID, id)
	if errors.Is(err, rewards.ErrRewardNotFound) {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	h.formPage(w, r, formOfReward(console.ViewOf(r), got))
}

// readRewardForm reads the posted form into a reward; what does not parse is in the form's
// errors under the field's API name.
func readRewardForm(r *http.Request, v *console.View) (rewardForm, domain.Reward) {
	val := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	f := rewardForm{ID: chiID(r), Kind: val("kind"), Status: val("status"), TitleZH: val("title_zh"), TitleEN: val("title_en"),
		DescriptionZH: val("description_zh"), DescriptionEN: val("description_en"), Images: val("images"), Category: val("category"),
		Points: val("points"), Cash: val("cash"), Stock: val("stock"), PerCustomer: val("per_customer"), PerPeriod: val("per_period"),
		Period: val("period"), ValidFrom: val("valid_from"), ValidUntil: val("valid_until"), VoucherDays: val("voucher_days"),
		Segments: r.PostForm["segments"], Errors: map[string]string{}}
	rw := domain.Reward{Kind: domain.Kind(f.Kind), Status: domain.Status(f.Status), Title: domain.Text{ZH: f.TitleZH, EN: f.TitleEN},
		Description: domain.Text{ZH: f.DescriptionZH, EN: f.DescriptionEN}, Category: f.Category}
	for line := range strings.SplitSeq(f.Images, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			rw.Images = append(rw.Images, line)
		}
	}
	number := func(field, s string, blankOK bool) int64 {
		if s == "" && blankOK {
			return 0
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
		if err != nil {
			f.Errors[field] = messages.T(v.Lang, "points.not_a_number")
		}
		return n
	}
	rw.Points = number("points", f.Points, false)
	if f.Cash != "" {
		fen, err := console.ParseYuan(f.Cash)
		if err != nil {
			f.Errors["cash_fen"] = messages.T(v.Lang, "points.not_yuan")
		}
		rw.CashFen = fen
	}
	if f.Stock != "" {
		n := number("stock", f.Stock, false)
		rw.Stock = &n
	}
	rw.PerCustomer = int(number("per_customer", f.PerCustomer, true))
	rw.PerPeriod = domain.Limit{Count: int(number("per_period.count", f.PerPeriod, true)), Period: domain.Period(f.Period)}
	rw.VoucherDays = int(number("voucher_days", f.VoucherDays, false))
	at := func(field, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(localInput, s, v.Location())
		if err != nil {
			f.Errors[field] = messages.T(v.Lang, "rewards.bad_time")
		}
		return t.UTC()
	}
	rw.ValidFrom, rw.ValidUntil = at("valid_from", f.ValidFrom), at("valid_until", f.ValidUntil)
	for _, s := range f.Segments {
		id, err := uuid.Parse(s)
		if err != nil {
			f.Errors["eligibility"] = messages.T(v.Lang, "rewards.bad_eligibility")
			continue
		}
		rw.Eligibility.Segments = append(rw.Eligibility.Segments, id)
	}
	return f, rw
}

// chiID is the reward ID of the form's path, "" for a new reward.
func chiID(r *http.Request) string {
	if id, err := uuid.Parse(chi.URLParam(r, "id")); err == nil {
		return id.String()
	}
	return ""
}

// saveReward creates or changes a reward from the form; a field at fault is shown under its
// input and nothing changes.
func (h *handlers) saveReward(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	f, rw := readRewardForm(r, v)
	var id uuid.UUID
	if chi.URLParam(r, "id") != "" {
		var ok bool
		if id, ok = console.PathID(w, r); !ok {
			return
		}
	}
	if len(f.Errors) == 0 {
		var err error
		var saved rewards.View
		if id == uuid.Nil {
			saved, err = h.d.Rewards.Create(r.Context(), v.Tenant.ID, rw)
		} else {
			var old rewards.View
			if old, err = h.d.Rewards.Get(r.Context(), v.Tenant.ID, id); err == nil {
				rw.Eligibility.Conditions = old.Eligibility.Conditions
				f.Conditions, f.Claimed = old.Eligibility.Conditions, old.Claimed
				saved, err = h.d.Rewards.Update(r.Context(), v.Tenant.ID, id, rw)
			}
		}
		switch {
		case errors.Is(err, rewards.ErrRewardNotFound):
			console.NotFound(w, r)
			return
		case err == nil:
			console.Redirect(w, r, "/console/points/rewards?saved="+saved.ID.String())
			return
		}
		for _, fe := range fielderr.All(err) {
			first, _, _ := strings.Cut(fe.Field, ".")
			first, _, _ = strings.Cut(first, "[")
			key := "rewards.bad_" + first
			if errors.Is(fe, domain.ErrStockBelowUsed) {
				key = "rewards.stock_below_claimed"
			}
			field := fe.Field
			if first == "images" || first == "eligibility" {
				field = first
			}
			f.Errors[field] = messages.TOr(v.Lang, key, "form.invalid")
		}
		if len(f.Errors) == 0 {
			console.Internal(w, r, err)
			return
		}
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	h.formPage(w, r, f)
}

// voucherListView is the redemptions page: vouchers by code or state, newest first.
type voucherListView struct {
	*console.View
	Vouchers []rewards.Issued
	// Names are the vouchers' customers' names by ID; Notice says what the last action did.
	Names  map[uuid.UUID]string
	Notice string
	Code   string
	State  string
	States []domain.State
	Next   string
	// Searched says a code was looked up (and NotFound that it named nothing).
	Searched, NotFound bool
}

const voucherPage = 50

// voucherDone are the outcomes of an action on a voucher that the page announces after it
// (?done=), each a message.
var voucherDone = map[string]string{"used": "rewards.voucher_used_now", "cancelled": "rewards.voucher_cancelled_now",
	"cancelled_before": "rewards.voucher_cancelled_before", "err_used": "rewards.err_used", "err_expired": "rewards.err_expired",
	"err_cancelled": "rewards.err_cancelled", "invalid": "form.invalid"}

func (h *handlers) voucherList(w http.ResponseWriter, r *http.Request) {
	flash := ""
	if key, ok := voucherDone[r.URL.Query().Get("done")]; ok {
		flash = messages.T(console.ViewOf(r).Lang, key)
	}
	h.renderVouchers(w, r, flash)
}

func (h *handlers) renderVouchers(w http.ResponseWriter, r *http.Request, flash string) {
	v := console.ViewOf(r)
	q := r.URL.Query()
	view := voucherListView{View: v, Notice: flash, Code: strings.TrimSpace(q.Get("code")), State: q.Get("state"), States: domain.States,
		Names: map[uuid.UUID]string{}}
	query := rewards.VoucherQuery{Code: view.Code}
	if slices.Contains(domain.States, domain.State(view.State)) {
		query.States = []domain.State{domain.State(view.State)}
	} else {
		view.State = ""
	}
	after := q.Get("after")
	if _, err := uuid.Parse(after); err != nil {
		after = ""
	}
	var err error
	if view.Vouchers, err = h.d.Rewards.Vouchers(r.Context(), v.Tenant.ID, query, ports.Page{Limit: voucherPage + 1, After: after}); err != nil {
		console.Internal(w, r, err)
		return
	}
	if len(view.Vouchers) > voucherPage {
		view.Vouchers = view.Vouchers[:voucherPage]
		view.Next = view.Vouchers[voucherPage-1].ID.String()
	}
	for _, vo := range view.Vouchers {
		if _, done := view.Names[vo.Customer]; done {
			continue
		}
		c, err := h.d.Customers.Get(r.Context(), v.Tenant.ID, vo.Customer)
		switch {
		case errors.Is(err, ports.ErrCustomerNotFound):
			view.Names[vo.Customer] = ""
		case err != nil:
			console.Internal(w, r, err)
			return
		default:
			view.Names[vo.Customer] = c.Name
		}
	}
	view.Searched = view.Code != ""
	view.NotFound = view.Searched && len(view.Vouchers) == 0
	console.Render(w, r, "vouchers", view)
}

// useVoucher marks a voucher used at the counter; cancelVoucher withdraws it, giving its
// points and stock back. Either answers the redemptions page with what happened.
func (h *handlers) useVoucher(w http.ResponseWriter, r *http.Request) { h.voucherAction(w, r, true) }
func (h *handlers) cancelVoucher(w http.ResponseWriter, r *http.Request) {
	h.voucherAction(w, r, false)
}

func (h *handlers) voucherAction(w http.ResponseWriter, r *http.Request, use bool) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	got, err := h.d.Rewards.Voucher(r.Context(), v.Tenant.ID, id)
	if errors.Is(err, rewards.ErrVoucherNotFound) {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	done := "used"
	if use {
		_, err = h.d.Rewards.Use(r.Context(), v.Tenant.ID, rewards.Find{Code: got.Code}, r.PostFormValue("store"))
	} else {
		var c rewards.Cancelled
		c, err = h.d.Rewards.Cancel(r.Context(), v.Tenant.ID, id, r.PostFormValue("reason"))
		done = "cancelled"
		if err == nil && c.Replayed {
			done = "cancelled_before"
		}
	}
	switch {
	case errors.Is(err, domain.ErrVoucherUsed):
		done = "err_used"
	case errors.Is(err, domain.ErrVoucherExpired):
		done = "err_expired"
	case errors.Is(err, domain.ErrVoucherCancelled):
		done = "err_cancelled"
	case len(fielderr.All(err)) > 0:
		done = "invalid"
	case err != nil:
		console.Internal(w, r, err)
		return
	}
	// After the post, the page of the voucher: reloading it or switching language posts nothing.
	console.Redirect(w, r, "/console/points/vouchers?code="+got.Code+"&done="+done)
}
