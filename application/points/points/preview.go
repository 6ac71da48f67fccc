package points

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
	"github.com/engagehq/engage/tenants"
)

// Limits of a change preview.
const (
	// PreviewDays is how many days back a change preview looks by default.
	PreviewDays = 30
	// MaxPreviewDays is the longest a preview may look back.
	MaxPreviewDays = 90
	// previewLargest is how many of the largest changes a preview lists.
	previewLargest = 10
)

// PreviewRequest asks what a change of rules would have changed.
type PreviewRequest struct {
	// Version is a stored version not yet in effect, or 0 with Draft.
	Version int
	Draft   *rules.Set
	// Days back from now (PreviewDays when 0).
	Days int
}

// Preview is what a change of rules would have changed over the real purchases of a period:
// every stored purchase evaluated under the rules in effect when it happened (current) and
// under the proposed rules, by the code earning runs; customers' facts as they are now, caps per
// day counting the period's purchases in order.
type Preview struct {
	From, To time.Time
	// Purchases is how many purchases there were, Customers how many customers made them.
	Purchases, Customers int
	// Affected is how many customers would earn differently in some wallet.
	Affected int
	Wallets  []PreviewWallet
	Rules    []PreviewRule
	// Largest are the customers whose points would change the most.
	Largest []PreviewCustomer
	// Took is how long the preview took.
	Took time.Duration
}

// PreviewWallet is a wallet's points over the period under the current and proposed rules,
// and how many customers would earn more (Gaining) or fewer (Losing) of them.
type PreviewWallet struct {
	Wallet            ledger.Wallet
	Current, Proposed int64
	Gaining, Losing   int
}

// PreviewRule is what one rule gave over the period, on one side.
type PreviewRule struct {
	// Proposed tells the proposed rules' lines from the current ones'.
	Proposed  bool
	Rule      string
	Title     rules.Text
	Wallet    ledger.Wallet
	Kind      string
	Purchases int
	Points    int64
}

// PreviewCustomer is one customer's points in one wallet over the period, both ways.
type PreviewCustomer struct {
	Customer          uuid.UUID
	Wallet            ledger.Wallet
	Current, Proposed int64
}

// PreviewChange evaluates the stored purchases of the last days under the rules in effect and
// under the proposed ones (a stored version not in effect yet, or a draft), changing nothing.
func (s *Service) PreviewChange(ctx context.Context, tenant tenants.ID, req PreviewRequest) (Preview, error) {
	started := time.Now()
	days := req.Days
	if days == 0 {
		days = PreviewDays
	}
	if days < 1 || days > MaxPreviewDays {
		return Preview{}, fielderr.Errorf("days", "1 to %d", MaxPreviewDays)
	}
	now := s.deps.Clock.Now()
	out := Preview{From: now.AddDate(0, 0, -days), To: now}
	err := s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		settings, err := s.deps.Programs.Settings(ctx)
		if err != nil {
			return err
		}
		versions, err := s.versions(ctx)
		if err != nil {
			return err
		}
		var proposed rules.Set
		switch {
		case req.Draft != nil:
			if err := req.Draft.Check(settings.Keys()); err != nil {
				return fielderr.Under("rules", err)
			}
			proposed = *req.Draft
		default:
			i := slices.IndexFunc(versions, func(v rules.Version) bool { return v.Number == req.Version })
			if i < 0 {
				return fielderr.New("version", ErrVersionNotFound)
			}
			proposed = versions[i].Set
			// The current rules are those before it.
			versions = slices.Delete(slices.Clone(versions), i, i+1)
		}
		loc, err := s.location(ctx)
		if err != nil {
			return err
		}
		var purchases []Purchase
		if err := s.deps.History.Purchases(ctx, out.From, out.To, func(e event.Event) error {
			if e.AmountFen != nil {
				purchases = append(purchases, Purchase{ID: e.ID, Customer: e.CustomerID, AmountFen: *e.AmountFen,
					OccurredAt: e.OccurredAt, Channel: e.Channel, Store: e.Store, Items: e.Items})
			}
			return nil
		}); err != nil {
			return err
		}
		current := newEvaluator(versions, settings, loc)
		next := newEvaluator([]rules.Version{{Number: -1, Set: proposed}}, settings, loc)
		if needs(versions, proposed) {
			var who []uuid.UUID
			seen := map[uuid.UUID]bool{}
			for _, p := range purchases {
				if !seen[p.Customer] {
					seen[p.Customer] = true
					who = append(who, p.Customer)
				}
			}
			for chunk := range slices.Chunk(who, 5_000) {
				if err := s.loadFacts(ctx, current, chunk); err != nil {
					return err
				}
			}
			next.facts = current.facts
		}
		out.tally(purchases, current, next, settings.Keys())
		return nil
	})
	out.Took = time.Since(started)
	return out, err
}

