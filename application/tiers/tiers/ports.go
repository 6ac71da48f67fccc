package tiers

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/tiers/tier"
)

// Fact is what one event adds to a customer's figures on one day of the brand's zone, counted
// once under its key.
type Fact struct {
	Key            string
	Customer       uuid.UUID
	Day            time.Time
	SpendFen       int64
	RefundFen      int64
	Visited        bool
	StatusPoints   int64
	StatusRefunded int64
}

// Member is a member's tier as the module keeps it.
type Member struct {
	Customer uuid.UUID
	Tier     tier.Code
	Since    time.Time
	// ValidUntil is when the tier lapses unless renewed; nil for the lowest tier.
	ValidUntil *time.Time
	// Manual is a tier an admin set, until ManualUntil (nil: until changed by hand).
	Manual      bool
	ManualUntil *time.Time
	Reason      string
	// Joined is the day the member's first figure was counted: the anniversary window's origin.
	Joined time.Time
}

// ManualActive says whether an admin's tier outranks the rules at now.
func (m Member) ManualActive(now time.Time) bool {
	return m.Manual && (m.ManualUntil == nil || m.ManualUntil.After(now))
}

// Change is one entry of a member's tier history.
type Change struct {
	ID         uuid.UUID       `json:"id"`
	Customer   uuid.UUID       `json:"customer_id"`
	From       tier.Code       `json:"from,omitempty"`
	To         tier.Code       `json:"to"`
	Kind       tier.ChangeKind `json:"kind"`
	Reason     string          `json:"reason"`
	Figures    tier.Figures    `json:"figures"`
	ValidUntil *time.Time      `json:"valid_until,omitempty"`
	Actor      string          `json:"actor"`
	OccurredAt time.Time       `json:"occurred_at"`
}

// Window is a range of days [From, To) of the brand's zone (midnights in its location).
type Window struct{ From, To time.Time }

// Evaluation is what the set-wise evaluation of a brand's members needs: the rules, the
// instant, and the brand's zone.
type Evaluation struct {
	Ladder   tier.Ladder
	Settings tier.Settings
	Now      time.Time
	Zone     *time.Location
}

// Warning is a member whose tier will go down when its validity ends, on what is known now.
type Warning struct {
	Customer   uuid.UUID
	From, To   tier.Code
	ValidUntil time.Time
	Figures    tier.Figures
}

// Store keeps the module's tables, in the caller's tenant transaction.
type Store interface {
	// HasProgram says whether the brand ever set a tier program.
	HasProgram(ctx context.Context) (bool, error)
	// Programs returns every version of the brand's tier rules.
	Programs(ctx context.Context) ([]tier.Program, error)
	// AddProgram stores a new version, numbered after the last, and returns it.
	AddProgram(ctx context.Context, p tier.Program, at time.Time) (tier.Program, error)
	// Held counts the brand's members by tier.
	Held(ctx context.Context) (map[tier.Code]int64, error)
	// AddFacts adds the facts whose keys were never counted, in one statement (keys are
	// distinct), and returns the customers whose figures changed.
	AddFacts(ctx context.Context, facts []Fact) ([]uuid.UUID, error)
	// Lock locks the members of customers (sorted), making the missing ones at lowest since
	// now with their joined day, and returns them all and the ones it made; a customer the brand
	// no longer has (merged away) is left out.
	Lock(ctx context.Context, customers []uuid.UUID, lowest tier.Code, now time.Time, joined map[uuid.UUID]time.Time) (map[uuid.UUID]Member, []uuid.UUID, error)
	// Figures sums the customers' facts over w (refunds deducted when refunds is set).
	Figures(ctx context.Context, customers []uuid.UUID, w Window, refunds bool) (map[uuid.UUID]tier.Figures, error)
	// Save writes the members and appends the changes, in one round trip.
	Save(ctx context.Context, members []Member, changes []Change) error
	// Members returns the members holding code, in customer order after after, at most limit.
	Members(ctx context.Context, code tier.Code, after uuid.UUID, limit int) ([]Member, error)
	// Member returns a member, false when the customer has none.
	Member(ctx context.Context, customer uuid.UUID) (Member, bool, error)
	// History returns a member's changes, newest first, at most limit.
	History(ctx context.Context, customer uuid.UUID, limit int) ([]Change, error)
	// MoveCustomer makes from's figures and history into's (figures of a day added up), and
	// from's member row into's when keepFrom (else from's row goes).
	MoveCustomer(ctx context.Context, from, into uuid.UUID, keepFrom bool) error
	// EraseReasons clears what admins wrote about the customer: the reasons of manual changes.
	EraseReasons(ctx context.Context, customer uuid.UUID) error
	// Days returns the customer's figures by day, oldest first.
	Days(ctx context.Context, customer uuid.UUID) ([]Fact, error)
	// Warnings finds the members whose validity ends within the settings' warning days and
	// whose figures deciding then would lower them, once per validity, set-wise.
	Warnings(ctx context.Context, e Evaluation) ([]Warning, error)
	// Evaluate decides every member of the brand set-wise (tier.Settings.Decide, figures of
	// the evaluation window), saves the members that change or renew with their history, and
	// returns those changes.
	Evaluate(ctx context.Context, e Evaluation) ([]Change, error)
}

// Attributes writes members' tiers into the customer attribute the points rules read
// (rules' attribute condition `tier`), in the caller's tenant transaction.
type Attributes interface {
	SetTiers(ctx context.Context, tiers map[uuid.UUID]tier.Code) error
}

// Attribute is the customer attribute that holds a member's tier code.
const Attribute = "tier"
