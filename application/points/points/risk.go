package points

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// The external risk rank: while a brand's fraud rules hold customers at a WeChat risk rank
// (fraud.Settings.RiskRank), a referral award enqueues a points_risk_rank job for the new
// customer with the client IP of the referral event (WeChat requires one); the job asks WeChat
// outside any transaction and keeps the rank on the customer (points_risk_ranks), which every
// later earning reads with the rest of the fraud rules' facts. Earning never waits for WeChat,
// and WeChat being down only leaves the rank unknown (logged; a retry asks again).

// RiskSource asks an external service how risky a customer is (for WeChat: the customer's
// Mini Program openid and the brand's access token); ErrNoRiskIdentity when the customer has no
// identity there to ask about.
type RiskSource interface {
	RiskRank(ctx context.Context, tenant tenants.ID, customer uuid.UUID, q ports.RiskQuery) (int, error)
}

// ErrNoRiskIdentity is a customer the risk source cannot be asked about.
var ErrNoRiskIdentity = errors.New("the customer has no WeChat Mini Program identity to rank")

// RiskArgs asks for a customer's risk rank.
type RiskArgs struct {
	TenantID   uuid.UUID `json:"tenant_id"`
	CustomerID uuid.UUID `json:"customer_id"`
	ClientIP   string    `json:"client_ip"`
	Scene      int       `json:"scene"`
}

// Kind names the job.
func (RiskArgs) Kind() string { return "points_risk_rank" }

// enqueueRisk asks, in the caller's transaction, for the risk rank of customer when the brand's
// rules read it and the event gave a client IP.
func (s *Service) enqueueRisk(ctx context.Context, customer uuid.UUID, clientIP string, scene int) error {
	if s.deps.Risk == nil || s.deps.Fraud == nil || clientIP == "" {
		return nil
	}
	settings, err := s.deps.Fraud.Settings(ctx)
	if err != nil || settings.RiskRank == 0 {
		return err
	}
	tenant, err := s.deps.Locals.Tenant(ctx)
	if err != nil {
		return err
	}
	return s.deps.Jobs.Enqueue(ctx, RiskArgs{TenantID: tenant.UUID(), CustomerID: customer, ClientIP: clientIP, Scene: scene},
		ports.JobOptions{})
}

// RankRisk is the points_risk_rank job: it asks the risk source and keeps the rank. A customer
// without an identity there is left unranked; a refusal or an unreachable service is logged
// and retried by the queue, the rank staying what it was.
func (s *Service) RankRisk(ctx context.Context, args RiskArgs) error {
	t, err := s.deps.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return err
	}
	rank, err := s.deps.Risk.RiskRank(ctx, t.ID, args.CustomerID, ports.RiskQuery{Scene: args.Scene, ClientIP: args.ClientIP})
	if errors.Is(err, ErrNoRiskIdentity) {
		return nil
	}
	if err != nil {
		slog.WarnContext(ctx, "points: risk rank unknown", "tenant", t.ID.String(), "customer", args.CustomerID.String(), "error", err)
		return err
	}
	_, err = ports.InTenant(ctx, s.deps.Tx, t.ID, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.deps.Fraud.PutRiskRank(ctx, args.CustomerID, rank, s.deps.Clock.Now().UTC().Truncate(time.Microsecond))
	})
	return err
}
