package tiers

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// HistoryLimit is how many changes a member's view lists.
const HistoryLimit = 50

// View is a member's tier as they and the brand's admins see it.
type View struct {
	Member Member
	Ladder tier.Ladder
	// Figures are the member's figures in the period under way; KeepFigures those of the window
	// that decides at the end of the validity, which ends on KeepBy (exclusive; zero for the
	// lowest tier).
	Figures     tier.Figures
	KeepFigures tier.Figures
	KeepBy      time.Time
	Progress    tier.Progress
	// Upgrade and Keep are the progress sentences in Lang ("" for none).
	Lang          string
	Upgrade, Keep string
	History       []Change
	loc           *time.Location
	now           time.Time
}

// Tier returns the member's tier in effect.
func (v View) Tier() tier.Tier { return v.Ladder[v.Progress.Current] }

// MemberTier returns the customer's tier, validity, progress (sentences in lang: "zh-CN" or
// "en"; "" for the customer's own) and history. A customer without figures holds the lowest
// tier. ports.ErrCustomerNotFound for a customer the brand does not know, ErrNoProgram when
// the brand has no tier program.
func (s *Service) MemberTier(ctx context.Context, tenant tenants.ID, customer uuid.UUID, lang string) (View, error) {
	c, err := s.deps.Customers.Get(ctx, tenant, customer)
	if err != nil {
		return View{}, err
	}
	if lang == "" {
		lang = c.Language
	}
	lang = Language(lang)
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (View, error) {
		return s.view(ctx, customer, lang)
	})
}

// view is MemberTier in the caller's tenant scope.
func (s *Service) view(ctx context.Context, customer uuid.UUID, lang string) (View, error) {
	loc, err := s.zoneHere(ctx)
	if err != nil {
		return View{}, err
	}
	now := s.now()
	p, ok, err := s.inEffect(ctx, now)
	if err != nil {
		return View{}, err
	}
	if !ok {
		return View{}, ErrNoProgram
	}
	m, found, err := s.deps.Store.Member(ctx, customer)
	if err != nil {
		return View{}, err
	}
	if !found {
		m = Member{Customer: customer, Tier: p.Ladder[0].Code, Joined: tier.Day(now, loc)}
	}
	v := View{Member: m, Ladder: p.Ladder, Lang: lang, loc: loc, now: now}
	from, to := p.Settings.Period(now, m.Joined.In(loc), loc)
	figures, err := s.deps.Store.Figures(ctx, []uuid.UUID{customer}, Window{From: from, To: to}, p.Settings.RefundsDowngrade)
	if err != nil {
		return View{}, err
	}
	v.Figures, v.KeepFigures = figures[customer], figures[customer]
	if m.ValidUntil != nil && !m.ManualActive(now) {
		kf, kt := p.Settings.EvaluationWindow(*m.ValidUntil, m.Joined.In(loc), loc)
		v.KeepBy = kt
		if kf != from || kt != to {
			keep, err := s.deps.Store.Figures(ctx, []uuid.UUID{customer}, Window{From: kf, To: kt}, p.Settings.RefundsDowngrade)
			if err != nil {
				return View{}, err
			}
			v.KeepFigures = keep[customer]
		}
	}
	cur := max(p.Ladder.Index(m.Tier), 0)
	v.Progress = p.Ladder.Progress(p.Settings, cur, v.Figures, v.KeepFigures)
	if v.KeepBy.IsZero() {
		v.Progress.Keep, v.Progress.Projected = nil, cur
	}
	v.Upgrade, v.Keep = v.Sentences(lang)
	v.History, err = s.deps.Store.History(ctx, customer, HistoryLimit)
	return v, err
}

// Sentences are the view's progress sentences in lang: to move up, and to keep the tier.
func (v View) Sentences(lang string) (upgrade, keep string) {
	upgrade = v.Ladder.UpgradeSentence(v.Progress, lang)
	if !v.KeepBy.IsZero() {
		keep = v.Ladder.KeepSentence(v.Progress, lang, v.KeepBy.In(v.loc), v.now.In(v.loc))
	}
	return upgrade, keep
}

// MemberSection implements ports.MemberSummaryProvider: the tier section of a member's summary
// in the Mini Program (the tier, its validity, the next tier and the progress sentences in both
// languages); absent while the brand has no tier program.
func (s *Service) MemberSection(ctx context.Context, customer uuid.UUID) (ports.MemberSection, bool, error) {
	v, err := s.view(ctx, customer, "zh-CN")
	if errors.Is(err, ErrNoProgram) {
		return ports.MemberSection{}, false, nil
	}
	if err != nil {
		return ports.MemberSection{}, false, err
	}
	t := v.Tier()
	data := map[string]any{"tier": t.Code, "name": t.Name, "colour": t.Colour, "badge_url": t.BadgeURL, "valid_until": v.Member.ValidUntil}
	if v.Progress.Next >= 0 {
		data["next"] = v.Ladder[v.Progress.Next].Code
	}
	upgradeEN, keepEN := v.Sentences("en")
	data["upgrade"] = tier.Text{ZH: v.Upgrade, EN: upgradeEN}
	data["keep"] = tier.Text{ZH: v.Keep, EN: keepEN}
	return ports.MemberSection{Name: "tier", Data: data}, true, nil
}

var _ ports.MemberSummaryProvider = (*Service)(nil)

// Language is the language of the two that lang names: "en" for English, else "zh-CN".
func Language(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return "en"
	}
	return "zh-CN"
}
