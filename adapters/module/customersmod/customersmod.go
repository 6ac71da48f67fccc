// Package customersmod is the customers module as the composition root reads it: profiles,
// Mini Program sign-in, WeChat accounts, the activity stream and custom event types, tags,
// lifecycle stages, segments and auto-tags, import, merge and PIPL requests, check-ins and the
// membership summary, with their repositories, operations, pages and jobs.
package customersmod

import (
	"time"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/console/customersui"
	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/httpapi/customersapi"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/adapters/wechat"
	"github.com/engagehq/engage/application/customers/checkins"
	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/application/customers/customerimport"
	"github.com/engagehq/engage/application/customers/customermerge"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/demodata"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/application/customers/lifecycle"
	"github.com/engagehq/engage/application/customers/membership"
	"github.com/engagehq/engage/application/customers/overview"
	"github.com/engagehq/engage/application/customers/privacy"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/customers/tags"
	"github.com/engagehq/engage/application/customers/wechataccounts"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	lifecycledomain "github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/domain/customers/membercode"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
)

// Module returns the customers module.
func Module() module.Module {
	return module.Module{
		Name: "customers",
		Permissions: []access.Permission{customer.PermRead, customer.PermWrite, customer.PermEventsRead,
			customer.PermEventsWrite, customer.PermErase, customer.PermExport, customer.PermPersonalData},
		EventTypes: []string{event.TypeRecorded, customer.Created, customer.Updated, customer.Merged,
			customer.Erased, customer.Tagged, event.TypeIngested, lifecycledomain.TypeStagesChanged,
			segment.TypeEntered, segment.TypeLeft, customer.FirstLogin},
		Queues: []riverjobs.Queue{
			// Reactions to customer events retry soon: a lock timeout succeeds at once the
			// next time. Each holds a pooled connection and the row locks of up to a thousand
			// customers, so more at once only wait on each other and starve ingestion.
			{Name: events.Queue, MaxWorkers: 2, Retry: riverjobs.RetryPolicy{MaxAttempts: 12,
				Backoff: riverjobs.Exponential(2*time.Second, 30*time.Minute)}},
		},
		SegmentFields: module.SegmentFields{Domain: segment.CustomerFields(), SQL: customersdb.SegmentFields()},
		Services:      services,
		Surfaces:      surfaces,
		API:           api,
		Console:       pages,
		Terms:         customersui.Terms,
	}
}

// customerTokenKey signs customer tokens and, derived, member codes.
func customerTokenKey(cfg module.Config) []byte {
	if len(cfg.CustomerTokenKey) > 0 {
		return cfg.CustomerTokenKey
	}
	return customerauth.DeriveKey(cfg.SecretsKey)
}

