package pointsapi

import (
	"time"

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
)

// PointsExpiryBody is points that expire at one instant.
type PointsExpiryBody struct {
	ExpiresAt time.Time `json:"expires_at" doc:"When the points stop counting: midnight at the end of their last day, in the brand's time zone"`
	LastDay   string    `json:"last_day" format:"date" example:"2026-12-31" doc:"The last day they count, in the brand's time zone"`
	Points    int64     `json:"points"`
}

// PointsReleaseBody is pending points that start to count at one instant.
type PointsReleaseBody struct {
	ReleasesAt time.Time `json:"releases_at"`
	Points     int64     `json:"points"`
}

// PointsWalletBody is a customer's wallet as of now.
type PointsWalletBody struct {
	Wallet    string `json:"wallet" example:"points" doc:"points (积分, spendable), status (成长值, what tiers qualify on), or a wallet the brand added"`
	Spendable bool   `json:"spendable"`
	Balance   int64  `json:"balance" doc:"Points that count now; below zero only for a debt a refund left where the brand's refund policy allows one, repaid by the next points credited"`
	Pending   int64  `json:"pending" doc:"Points credited but held until their release"`
	// NextExpiry is the soonest of Expiring.
	NextExpiry      *PointsExpiryBody   `json:"next_expiry,omitempty" doc:"The soonest expiry and its points; absent when no points expire"`
	Expiring        []PointsExpiryBody  `json:"expiring" doc:"Every expiry ahead, soonest first, with its points"`
	PendingReleases []PointsReleaseBody `json:"pending_releases" doc:"Pending points by release, soonest first"`
	Held            int64               `json:"held" doc:"Pending points held for a review of the brand's fraud rules: no release date until an admin decides (part of pending, in no pending_releases)"`
}

func walletBodies(views []points.WalletView, loc *time.Location) []PointsWalletBody {
	out := make([]PointsWalletBody, len(views))
	for i, v := range views {
		b := PointsWalletBody{Wallet: string(v.Wallet), Spendable: v.Spendable, Balance: v.Balance, Pending: v.Pending, Held: v.Held,
			Expiring: make([]PointsExpiryBody, len(v.Expiring)), PendingReleases: make([]PointsReleaseBody, len(v.Releases))}
		for j, e := range v.Expiring {
			b.Expiring[j] = expiryBody(e.At, e.Points, loc)
		}
		if len(b.Expiring) > 0 {
			b.NextExpiry = &b.Expiring[0]
		}
		for j, r := range v.Releases {
			b.PendingReleases[j] = PointsReleaseBody{ReleasesAt: r.At, Points: r.Points}
		}
		out[i] = b
	}
	return out
}

func expiryBody(at time.Time, points int64, loc *time.Location) PointsExpiryBody {
	return PointsExpiryBody{ExpiresAt: at.In(loc), LastDay: at.In(loc).Add(-time.Nanosecond).Format(time.DateOnly), Points: points}
}

// CustomerPointsBody is a customer's wallets.
type CustomerPointsBody struct {
	CustomerID string             `json:"customer_id" format:"uuid"`
	Wallets    []PointsWalletBody `json:"wallets"`
}

// PointsEntryBody is one entry of a customer's points history.
type PointsEntryBody struct {
	ID          string     `json:"id" format:"uuid"`
	OperationID string     `json:"operation_id" format:"uuid" doc:"Entries of one operation (a refund in several wallets) share it"`
	Wallet      string     `json:"wallet"`
	Kind        string     `json:"kind" enum:"earn,release,redeem,expire,adjust,refund,reverse,cancel"`
	Reason      string     `json:"reason" example:"purchase" doc:"purchase, redemption, refund, release, expiry, negative_balance, or an adjustment's reason code"`
	Points      int64      `json:"points" doc:"Change to the balance"`
	Pending     int64      `json:"pending" doc:"Change to the pending points"`
	Source      string     `json:"source" enum:"event,rule,campaign,admin,partner"`
	Reference   string     `json:"reference,omitempty"`
	PurchaseID  string     `json:"purchase_id,omitempty"`
	Note        string     `json:"note,omitempty" doc:"An admin's note on an adjustment; never shown to the member"`
	ReleasesAt  *time.Time `json:"releases_at,omitempty" doc:"When pending points credited here start to count"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty" doc:"When points credited here expire"`
	At          time.Time  `json:"at"`
}

func entryBody(h points.HistoryEntry, withNote bool) PointsEntryBody {
	b := PointsEntryBody{ID: h.ID.String(), OperationID: h.OperationID.String(), Wallet: string(h.Wallet), Kind: string(h.Kind),
		Reason: h.Reason, Points: h.Points, Pending: h.Pending, Source: string(h.Source), Reference: h.Reference,
		PurchaseID: h.PurchaseID, At: h.At}
	if withNote {
		b.Note = h.Note
	}
	if !h.ReleasesAt.IsZero() {
		b.ReleasesAt = &h.ReleasesAt
	}
	if !h.ExpiresAt.IsZero() {
		b.ExpiresAt = &h.ExpiresAt
	}
	return b
}

// PointsResultBody is what a change did in one wallet and the balances right after it.
type PointsResultBody struct {
	Wallet         string     `json:"wallet"`
	Points         int64      `json:"points" doc:"Change to the balance"`
	Pending        int64      `json:"pending" doc:"Change to the pending points"`
	Balance        int64      `json:"balance" doc:"The balance right after this change"`
	PendingBalance int64      `json:"pending_balance" doc:"The pending points right after this change"`
	ReleasesAt     *time.Time `json:"releases_at,omitempty" doc:"When the pending points credited start to count"`
	ExpiresAt      *time.Time `json:"expires_at,omitempty" doc:"When the points credited expire"`
}

// PointsOutcomeBody is what a change of a customer's points did.
type PointsOutcomeBody struct {
	OperationID string             `json:"operation_id" format:"uuid"`
	Replayed    bool               `json:"replayed" doc:"True when this reference was done before: this is that first outcome, and nothing changed now"`
	Wallets     []PointsResultBody `json:"wallets"`
}

func outcomeBody(o points.Outcome) PointsOutcomeBody {
	b := PointsOutcomeBody{OperationID: o.OperationID.String(), Replayed: o.Replayed, Wallets: resultBodies(o.Wallets)}
	return b
}

func resultBodies(rs []ledger.Result) []PointsResultBody {
	out := make([]PointsResultBody, len(rs))
	for i, r := range rs {
		out[i] = PointsResultBody{Wallet: string(r.Wallet), Points: r.Points, Pending: r.Pending, Balance: r.Balance,
			PendingBalance: r.PendingBalance, ReleasesAt: r.ReleasesAt, ExpiresAt: r.ExpiresAt}
	}
	return out
}
