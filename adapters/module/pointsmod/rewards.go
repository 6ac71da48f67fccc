package pointsmod

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/platform/secrets"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/application/points/rewards"
	domain "github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// rewardServices builds the reward catalog's service over the points service, and shares its
// part of customers' data.
func rewardServices(k *module.Kernel, pts *points.Service) module.Shared {
	svc := rewards.NewService(rewards.Deps{Tx: k.DB, Repo: pointsdb.Rewards{}, Ledger: pts,
		Facts:   facts{db: k.DB, customers: module.Get[*customers.Service](k)},
		Secrets: secretsOf{module.Get[*secrets.Service](k)}, Publisher: k.Bus, Audit: k.Audit, Jobs: k.Scheduler,
		Tenants: k.Tenants, Clock: k.Config.Clock})
	module.Provide(k, svc)
	return module.Shared{CustomerData: []ports.CustomerData{svc.CustomerData()}}
}

// rewardWorkers adds the hourly sweep that marks vouchers past their expiry expired.
func rewardWorkers(k *module.Kernel, j *riverjobs.Jobs) {
	svc := module.Get[*rewards.Service](k)
	riverjobs.Handle(j, riverjobs.Sweeping[rewards.SweepArgs](svc.Sweep), riverjobs.WorkerOptions{Timeout: 10 * time.Minute})
	j.Every("rewards_voucher_sweep", time.Hour, func() ports.JobArgs { return rewards.SweepArgs{} }, true)
}

// facts reads a customer's attributes through the customers service and their segments from
// the customers module's membership, for eligibility.
type facts struct {
	db interface {
		ReadInTenant(ctx context.Context, tenant tenants.ID, fn func(ctx context.Context) error) error
	}
	customers *customers.Service
}

func (f facts) Facts(ctx context.Context, tenant tenants.ID, customer uuid.UUID) (domain.Facts, error) {
	c, err := f.customers.Get(ctx, tenant, customer)
	if err != nil {
		return domain.Facts{}, err
	}
	out := domain.Facts{Attributes: c.Attributes}
	err = f.db.ReadInTenant(ctx, tenant, func(ctx context.Context) error {
		in, err := customersdb.SegmentEvaluator{}.SegmentsOf(ctx, customer)
		for id := range in {
			out.Segments = append(out.Segments, id)
		}
		return err
	})
	return out, err
}

// secretsOf keeps the voucher signing key among the brand's secrets.
type secretsOf struct{ s *secrets.Service }

func (s secretsOf) Reveal(ctx context.Context, tenant tenants.ID, name string) (string, error) {
	return s.s.Reveal(ctx, tenant, name)
}

func (s secretsOf) RevealInTx(ctx context.Context, tenant tenants.ID, name string) (string, error) {
	return s.s.RevealInTx(ctx, tenant, name)
}

func (s secretsOf) SetInTx(ctx context.Context, tenant tenants.ID, name, value string) error {
	_, err := s.s.SetInTx(ctx, tenant, name, value)
	return err
}