// needs reports whether any of the rule sets reads customers' facts.
func needs(versions []rules.Version, proposed rules.Set) bool {
	if proposed.NeedsCustomer() {
		return true
	}
	return slices.ContainsFunc(versions, func(v rules.Version) bool { return v.Set.NeedsCustomer() })
}

// tally evaluates every purchase both ways and adds up the preview.
func (out *Preview) tally(purchases []Purchase, current, next *evaluator, wallets []ledger.Wallet) {
	type sides struct{ current, proposed int64 }
	type held struct {
		customer uuid.UUID
		wallet   ledger.Wallet
	}
	byCustomer := map[held]*sides{}
	customers := map[uuid.UUID]bool{}
	byWallet := map[ledger.Wallet]*sides{}
	type ruleKey struct {
		proposed bool
		rule     string
		wallet   ledger.Wallet
		kind     string
	}
	byRule := map[ruleKey]*PreviewRule{}
	var order []ruleKey
	add := func(proposed bool, r rules.Result, customer uuid.UUID) {
		for _, l := range r.Lines {
			if l.Points == 0 {
				continue
			}
			k := ruleKey{proposed, l.Rule, l.Wallet, l.Kind}
			pr, ok := byRule[k]
			if !ok {
				pr = &PreviewRule{Proposed: proposed, Rule: l.Rule, Title: l.Title, Wallet: l.Wallet, Kind: l.Kind}
				byRule[k] = pr
				order = append(order, k)
			}
			pr.Purchases++
			pr.Points += l.Points
		}
		for _, w := range r.Wallets {
			ws, ok := byWallet[w.Wallet]
			if !ok {
				ws = &sides{}
				byWallet[w.Wallet] = ws
			}
			k := held{customer, w.Wallet}
			c, ok := byCustomer[k]
			if !ok {
				c = &sides{}
				byCustomer[k] = c
			}
			if proposed {
				ws.proposed += w.Points
				c.proposed += w.Points
			} else {
				ws.current += w.Points
				c.current += w.Points
			}
		}
	}
	for _, p := range purchases {
		customers[p.Customer] = true
		add(false, current.evaluate(p).result, p.Customer)
		add(true, next.evaluate(p).result, p.Customer)
	}
	out.Purchases, out.Customers = len(purchases), len(customers)
	gaining, losing := map[ledger.Wallet]int{}, map[ledger.Wallet]int{}
	affected := map[uuid.UUID]bool{}
	for k, c := range byCustomer {
		switch {
		case c.proposed > c.current:
			gaining[k.wallet]++
		case c.proposed < c.current:
			losing[k.wallet]++
		default:
			continue
		}
		affected[k.customer] = true
		out.Largest = append(out.Largest, PreviewCustomer{Customer: k.customer, Wallet: k.wallet, Current: c.current, Proposed: c.proposed})
	}
	out.Affected = len(affected)
	for _, w := range wallets {
		ws := byWallet[w]
		if ws == nil {
			ws = &sides{}
		}
		out.Wallets = append(out.Wallets, PreviewWallet{Wallet: w, Current: ws.current, Proposed: ws.proposed,
			Gaining: gaining[w], Losing: losing[w]})
	}
	for _, k := range order {
		out.Rules = append(out.Rules, *byRule[k])
	}
	slices.SortFunc(out.Largest, func(a, b PreviewCustomer) int {
		da, db := abs(a.Proposed-a.Current), abs(b.Proposed-b.Current)
		return cmp.Or(cmp.Compare(db, da), cmp.Compare(a.Customer.String(), b.Customer.String()), cmp.Compare(a.Wallet, b.Wallet))
	})
	out.Largest = out.Largest[:min(len(out.Largest), previewLargest)]
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
