// Package wire connects the adapters to the application services: the one place that knows
// which implementation serves which port. The engage binary and the end-to-end tests both
// build the service through it.
package wire

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"time"

	"github.com/engagehq/engage/adapters/casbinauth"
	"github.com/engagehq/engage/adapters/kratos"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/adapters/secretbox"
	"github.com/engagehq/engage/adapters/sms"
	"github.com/engagehq/engage/adapters/sms/aliyun"
	"github.com/engagehq/engage/adapters/sms/tencent"
	"github.com/engagehq/engage/adapters/smtp"
	"github.com/engagehq/engage/adapters/webhookhttp"
	"github.com/engagehq/engage/adapters/wechat"
	"github.com/engagehq/engage/application/access"
	"github.com/engagehq/engage/application/apikeys"
	"github.com/engagehq/engage/application/audit"
	"github.com/engagehq/engage/application/channels"
	"github.com/engagehq/engage/application/checkins"
	"github.com/engagehq/engage/application/customerauth"
	"github.com/engagehq/engage/application/customerimport"
	"github.com/engagehq/engage/application/customermerge"
	"github.com/engagehq/engage/application/customers"
	"github.com/engagehq/engage/application/demodata"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/application/events"
	"github.com/engagehq/engage/application/idempotency"
	"github.com/engagehq/engage/application/lifecycle"
	"github.com/engagehq/engage/application/membership"
	"github.com/engagehq/engage/application/privacy"
	"github.com/engagehq/engage/application/secrets"
	"github.com/engagehq/engage/application/segments"
	"github.com/engagehq/engage/application/signin"
	"github.com/engagehq/engage/application/tags"
	"github.com/engagehq/engage/application/tenancy"
	"github.com/engagehq/engage/application/webhooks"
	"github.com/engagehq/engage/application/wechataccounts"
	"github.com/engagehq/engage/domain/event"
	"github.com/engagehq/engage/domain/membercode"
	"github.com/engagehq/engage/domain/segment"
	"github.com/engagehq/engage/domain/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Config is what wiring needs from the process configuration.
type Config struct {
	// DatabaseURL is the application role's URL, for the change listener's own connection.
	DatabaseURL string
	// SecretsKey is the keyring of tenant secrets (see secretbox.ParseKeyring).
	SecretsKey string
	// SignInKey signs local sign-in links; unused in production.
	SignInKey []byte
	// KratosURL is Kratos's public API; empty uses local sign-in outside production.
	KratosURL string
	// Provider API bases; empty uses the providers' real endpoints (tests point them at stand-ins).
	WeChatAPI, AliyunSMSAPI, TencentSMSAPI string
	// CustomerTokenKey signs customer tokens (at least 32 bytes); empty derives one from
	// SecretsKey, which every instance shares.
	CustomerTokenKey []byte
	// SMTPTLS is the TLS configuration for brands' mail servers; nil uses the system's roots.
	SMTPTLS    *tls.Config
	Production bool
	Workers    int
	// JobTimeout is how long a job may run unless its kind allows longer (riverjobs default).
	JobTimeout time.Duration
	// NoPeriodicJobs leaves periodic jobs out of the River client (tests).
	NoPeriodicJobs bool
	Clock          ports.Clock
	Logger         *slog.Logger
}

