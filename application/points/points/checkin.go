package points

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/points/actions"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// CheckInResult is a day's check-in as the Mini Program shows it.
type CheckInResult struct {
	CheckIn
	// Replayed is true when the customer had already checked in that day: nothing changed.
	Replayed bool
	// Balance is the wallet's balance after it.
	Wallet  string
	Balance int64
}

// CheckIn checks the customer in for today (in the brand's time zone) under the brand's
// active check-in rule: the first check-in of a day earns the rule's points and the bonuses
// of the streak it continues (the consecutive days up to yesterday, and one); another the
// same day returns the first. ErrNoCheckIn when the brand rewards none.
func (s *Service) CheckIn(ctx context.Context, tenant tenants.ID, customerID uuid.UUID) (CheckInResult, error) {
	for attempt := 0; ; attempt++ {
		out, err := ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (CheckInResult, error) {
			return s.checkIn(ctx, customerID)
		})
		if errors.Is(err, ErrKeyTaken) && attempt == 0 {
			continue // a concurrent check-in of the same day: the retry returns it.
		}
		return out, err
	}
}

func (s *Service) checkIn(ctx context.Context, customerID uuid.UUID) (CheckInResult, error) {
	rules, err := s.activeRules(ctx)
	if err != nil {
		return CheckInResult{}, err
	}
	i := slices.IndexFunc(rules, func(r actions.Rule) bool { return r.Action == actions.CheckIn })
	if i < 0 {
		return CheckInResult{}, ErrNoCheckIn
	}
	rule := rules[i]
	loc, err := s.location(ctx)
	if err != nil {
		return CheckInResult{}, err
	}
	now := s.deps.Clock.Now()
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	// The customer's accounts are locked first: check-ins of one customer happen in turn.
	if _, err := s.deps.Ledger.Lock(ctx, now, accountKeys(customerID, rule.Wallet), NoLots); err != nil {
		return CheckInResult{}, err
	}
	last, found, err := s.deps.Actions.LastCheckIn(ctx, customerID)
	if err != nil {
		return CheckInResult{}, err
	}
	if found && last.Day.Equal(today) {
		return s.checkInResult(ctx, last, rule, true)
	}
	// The streak is counted from the days themselves, so that it survives a merge of two
	// customers' check-ins.
	before, err := s.deps.Actions.StreakBefore(ctx, customerID, today)
	if err != nil {
		return CheckInResult{}, err
	}
	c := CheckIn{Customer: customerID, Day: today, Streak: before + 1, At: now}
	c.Points = rule.CheckInPoints(c.Streak)
	made, err := s.awardAll(ctx, []grant{{rule: rule, customer: customerID, points: c.Points, at: now,
		key:     "award:" + rule.Key + ":" + customerID.String() + ":" + today.Format(time.DateOnly),
		details: map[string]any{"day": today.Format(time.DateOnly), "streak": c.Streak}}})
	if err != nil {
		return CheckInResult{}, err
	}
	for _, op := range made {
		c.Operation = op.ID
	}
	if err := s.deps.Actions.InsertCheckIn(ctx, c); err != nil {
		return CheckInResult{}, err
	}
	return s.checkInResult(ctx, c, rule, false)
}

func accountKeys(customer uuid.UUID, wallet ledger.Wallet) []ledger.AccountKey {
	return []ledger.AccountKey{{Customer: customer, Wallet: wallet}}
}

func (s *Service) checkInResult(ctx context.Context, c CheckIn, rule actions.Rule, replayed bool) (CheckInResult, error) {
	views, err := s.views(ctx, c.Customer)
	if err != nil {
		return CheckInResult{}, err
	}
	out := CheckInResult{CheckIn: c, Replayed: replayed, Wallet: string(rule.Wallet)}
	for _, v := range views {
		if v.Wallet == rule.Wallet {
			out.Balance = v.Balance
		}
	}
	return out, nil
}

// joiningActions are the actions a customer's arrival earns, by the customers module's event
// type that announces them.
var joiningActions = map[string]actions.Action{customer.Created: actions.Registration, customer.FirstLogin: actions.FirstLogin}

// RegistrationSubscriber awards the brand's active registration rules to every customer who
// joins (customer.created) and its first-login rules to every customer's first Mini Program
// login (customer.first_login), once per customer and rule: the points module's subscriber to
// arriving customers, on queue.
func (s *Service) RegistrationSubscriber(queue string) eventbus.Subscriber {
	return eventbus.Subscriber{Name: "points_registration", Queue: queue, Takes: eventbus.Types(customer.Created, customer.FirstLogin),
		Wants: func(ctx context.Context, eventType string) (bool, error) {
			return s.deps.Actions.AnyActive(ctx, []actions.Action{joiningActions[eventType]})
		},
		Handle: func(ctx context.Context, published []ports.DomainEvent) error {
			rules, err := s.activeRules(ctx)
			if err != nil {
				return err
			}
			var grants []grant
			for _, e := range published {
				var joined struct {
					CustomerID uuid.UUID `json:"customer_id"`
				}
				if err := json.Unmarshal(e.Data, &joined); err != nil {
					return err
				}
				for _, r := range rules {
					if r.Action != joiningActions[e.Type] {
						continue
					}
					grants = append(grants, grant{rule: r, customer: joined.CustomerID, points: r.Points, at: e.OccurredAt,
						key: "award:" + r.Key + ":" + joined.CustomerID.String(), details: map[string]any{}})
				}
			}
			if len(grants) == 0 {
				return nil
			}
			_, err = s.awardAll(ctx, grants)
			return err
		}}
}

// ActionsData is the action rules' part of a customer's data: their check-ins and referrals.
func (s *Service) ActionsData() ports.CustomerData { return actionsData{s: s} }

type actionsData struct{ s *Service }

// Section implements ports.CustomerData.
func (actionsData) Section() string { return "points_actions" }

// Merge implements ports.CustomerData: check-ins and referrals become the survivor's, its own
// kept where both have one (a day's check-in, being referred).
func (d actionsData) Merge(ctx context.Context, from, into uuid.UUID) error {
	return d.s.deps.Actions.MoveCustomer(ctx, from, into)
}

// Export implements ports.CustomerData.
func (d actionsData) Export(ctx context.Context, customer uuid.UUID) (any, error) {
	return d.s.deps.Actions.Download(ctx, customer)
}

// Erase implements ports.CustomerData: check-ins and referrals are days, points and other
// customers' IDs, nothing that says who the person is; they stay.
func (actionsData) Erase(context.Context, uuid.UUID) error { return nil }

// CheckInStatus is a customer's check-ins as of today (in the brand's time zone).
type CheckInStatus struct {
	// Today says whether the customer checked in today; Streak is the consecutive days up to
	// today (or up to yesterday, when not yet today).
	Today  bool
	Streak int
}

// MyCheckIns returns the customer's check-in status.
func (s *Service) MyCheckIns(ctx context.Context, tenant tenants.ID, customerID uuid.UUID) (CheckInStatus, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (CheckInStatus, error) {
		loc, err := s.location(ctx)
		if err != nil {
			return CheckInStatus{}, err
		}
		y, m, d := s.deps.Clock.Now().In(loc).Date()
		today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		last, found, err := s.deps.Actions.LastCheckIn(ctx, customerID)
		if err != nil {
			return CheckInStatus{}, err
		}
		out := CheckInStatus{Today: found && last.Day.Equal(today)}
		end := today
		if out.Today {
			end = today.AddDate(0, 0, 1)
		}
		out.Streak, err = s.deps.Actions.StreakBefore(ctx, customerID, end)
		return out, err
	})
}
