// Package campaigns is a brand's bonus campaigns: for a scheduled window, purchases meeting the
// campaign's conditions earn extra points into one wallet (a multiplier of their base points, or
// a fixed bonus), until the campaign's points budget is spent. A campaign is scheduled before its
// start, running in its window, ended after it, or stopped: by hand, or when its budget is spent.
//
// A purchase earns from a campaign when it happened in the campaign's window and the campaign
// is not stopped when it is earned: a purchase reported late (a replay of history, a till that
// was offline) still earns while budget is left.
package campaigns

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
)

// State is where a campaign is in its life.
type State string

// States of a campaign.
const (
	Scheduled State = "scheduled"
	Running   State = "running"
	Ended     State = "ended"
	Stopped   State = "stopped"
)

// States are the states, for API enums.
var States = []State{Scheduled, Running, Ended, Stopped}

// Why a campaign was stopped.
const (
	StoppedBudget = "budget"
	StoppedByHand = "admin"
)

// Limits of a campaign.
const (
	MaxName        = 100
	MaxDescription = 500
	MaxBudget      = 1_000_000_000
	MaxDuration    = 366 * 24 * time.Hour
)

// Errors of campaigns.
var (
	ErrNotFound     = errors.New("no such campaign")
	ErrNotScheduled = errors.New("the campaign has started: only a scheduled campaign changes")
	ErrNotStoppable = errors.New("the campaign has ended or was stopped")
	ErrUnknownKind  = fmt.Errorf("one of %v", []rules.Kind{rules.KindMultiplier, rules.KindBonus})
)

// Campaign is one bonus campaign with its live performance.
type Campaign struct {
	ID          uuid.UUID
	Name        rules.Text
	Description rules.Text
	Wallet      ledger.Wallet
	StartsAt    time.Time
	EndsAt      time.Time
	// Kind is rules.KindMultiplier (Percent of the base points: 200 doubles them) or
	// rules.KindBonus (Points per qualifying purchase).
	Kind    rules.Kind
	Percent int64
	Points  int64
	When    rules.Conditions
	// Budget is the most points the campaign ever issues.
	Budget int64
	// StoppedAt is set once the campaign stopped: StopReason says why (budget, admin).
	StoppedAt  *time.Time
	StopReason string
	Performance
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Performance is what a campaign did so far, kept with every earning.
type Performance struct {
	// Issued is the points the campaign gave; refunds take theirs back from the customer and
	// do not return them to the budget.
	Issued int64
	// Participants are the distinct customers who earned from it.
	Participants int64
	// Purchases and SpendFen are the purchases that earned from it and their amount.
	Purchases int64
	SpendFen  int64
}

// StateAt returns the campaign's state at now.
func (c Campaign) StateAt(now time.Time) State {
	switch {
	case c.StoppedAt != nil:
		return Stopped
	case now.Before(c.StartsAt):
		return Scheduled
	case !now.Before(c.EndsAt):
		return Ended
	}
	return Running
}

// Covers reports whether a purchase at t is in the campaign's window.
func (c Campaign) Covers(t time.Time) bool { return !t.Before(c.StartsAt) && t.Before(c.EndsAt) }

// Left is the budget not issued yet; nothing once stopped.
func (c Campaign) Left() int64 {
	if c.StoppedAt != nil {
		return 0
	}
	return max(c.Budget-c.Issued, 0)
}

// Offer is the campaign's offer as a rule, which rules.Set.Extra evaluates.
func (c Campaign) Offer() rules.Rule {
	return rules.Rule{Key: "campaign", Title: c.Name, Wallet: c.Wallet, Kind: c.Kind, Percent: c.Percent, Points: c.Points, When: c.When}
}

// Check returns every field at fault, each a *fielderr.Error, joined: wallets are the brand's
// wallets and storeCategories the keys of the store categories of its rules.
func (c Campaign) Check(wallets []ledger.Wallet, storeCategories []string) error {
	var errs []error
	errs = append(errs, c.Name.Check("name", MaxName, true)...)
	errs = append(errs, c.Description.Check("description", MaxDescription, false)...)
	if !slices.Contains(wallets, c.Wallet) {
		errs = append(errs, fielderr.New("wallet", rules.ErrUnknownWallet))
	}
	switch {
	case c.StartsAt.IsZero():
		errs = append(errs, fielderr.Errorf("starts_at", "required"))
	case c.EndsAt.IsZero() || !c.EndsAt.After(c.StartsAt):
		errs = append(errs, fielderr.Errorf("ends_at", "after starts_at"))
	case c.EndsAt.Sub(c.StartsAt) > MaxDuration:
		errs = append(errs, fielderr.Errorf("ends_at", "at most 366 days after starts_at"))
	}
	switch c.Kind {
	case rules.KindMultiplier:
		if c.Percent <= 100 || c.Percent > rules.MaxPercent {
			errs = append(errs, fielderr.Errorf("percent", "101 to %d (200: double points)", rules.MaxPercent))
		}
	case rules.KindBonus:
		if c.Points <= 0 || c.Points > rules.MaxPoints {
			errs = append(errs, fielderr.Errorf("points", "1 to %d", rules.MaxPoints))
		}
	default:
		errs = append(errs, fielderr.New("kind", ErrUnknownKind))
	}
	if c.When.FromDate != "" || c.When.ToDate != "" {
		errs = append(errs, fielderr.Errorf("when.from_date", "a campaign's window is its start and end"))
	}
	errs = append(errs, c.When.Check("when.", storeCategories)...)
	if c.Budget <= 0 || c.Budget > MaxBudget {
		errs = append(errs, fielderr.Errorf("budget", "1 to %d points", MaxBudget))
	}
	return errors.Join(errs...)
}

// StoppedEvent is the data of points.campaign_stopped.
type StoppedEvent struct {
	CampaignID uuid.UUID  `json:"campaign_id"`
	Name       rules.Text `json:"name"`
	// Reason is StoppedBudget or StoppedByHand.
	Reason    string    `json:"reason"`
	Issued    int64     `json:"issued"`
	Budget    int64     `json:"budget"`
	StoppedAt time.Time `json:"stopped_at"`
}

// Stopped is the event of c stopping at at for reason, having issued issued.
func (c Campaign) Stopped(at time.Time, reason string, issued int64) StoppedEvent {
	return StoppedEvent{CampaignID: c.ID, Name: c.Name, Reason: reason, Issued: issued, Budget: c.Budget, StoppedAt: at}
}

// Allot shares what a campaign granted among purchases wanting wants, in order: each gets what
// it wants while points are left; the purchase that would cross the budget gets what remains,
// the ones after it nothing.
func Allot(wants []int64, granted int64) []int64 {
	out := make([]int64, len(wants))
	for i, w := range wants {
		out[i] = min(max(w, 0), granted)
		granted -= out[i]
	}
	return out
}