// services builds the customers module's services.
func services(k *module.Kernel) (module.Shared, error) {
	cfg, db := k.Config, k.DB
	wechatClient, wechatTokens := module.Get[*wechat.Client](k), module.Get[*wechat.Tokens](k)
	chans := module.Get[*channels.Service](k)
	eval := customersdb.NewSegmentEvaluator(k.SegmentFields.SQL)
	segs := segments.NewService(segments.Deps{
		Tx: db, Segments: customersdb.Segments{}, Rules: customersdb.TagRules{}, Eval: eval,
		Membership: eval, Defs: customersdb.AttributeDefs{}, Values: customersdb.SegmentValues{}, Jobs: k.Scheduler, Audit: k.Audit,
		Tenants: k.Tenants, Clock: cfg.Clock, Fields: k.SegmentFields.Domain, Publisher: k.Bus, InlineMembers: cfg.SegmentInlineMembers,
	})
	module.Provide(k, segs)
	// Segments and auto-tags re-evaluate customers whose profile or tags change.
	people := customers.NewService(customers.Deps{Tx: db, Repo: customersdb.Customers{}, Defs: customersdb.AttributeDefs{},
		Audit: k.Audit, Clock: cfg.Clock, Publisher: k.Bus, Tags: customersdb.Tags{}, Watchers: segs})
	module.Provide(k, people)
	auth, err := customerauth.NewService(customerauth.Deps{
		Tx: db, Accounts: customersdb.WeChatAccounts{}, Links: customersdb.WeChatLinks{}, Sessions: customersdb.CustomerSessions{},
		Families: customersdb.RefreshFamilies{}, Production: cfg.Production, Customers: people, Channels: chans, WeChat: wechatClient,
		AccessTokens: wechatTokens, Tenants: k.Tenants, Audit: k.Audit, Publisher: k.Bus, Clock: cfg.Clock, TokenKey: customerTokenKey(cfg),
	})
	if err != nil {
		return module.Shared{}, err
	}
	module.Provide(k, auth)
	stages := lifecycle.NewReactor(customersdb.Lifecycle{}, cfg.Clock, k.Bus)
	module.Provide(k, stages)
	evs := events.NewService(events.Deps{
		Tx: db, Events: customersdb.Events{}, Activity: customersdb.Activity{}, Publisher: k.Bus, Tenants: k.Tenants, Clock: cfg.Clock,
		Types: customersdb.EventTypes{}, Audit: k.Audit, Spend: customersdb.Events{},
	})
	module.Provide(k, evs)
	module.Provide(k, overview.NewService(overview.Deps{Tx: db, Repo: customersdb.Overview{}, Lifecycle: customersdb.Lifecycle{}, Clock: cfg.Clock}))
	module.Provide(k, tags.NewService(tags.Deps{Tx: db, Tags: customersdb.Tags{}, Customers: customersdb.Customers{}, Audit: k.Audit,
		Publisher: k.Bus, Watchers: segs}))
	module.Provide(k, lifecycle.NewService(lifecycle.Deps{Tx: db, Repo: customersdb.Lifecycle{}, Jobs: k.Scheduler, Audit: k.Audit,
		Tenants: k.Tenants, Clock: cfg.Clock, Publisher: k.Bus}))
	module.Provide(k, demodata.NewService(demodata.Deps{Tx: db, Importer: customersdb.CustomerImport{}, Audit: k.Audit, Events: evs,
		Clock: cfg.Clock}))
	module.Provide(k, wechataccounts.NewService(wechataccounts.Deps{
		Tx: db, Accounts: customersdb.WeChatAccounts{}, Links: customersdb.WeChatLinks{}, Members: customersdb.MemberStatuses{},
		Tokens: auth, Customers: people, Channels: chans, Imports: customersdb.FanTagImports{}, Jobs: k.Scheduler,
		OfficialAccount: wechatClient, AccessTokens: wechatTokens, Tags: customersdb.Tags{}, Tenants: k.Tenants, Audit: k.Audit,
		Clock: cfg.Clock,
	}))
	in, err := checkins.NewService(checkins.Deps{Members: customersdb.MemberStatuses{}, Tx: db, Events: evs,
		Key: membercode.DeriveKey(customerTokenKey(cfg)), Clock: cfg.Clock})
	if err != nil {
		return module.Shared{}, err
	}
	module.Provide(k, in)
	module.Provide(k, customerimport.NewService(customerimport.Deps{Tx: db, Customers: customersdb.CustomerBulk{},
		Defs: customersdb.AttributeDefs{}, Tags: customersdb.Tags{}, Audit: k.Audit, Clock: cfg.Clock}))
	return module.Shared{
		CustomerData: []ports.CustomerData{customersdb.AttributeData{}, customersdb.WeChatAccountData{},
			customersdb.ActivityData{Activity: customersdb.Activity{}}, stages, customersdb.Tags{}},
		// It evaluates the survivor of a merge once every module has moved its data.
		CustomerDataLast: []ports.CustomerData{segs.CustomerData()},
		Names:            customersdb.Names(),
	}, nil
}

