// Package tiersmod is the tiered membership module as the composition root reads it: the
// brands' tier programs, the figures tiers qualify on (counted by its subscribers to the
// activity stream and to the points module's status points), upgrades as qualifying events
// are processed, the hourly set-wise evaluation, manual assignments, and members' tiers and
// progress. See README.md.
package tiersmod

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/console/tiersui"
	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/httpapi/tiersapi"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/tiersdb"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/application/customers/checkins"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/application/points/rewards"
	"github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/access"
	rewardsdomain "github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Queue is the job queue of the tiers module's subscribers.
const Queue = "tiers"

// pointsEarning is the points module's subscriber to stored customer events: the activity
// stream's tiers reaction runs after it, so the purchase that crosses a threshold earns at the
// tier the customer had before it.
const pointsEarning = "points"

// Module returns the tiers module. It builds on the customers module (the activity stream,
// the attribute the points rules read) and reads the points module's public events.
func Module() module.Module {
	return module.Module{
		Name:        "tiers",
		Permissions: []access.Permission{tier.PermRead, tier.PermWrite},
		EventTypes:  tier.EventTypes,
		Queues: []riverjobs.Queue{
			// Counting a batch locks its members' rows; retried for about a day.
			{Name: Queue, MaxWorkers: 2, Retry: riverjobs.RetryPolicy{MaxAttempts: 20,
				Backoff: riverjobs.Exponential(2*time.Second, 2*time.Hour)}},
		},
		Services: services,
		Surfaces: surfaces,
		API: func(k *module.Kernel) httpapi.Module {
			return tiersapi.New(module.Get[*tiers.Service](k), module.Get[*customers.Service](k), module.Get[*checkins.Service](k))
		},
		Console: func(k *module.Kernel) console.Module {
			return tiersui.Module(tiersui.Deps{Tiers: module.Get[*tiers.Service](k), Customers: module.Get[*customers.Service](k)})
		},
		Terms: Terms,
	}
}

func services(k *module.Kernel) (module.Shared, error) {
	svc := tiers.NewService(tiers.Deps{Tx: k.DB, Locals: k.DB, Store: tiersdb.Store{}, Attributes: attributes{},
		Publisher: k.Bus, Audit: k.Audit, Jobs: k.Scheduler, Tenants: k.Tenants, Clock: k.Config.Clock,
		Customers: module.Get[*customers.Service](k), Benefits: tiersdb.Benefits{}, Gifts: tiersdb.Benefits{},
		Rewards: catalog{module.Get[*rewards.Service](k)}, Vouchers: catalog{module.Get[*rewards.Service](k)}})
	module.Provide(k, svc)
	return module.Shared{CustomerData: []ports.CustomerData{svc.CustomerData()}, MemberSummaries: []ports.MemberSummaryProvider{svc}}, nil
}

func surfaces(k *module.Kernel) (module.Surfaces, error) {
	svc := module.Get[*tiers.Service](k)
	counting := module.Get[*events.Service](k).Subscriber(svc.Reactor(), pointsEarning)
	counting.Queue, counting.Wants = Queue, svc.Wanted
	return module.Surfaces{
		Subscribers: []eventbus.Subscriber{counting, svc.StatusSubscriber(Queue), svc.VoucherSubscriber(Queue)},
		Workers: func(j *riverjobs.Jobs) {
			// One statement per brand evaluates every member: up to a minute for a million.
			riverjobs.Handle(j, riverjobs.Counting(svc.Evaluate), riverjobs.WorkerOptions{Timeout: 10 * time.Minute})
			riverjobs.Handle(j, riverjobs.Sweeping[tiers.SweepArgs](svc.Sweep), riverjobs.WorkerOptions{})
			riverjobs.Handle(j, riverjobs.Counting(svc.Gifts), riverjobs.WorkerOptions{Timeout: 10 * time.Minute})
			j.Every("tiers_sweep", time.Hour, func() ports.JobArgs { return tiers.SweepArgs{} }, true)
		},
	}, nil
}

// attributes writes members' tiers into the customers module's attribute `tier`, the one the
// points rules' attribute conditions read.
type attributes struct{ customersdb.RuleFacts }

var _ tiers.Attributes = attributes{}

// SetTiers implements tiers.Attributes.
func (a attributes) SetTiers(ctx context.Context, codes map[uuid.UUID]tier.Code) error {
	values := make(map[uuid.UUID]string, len(codes))
	for id, c := range codes {
		values[id] = string(c)
	}
	return a.SetAttribute(ctx, tiers.Attribute, values)
}

// catalog answers from the points module's reward catalog whether the rewards benefits give
// exist, and issues their vouchers free.
type catalog struct{ rewards *rewards.Service }

var (
	_ tiers.Rewards  = catalog{}
	_ tiers.Vouchers = catalog{}
)

// Give implements tiers.Vouchers: a reward archived or gone since the benefit named it, or out
// of stock, gives nothing (the job is not retried for it).
func (c catalog) Give(ctx context.Context, tenant tenants.ID, customer, reward uuid.UUID, key string) error {
	_, _, err := c.rewards.GiveIn(ctx, tenant, rewards.Gift{Customer: customer, Reward: reward, Key: key})
	if errors.Is(err, rewardsdomain.ErrUnavailable) || errors.Is(err, rewards.ErrRewardNotFound) {
		return nil
	}
	return err
}

// Known implements tiers.Rewards.
func (c catalog) Known(ctx context.Context, tenant tenants.ID, id uuid.UUID) (bool, error) {
	_, err := c.rewards.Get(ctx, tenant, id)
	if errors.Is(err, rewards.ErrRewardNotFound) {
		return false, nil
	}
	return err == nil, err
}
