package tiersui

import (
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
)

// membersPage is how many members the list shows at a time.
const membersPage = 50

// membersView is the members per tier: every tier's count, and the members of the one chosen.
type membersView struct {
	*console.View
	Has     bool
	Ladder  tier.Ladder
	Counts  map[tier.Code]int64
	Tier    tier.Code
	Members []memberRow
	Next    string
}

// memberRow is one member of the list, by name.
type memberRow struct {
	Customer uuid.UUID
	Name     string
	Since    any
	Until    any
	Manual   bool
}

func (h *handlers) members(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	p, has, err := h.current(r)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out := membersView{View: v, Has: has, Ladder: p.Ladder}
	if !has {
		console.Render(w, r, "tiers_members", out)
		return
	}
	if out.Counts, err = h.d.Tiers.Counts(r.Context(), v.Tenant.ID); err != nil {
		console.Internal(w, r, err)
		return
	}
	out.Tier = tier.Code(r.URL.Query().Get("tier"))
	if p.Ladder.Index(out.Tier) < 0 {
		out.Tier = p.Ladder[len(p.Ladder)-1].Code
	}
	after, err := uuid.Parse(r.URL.Query().Get("after"))
	if err != nil {
		after = uuid.Nil
	}
	ms, err := h.d.Tiers.Members(r.Context(), v.Tenant.ID, out.Tier, after, membersPage+1)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	if len(ms) > membersPage {
		ms = ms[:membersPage]
		out.Next = ms[membersPage-1].Customer.String()
	}
	for _, m := range ms {
		c, err := h.d.Customers.Get(r.Context(), v.Tenant.ID, m.Customer)
		if errors.Is(err, ports.ErrCustomerNotFound) {
			continue
		}
		if err != nil {
			console.Internal(w, r, err)
			return
		}
		row := memberRow{Customer: m.Customer, Name: c.Name, Since: m.Since, Manual: m.ManualActive(time.Now())}
		if m.ValidUntil != nil {
			row.Until = lastDay(*m.ValidUntil)
		}
		out.Members = append(out.Members, row)
	}
	console.Render(w, r, "tiers_members", out)
}
