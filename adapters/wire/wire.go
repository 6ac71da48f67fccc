// Package wire builds the kernel (tenant directory, audit trail, keyring, jobs client, event
// bus) and the modules of its list on it; each module says which adapters serve its ports.
// The engage binary and the end-to-end tests both build the service through it.
package wire

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/engagehq/engage/adapters/casbinauth"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/adapters/secretbox"
	"github.com/engagehq/engage/application/customers/checkins"
	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/application/customers/customerimport"
	"github.com/engagehq/engage/application/customers/customermerge"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/demodata"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/application/customers/lifecycle"
	"github.com/engagehq/engage/application/customers/membership"
	"github.com/engagehq/engage/application/customers/privacy"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/customers/tags"
	"github.com/engagehq/engage/application/customers/wechataccounts"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/application/idempotency"
	"github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/application/platform/apikeys"
	"github.com/engagehq/engage/application/platform/audit"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/application/platform/secrets"
	"github.com/engagehq/engage/application/platform/signin"
	"github.com/engagehq/engage/application/platform/tenancy"
	"github.com/engagehq/engage/application/platform/webhooks"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Config is what wiring needs from the process configuration.
type Config = module.Config

// App is the wired service.
type App struct {
	Config Config
	// Kernel holds the shared kits and every module's services (module.Get).
	Kernel *module.Kernel
	// Modules are the wired modules, in order: their API operations and console pages are
	// built over Kernel for each server (web.Handler).
	Modules []module.Module

	DB        *postgres.DB
	Tenants   *tenants.Directory
	Tenancy   *tenancy.Service
	APIKeys   *apikeys.Service
	Access    *access.Service
	Audit     *audit.Service
	Secrets   *secrets.Service
	Channels  *channels.Service
	Customers *customers.Service
	// CustomerAuth logs customers in from the Mini Program and checks their tokens.
	CustomerAuth *customerauth.Service
	Events       *events.Service
	Demo         *demodata.Service
	SignIn       *signin.Service
	Identity     ports.IdentityProvider
	// SelfService is Kratos's self-service flows, nil without Kratos.
	SelfService ports.SelfService
	Authorizer  *casbinauth.Authorizer
	Idempotency *idempotency.Service
	// Jobs is the River client with every worker; River is its client.
	Jobs  *riverjobs.Jobs
	River *riverjobs.Client
	// Bus publishes domain events and works their subscribers' jobs.
	Bus      *eventbus.Bus
	Listener *postgres.Listener
	// WeChatAccounts is admins managing customers' WeChat links and importing fan tags.
	WeChatAccounts *wechataccounts.Service
	// Checkins makes member QR codes and checks members in with them.
	Checkins *checkins.Service
	// Membership summarises a member's membership for the Mini Program.
	Membership *membership.Service
	// Tags tags customers by hand and in bulk; Lifecycle keeps their stages and the rules.
	Tags      *tags.Service
	Lifecycle *lifecycle.Service
	// CustomerData are every module's part of a customer, for merging, downloading and erasing.
	CustomerData []ports.CustomerData
	// Merges merges duplicate customers; Privacy downloads and erases customers' data;
	// Imports imports customers from CSV files.
	Merges  *customermerge.Service
	Privacy *privacy.Service
	Imports *customerimport.Service
	// Webhooks keeps the brands' webhook endpoints and delivers what modules publish to them.
	Webhooks *webhooks.Service

	// Segments are saved segments, their materialised members, auto-tag rules and exports.
	Segments *segments.Service
}

// New wires every module of Modules over db.
func New(cfg Config, db *postgres.DB) (*App, error) { return NewWith(cfg, db, Modules()) }

