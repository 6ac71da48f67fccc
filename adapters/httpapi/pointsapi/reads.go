package pointsapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/tenants"
)

// CustomerPath names a customer in the path.
type CustomerPath struct {
	ID string `path:"id" format:"uuid"`
}

// HistoryQuery filters and pages a points history.
type HistoryQuery struct {
	httpapi.PageQuery
	Wallet string `query:"wallet" maxLength:"40" doc:"Only this wallet's entries"`
	Kind   string `query:"kind" enum:"earned,released,redeemed,expired,adjusted,refunded" doc:"Only entries of this kind: earned (purchases, pending or not), released (pending points that began to count), redeemed, expired, adjusted (by hand), refunded (taken back, cancelled or returned on a refund)"`
}

type walletsOutput struct{ Body CustomerPointsBody }

type historyOutput struct {
	Body struct {
		Items      []PointsEntryBody `json:"items"`
		NextCursor string            `json:"next_cursor,omitempty"`
	}
}

// location is the brand's time zone, for the dates it shows.
func location(ctx context.Context) *time.Location {
	tz := httpapi.PrincipalFrom(ctx).Tenant.Timezone
	if tz == "" {
		tz = tenants.DefaultTimezone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC
	}
	return loc
}

const walletsDoc = "Each wallet of the brand's program: the balance that counts now, pending points and when they are " +
	"released, and the points ahead of expiry by date, soonest first. Points released or expired since the last sweep " +
	"already show as they will be."

func (m *Module) registerMine(api huma.API) {
	tags := []string{"Mini Program"}
	tokens := httpapi.Customer(m.kit.CustomerTokens())
	httpapi.Register(api, tokens, huma.Operation{
		OperationID: "get-my-points", Method: http.MethodGet, Path: "/v1/me/points", Tags: tags,
		Summary: "The member's points", Description: walletsDoc,
	}, func(ctx context.Context, _ *struct{}) (*walletsOutput, error) {
		p := httpapi.PrincipalFrom(ctx)
		return m.wallets(ctx, p.CustomerID, "")
	})
	httpapi.Register(api, tokens, huma.Operation{
		OperationID: "list-my-points-history", Method: http.MethodGet, Path: "/v1/me/points/history", Tags: tags,
		Summary: "The member's points history", Description: "Every change to the member's points, newest first.",
	}, func(ctx context.Context, in *HistoryQuery) (*historyOutput, error) {
		return m.history(ctx, httpapi.PrincipalFrom(ctx).CustomerID, in, false, "")
	})
}

func (m *Module) registerCustomers(api huma.API) {
	tags := []string{"Points"}
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "get-customer-points", Method: http.MethodGet, Path: "/v1/customers/{id}/points", Tags: tags,
		Summary: "A customer's points", Description: walletsDoc,
	}, func(ctx context.Context, in *CustomerPath) (*walletsOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		return m.wallets(ctx, id, "path.id")
	})
	httpapi.Register(api, httpapi.Tenant(ledger.PermRead), huma.Operation{
		OperationID: "list-customer-points-history", Method: http.MethodGet, Path: "/v1/customers/{id}/points/history", Tags: tags,
		Summary: "A customer's points history", Description: "Every change to the customer's points, newest first, with its source, reference and note.",
	}, func(ctx context.Context, in *struct {
		CustomerPath
		HistoryQuery
	}) (*historyOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		return m.history(ctx, id, &in.HistoryQuery, true, "path.id")
	})
}

func (m *Module) wallets(ctx context.Context, customer uuid.UUID, at string) (*walletsOutput, error) {
	views, err := m.svc.Wallets(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, customer)
	if err != nil {
		return nil, m.fail(ctx, err, customerNotFound(at))
	}
	return &walletsOutput{Body: CustomerPointsBody{CustomerID: customer.String(), Wallets: walletBodies(views, location(ctx))}}, nil
}

func (m *Module) history(ctx context.Context, customer uuid.UUID, in *HistoryQuery, withNotes bool, at string) (*historyOutput, error) {
	page, err := in.Page(ctx)
	if err != nil {
		return nil, err
	}
	q := points.HistoryQuery{Wallet: ledger.Wallet(in.Wallet), Kinds: points.HistoryKinds[in.Kind]}
	items, err := m.svc.History(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, customer, q, page)
	if err != nil {
		return nil, m.fail(ctx, err, customerNotFound(at))
	}
	items, next := httpapi.Paginate(items, page, func(h points.HistoryEntry) string { return h.ID.String() })
	out := &historyOutput{}
	out.Body.Items = make([]PointsEntryBody, len(items))
	for i, h := range items {
		out.Body.Items[i] = entryBody(h, withNotes)
	}
	out.Body.NextCursor = next
	return out, nil
}