// App is the wired service.
type App struct {
	Config    Config
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
	Authorizer   *casbinauth.Authorizer
	Idempotency  *idempotency.Service
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

// New wires every service over db.
func New(cfg Config, db *postgres.DB) (*App, error) {
	if cfg.Clock == nil {
		cfg.Clock = ports.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	auditLog := platformdb.AuditLog{}
	notifier := postgres.Notifier{}
	a := &App{Config: cfg, DB: db, Tenants: tenants.NewDirectory(platformdb.NewTenantStore(db))}
	a.Tenancy = tenancy.NewService(db, a.Tenants, auditLog, notifier, platformdb.Logos{})
	a.Audit = audit.NewService(db, auditLog, a.Tenants)

	var err error
	if a.Authorizer, err = casbinauth.New(db, platformdb.Roles{}); err != nil {
		return nil, err
	}
	users := platformdb.NewAdminUsers(db)
	a.Access = access.NewService(access.Deps{
		Tx: db, Users: users, Members: platformdb.Memberships{}, Invitations: platformdb.Invitations{}, Roles: platformdb.Roles{},
		Authorizer: a.Authorizer, Audit: auditLog, Notifier: notifier, Tenants: a.Tenants, Clock: cfg.Clock,
	})
	a.APIKeys = apikeys.NewService(apikeys.Deps{
		Tx: db, Keys: platformdb.APIKeys{}, Roles: platformdb.Roles{}, Authorizer: a.Authorizer, Audit: auditLog,
		Notifier: notifier, Tenants: a.Tenants, Clock: cfg.Clock,
	})
	a.SignIn = signin.New(users, platformdb.NewLocalSignIn(db), cfg.Clock, cfg.SignInKey, cfg.Production)
	if cfg.KratosURL != "" {
		if a.Identity, err = kratos.New(cfg.KratosURL, nil); err != nil {
			return nil, fmt.Errorf("kratos: %w", err)
		}
	} else if !cfg.Production {
		a.Identity = a.SignIn
	}
	keyring, err := secretbox.ParseKeyring(cfg.SecretsKey)
	if err != nil {
		return nil, fmt.Errorf("secrets key: %w", err)
	}
	a.Customers = customers.NewService(db, customersdb.Customers{}, customersdb.AttributeDefs{}, auditLog, cfg.Clock)
	a.Secrets = secrets.NewService(db, platformdb.Secrets{}, keyring, auditLog, a.Tenants, cfg.Clock)
	aliyunSMS, err := aliyun.New(cfg.AliyunSMSAPI)
	if err != nil {
		return nil, err
	}
	tencentSMS, err := tencent.New(cfg.TencentSMSAPI)
	if err != nil {
		return nil, err
	}
	wechatClient := wechat.New(cfg.WeChatAPI, nil)
	wechatTokens := wechat.NewTokens(wechatClient)
	a.Channels = channels.NewService(db, platformdb.ChannelSettings{}, a.Secrets, auditLog, channels.Verifiers{
		WeChat: wechatTokens,
		SMS:    sms.NewVerifier(aliyunSMS, tencentSMS),
		SMTP:   smtp.Verifier{TLSConfig: cfg.SMTPTLS},
	}, cfg.Clock)
	customerTokenKey := cfg.CustomerTokenKey
	if len(customerTokenKey) == 0 {
		customerTokenKey = customerauth.DeriveKey(cfg.SecretsKey)
	}
	if a.CustomerAuth, err = customerauth.New(customerauth.Deps{
		Tx: db, Accounts: customersdb.WeChatAccounts{}, Links: customersdb.WeChatLinks{}, Sessions: customersdb.CustomerSessions{},
		Customers: a.Customers, Channels: a.Channels, WeChat: wechatClient,
		AccessTokens: wechatTokens, Tenants: a.Tenants, Audit: auditLog, Clock: cfg.Clock, TokenKey: customerTokenKey,
	}); err != nil {
		return nil, err
	}

	// Services enqueue through the River client; its workers, registered below, call them once
	// it starts.
	jobs, err := riverjobs.New(db, riverjobs.Config{MaxWorkers: cfg.Workers, Logger: cfg.Logger, NoPeriodic: cfg.NoPeriodicJobs,
		Queues: Queues(), JobTimeout: cfg.JobTimeout})
	if err != nil {
		return nil, err
	}
	a.Jobs, a.River = jobs, jobs.Client()
	scheduler := jobs.Scheduler()
	a.Bus = eventbus.New(eventbus.Deps{Tx: db, Locals: db, Events: postgres.DomainEvents{}, Jobs: scheduler, Tenants: a.Tenants,
		Clock: cfg.Clock})
	a.Idempotency = idempotency.NewService(db, platformdb.IdempotencyKeys{}, scheduler, a.Tenants, cfg.Clock)
	stages := lifecycle.NewReactor(customersdb.Lifecycle{}, cfg.Clock)
	// Modules with segment fields (points, tiers) add theirs, and their SQL, after the customers'.
	segmentEval := customersdb.NewSegmentEvaluator(customersdb.SegmentFields())
	a.Segments = segments.NewService(segments.Deps{
		Tx: db, Segments: customersdb.Segments{}, Rules: customersdb.TagRules{}, Eval: segmentEval,
		Membership: segmentEval, Defs: customersdb.AttributeDefs{}, Jobs: scheduler, Audit: auditLog,
		Tenants: a.Tenants, Clock: cfg.Clock, Fields: segment.CustomerFields(),
	})
	a.Events = events.NewService(events.Deps{
		Tx: db, Events: customersdb.Events{}, Activity: customersdb.Activity{}, Publisher: a.Bus, Tenants: a.Tenants, Clock: cfg.Clock,
		Types: customersdb.EventTypes{}, Audit: auditLog, Spend: customersdb.Events{},
	})
	a.Tags = tags.NewService(db, customersdb.Tags{}, customersdb.Customers{}, auditLog)
	a.Lifecycle = lifecycle.NewService(lifecycle.Deps{Tx: db, Repo: customersdb.Lifecycle{}, Jobs: scheduler, Audit: auditLog,
		Tenants: a.Tenants, Clock: cfg.Clock})
	a.Demo = demodata.NewService(db, customersdb.CustomerImport{}, auditLog, a.Events, cfg.Clock)
	// Outside production endpoints may be plain http and local, for development receivers.
	a.Webhooks = webhooks.NewService(webhooks.Deps{
		Tx: db, Repo: platformdb.Webhooks{}, Cipher: keyring, Jobs: scheduler, Audit: auditLog, Tenants: a.Tenants, Clock: cfg.Clock,
		Sender: webhookhttp.New(webhookhttp.Options{AllowPrivate: !cfg.Production}),
		Policy: webhook.URLPolicy{AllowHTTP: !cfg.Production, AllowPrivate: !cfg.Production}, Logger: cfg.Logger,
		Alerts: webhooks.Alerts{Mail: a.Channels, Admins: a.Access, Email: smtp.Sender{TLSConfig: cfg.SMTPTLS}},
	})
	a.Customers.PublishTo(a.Bus)
	a.Tags.PublishTo(a.Bus)
	// Segments and auto-tags re-evaluate customers whose profile or tags change.
	a.Customers.ReportChangesTo(a.Segments)
	a.Tags.ReportChangesTo(a.Segments)
	a.WeChatAccounts = wechataccounts.New(wechataccounts.Deps{
		Tx: db, Accounts: customersdb.WeChatAccounts{}, Links: customersdb.WeChatLinks{}, Members: customersdb.MemberStatuses{},
		Tokens: a.CustomerAuth, Customers: a.Customers, Channels: a.Channels, Imports: customersdb.FanTagImports{}, Jobs: scheduler,
		OfficialAccount: wechatClient, AccessTokens: wechatTokens, Tags: customersdb.Tags{}, Tenants: a.Tenants, Audit: auditLog,
		Clock: cfg.Clock,
	})
	if a.Checkins, err = checkins.New(checkins.Deps{Members: customersdb.MemberStatuses{}, Tx: db, Events: a.Events,
		Key: membercode.DeriveKey(customerTokenKey), Clock: cfg.Clock}); err != nil {
		return nil, err
	}
	// The points, tier and gamification modules add their sections' providers as they land.
	a.Membership = membership.New(membership.Deps{Tx: db, Members: customersdb.MemberStatuses{}, Activity: customersdb.Activity{}})
	// Each module that keeps customer data adds its part here (tags, segment membership;
	// later points, tiers, badges).
	a.CustomerData = []ports.CustomerData{customersdb.AttributeData{}, customersdb.WeChatAccountData{},
		customersdb.ActivityData{Activity: customersdb.Activity{}}, stages, customersdb.Tags{}, postgres.DomainEvents{}, platformdb.WebhookData{},
		// Last: it evaluates the survivor of a merge once the others have moved their data.
		a.Segments.CustomerData()}
	a.Merges = customermerge.NewService(customermerge.Deps{Tx: db, Customers: customersdb.Customers{}, Merges: customersdb.CustomerMerges{},
		Data: a.CustomerData, Audit: auditLog, Webhooks: a.Bus})
	a.Privacy = privacy.NewService(privacy.Deps{Tx: db, Customers: customersdb.Customers{}, Erasures: customersdb.Erasures{},
		Data: a.CustomerData, Sessions: customersdb.CustomerSessions{}, Jobs: scheduler, Audit: auditLog, Tenants: a.Tenants, Clock: cfg.Clock,
		Webhooks: a.Bus})
	a.Imports = customerimport.NewService(customerimport.Deps{Tx: db, Customers: customersdb.CustomerBulk{}, Defs: customersdb.AttributeDefs{},
		Tags: customersdb.Tags{}, Audit: auditLog, Clock: cfg.Clock})
	a.Bus.Declare(event.TypeRecorded)
	for _, t := range webhook.Types() {
		a.Bus.Declare(t.Name)
	}
	if err := a.Bus.Subscribe(
		// Stages read the activity aggregates, and segments and auto-tags read both.
		a.Events.Subscriber(events.NewActivityUpdater(customersdb.Activity{}), ""),
		a.Events.Subscriber(stages, "activity"),
		a.Events.Subscriber(a.Segments.Reactor(), "lifecycle"),
		a.Webhooks.Subscriber(),
	); err != nil {
		return nil, err
	}
	a.addWorkers(jobs)

	// Change notices from every process keep this one's caches honest.
	a.Listener = postgres.NewListener(cfg.DatabaseURL, cfg.Logger)
	a.Listener.Handle(ports.TopicTenant, a.Tenants.Forget)
	a.Listener.Handle(ports.TopicAPIKey, a.APIKeys.Forget)
	a.Listener.Handle(ports.TopicRoles, a.Authorizer.Invalidate)
	return a, nil
}
