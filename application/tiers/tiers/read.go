package tiers

import (
	"context"
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
	loc, err := s.zone(ctx, tenant)
	if err != nil {
		return View{}, err
	}
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (View, error) {
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
		v := View{Member: m, Ladder: p.Ladder, Lang: lang}
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
		v.Upgrade = p.Ladder.UpgradeSentence(v.Progress, lang)
		if !v.KeepBy.IsZero() {
			v.Keep = p.Ladder.KeepSentence(v.Progress, lang, v.KeepBy.In(loc), now.In(loc))
		}
		v.History, err = s.deps.Store.History(ctx, customer, HistoryLimit)
		return v, err
	})
}

// Language is the language of the two that lang names: "en" for English, else "zh-CN".
func Language(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return "en"
	}
	return "zh-CN"
}