// NewWith wires the kernel and modules over db, in the order given: every module's services,
// then every module's reactions, jobs and listeners.
func NewWith(cfg Config, db *postgres.DB, modules []module.Module) (*App, error) {
	if cfg.Clock == nil {
		cfg.Clock = ports.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	k, err := kernel(cfg, db, modules)
	if err != nil {
		return nil, err
	}
	for _, m := range modules {
		shared, err := m.Services(k)
		if err != nil {
			return nil, fmt.Errorf("module %s: %w", m.Name, err)
		}
		k.Share(shared)
	}
	// Published events carry customers' data too.
	k.Share(module.Shared{CustomerData: []ports.CustomerData{postgres.DomainEvents{}}})
	a := &App{Config: cfg, DB: db, Kernel: k, Modules: modules, Tenants: k.Tenants, Jobs: k.Jobs, River: k.Jobs.Client(), Bus: k.Bus,
		Listener: postgres.NewListener(cfg.DatabaseURL, cfg.Logger)}
	for _, m := range modules {
		s, err := m.Surfaces(k)
		if err != nil {
			return nil, fmt.Errorf("module %s: %w", m.Name, err)
		}
		if err := k.Bus.Subscribe(s.Subscribers...); err != nil {
			return nil, fmt.Errorf("module %s: %w", m.Name, err)
		}
		if s.Workers != nil {
			s.Workers(k.Jobs)
		}
		for _, l := range s.Listeners {
			a.Listener.Handle(l.Topic, l.Handle)
		}
	}
	addSubscriberWorkers(k)
	a.CustomerData = k.CustomerData()
	a.fill(k)
	return a, nil
}

// kernel builds the shared kits every module builds on: the tenant directory, the audit
// trail, the secrets keyring, the jobs client with every module's queues and the event bus
// with every module's event types.
func kernel(cfg Config, db *postgres.DB, modules []module.Module) (*module.Kernel, error) {
	k := module.NewKernel()
	k.Config, k.DB = cfg, db
	k.Tenants = tenants.NewDirectory(platformdb.NewTenantStore(db))
	k.Audit, k.Notifier = platformdb.AuditLog{}, postgres.Notifier{}
	var err error
	if k.Keyring, err = secretbox.ParseKeyring(cfg.SecretsKey); err != nil {
		return nil, fmt.Errorf("secrets key: %w", err)
	}
	var queues []riverjobs.Queue
	for _, m := range modules {
		queues = append(queues, m.Queues...)
		k.SegmentFields.Domain = k.SegmentFields.Domain.Add(m.SegmentFields.Domain)
		k.SegmentFields.SQL = append(k.SegmentFields.SQL, m.SegmentFields.SQL...)
	}
	if k.Jobs, err = riverjobs.New(db, riverjobs.Config{MaxWorkers: cfg.Workers, Logger: cfg.Logger, NoPeriodic: cfg.NoPeriodicJobs,
		Queues: queues, JobTimeout: cfg.JobTimeout}); err != nil {
		return nil, err
	}
	k.Scheduler = k.Jobs.Scheduler()
	k.Bus = eventbus.New(eventbus.Deps{Tx: db, Locals: db, Events: postgres.DomainEvents{}, Jobs: k.Scheduler, Tenants: k.Tenants,
		Clock: cfg.Clock})
	for _, m := range modules {
		k.Bus.Declare(m.EventTypes...)
	}
	return k, nil
}

// addSubscriberWorkers registers the worker of every subscriber's jobs and the purge of
// published events.
func addSubscriberWorkers(k *module.Kernel) {
	for _, s := range k.Bus.Subscribers() {
		riverjobs.HandleKind(k.Jobs, eventbus.JobArgs{Subscriber: s.Name}, k.Bus.Work, riverjobs.WorkerOptions{})
	}
	riverjobs.Handle(k.Jobs, riverjobs.Sweeping[eventbus.SweepArgs](k.Bus.Sweep), riverjobs.WorkerOptions{})
	k.Jobs.Every("domain_events_sweep", 6*time.Hour, func() ports.JobArgs { return eventbus.SweepArgs{} }, false)
}

// fill names the platform's and the customers module's services on the app, for the binary
// and tests; later modules' services are reached with module.Get on a.Kernel.
func (a *App) fill(k *module.Kernel) {
	a.Tenancy, a.APIKeys, a.Access = module.Get[*tenancy.Service](k), module.Get[*apikeys.Service](k), module.Get[*access.Service](k)
	a.Audit, a.Secrets, a.Channels = module.Get[*audit.Service](k), module.Get[*secrets.Service](k), module.Get[*channels.Service](k)
	a.SignIn, a.Identity = module.Get[*signin.Service](k), module.Get[ports.IdentityProvider](k)
	a.SelfService = module.Get[ports.SelfService](k)
	a.Authorizer, a.Idempotency = module.Get[*casbinauth.Authorizer](k), module.Get[*idempotency.Service](k)
	a.Webhooks = module.Get[*webhooks.Service](k)
	a.Customers, a.CustomerAuth = module.Get[*customers.Service](k), module.Get[*customerauth.Service](k)
	a.Events, a.Demo, a.Tags = module.Get[*events.Service](k), module.Get[*demodata.Service](k), module.Get[*tags.Service](k)
	a.WeChatAccounts, a.Checkins = module.Get[*wechataccounts.Service](k), module.Get[*checkins.Service](k)
	a.Membership, a.Lifecycle = module.Get[*membership.Service](k), module.Get[*lifecycle.Service](k)
	a.Merges, a.Privacy = module.Get[*customermerge.Service](k), module.Get[*privacy.Service](k)
	a.Imports, a.Segments = module.Get[*customerimport.Service](k), module.Get[*segments.Service](k)
}