// surfaces builds what acts on a customer as a whole (every module's data), the reactions to
// stored events and the module's jobs.
func surfaces(k *module.Kernel) (module.Surfaces, error) {
	cfg, db := k.Config, k.DB
	data := k.CustomerData()
	module.Provide(k, customermerge.NewService(customermerge.Deps{Tx: db, Customers: customersdb.Customers{},
		Merges: customersdb.CustomerMerges{}, Data: data, Audit: k.Audit, Webhooks: k.Bus}))
	erasures := privacy.NewService(privacy.Deps{Tx: db, Customers: customersdb.Customers{}, Erasures: customersdb.Erasures{},
		Data: data, Sessions: customersdb.CustomerSessions{}, Jobs: k.Scheduler, Audit: k.Audit, Tenants: k.Tenants, Clock: cfg.Clock,
		Webhooks: k.Bus})
	module.Provide(k, erasures)
	module.Provide(k, membership.NewService(membership.Deps{Tx: db, Members: customersdb.MemberStatuses{}, Activity: customersdb.Activity{},
		Providers: k.MemberSummaries()}))

	evs, segs := module.Get[*events.Service](k), module.Get[*segments.Service](k)
	stages, cycle := module.Get[*lifecycle.Reactor](k), module.Get[*lifecycle.Service](k)
	fans := module.Get[*wechataccounts.Service](k)
	return module.Surfaces{
		// Stages read the activity aggregates, and segments and auto-tags read both.
		Subscribers: []eventbus.Subscriber{
			evs.CustomersSubscriber(events.NewActivityUpdater(customersdb.Activity{}), ""),
			evs.CustomersSubscriber(stages, "activity"),
			evs.CustomersSubscriber(segs.Reactor(), "lifecycle"),
		},
		Workers: func(j *riverjobs.Jobs) {
			none := riverjobs.WorkerOptions{}
			// Sweeps, refreshes and imports go through a whole brand.
			long := riverjobs.WorkerOptions{Timeout: 10 * time.Minute}
			riverjobs.Handle(j, riverjobs.Counting(cycle.Recompute), none)
			riverjobs.Handle(j, riverjobs.Sweeping[lifecycle.SweepArgs](cycle.Sweep), long)
			riverjobs.Handle(j, fans.RunFanTagImport, long)
			riverjobs.Handle(j, erasures.Erase, none)
			riverjobs.Handle(j, segs.Refresh, long)
			riverjobs.Handle(j, riverjobs.Sweeping[segments.SweepArgs](segs.Sweep), none)
			j.Every("lifecycle_sweep", 24*time.Hour, func() ports.JobArgs { return lifecycle.SweepArgs{} }, true)
			j.Every("segments_sweep", time.Hour, func() ports.JobArgs { return segments.SweepArgs{} }, false)
		},
	}, nil
}

// api is the customers module's operations.
func api(k *module.Kernel) httpapi.Module {
	return customersapi.New(customersapi.Deps{
		Tenants: k.Tenants, Customers: module.Get[*customers.Service](k), CustomerAuth: module.Get[*customerauth.Service](k),
		Events: module.Get[*events.Service](k), WeChatAccounts: module.Get[*wechataccounts.Service](k),
		Checkins: module.Get[*checkins.Service](k), Membership: module.Get[*membership.Service](k),
		Merges: module.Get[*customermerge.Service](k), Privacy: module.Get[*privacy.Service](k),
		Imports: module.Get[*customerimport.Service](k), Tags: module.Get[*tags.Service](k),
		Lifecycle: module.Get[*lifecycle.Service](k), Segments: module.Get[*segments.Service](k),
	})
}

// pages is the customers module's console pages.
func pages(k *module.Kernel) console.Module {
	return customersui.Module(customersui.Deps{Customers: module.Get[*customers.Service](k),
		WeChatAccounts: module.Get[*wechataccounts.Service](k), Tags: module.Get[*tags.Service](k),
		Lifecycle: module.Get[*lifecycle.Service](k), Segments: module.Get[*segments.Service](k),
		Merges: module.Get[*customermerge.Service](k), Imports: module.Get[*customerimport.Service](k),
		Privacy: module.Get[*privacy.Service](k), Events: module.Get[*events.Service](k),
		Overview: module.Get[*overview.Service](k)})
}
