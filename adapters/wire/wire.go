// Package wire connects the adapters to the application services: the one place that knows
// which implementation serves which port. The engage binary and the end-to-end tests both
// build the service through it.
package wire

import (
	"crypto/tls"
	"fmt"
	"log/slog"

	"github.com/engagehq/engage/adapters/casbinauth"
	"github.com/engagehq/engage/adapters/kratos"
	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/adapters/secretbox"
	"github.com/engagehq/engage/adapters/sms"
	"github.com/engagehq/engage/adapters/sms/aliyun"
	"github.com/engagehq/engage/adapters/sms/tencent"
	"github.com/engagehq/engage/adapters/smtp"
	"github.com/engagehq/engage/adapters/wechat"
	"github.com/engagehq/engage/application/access"
	"github.com/engagehq/engage/application/apikeys"
	"github.com/engagehq/engage/application/audit"
	"github.com/engagehq/engage/application/channels"
	"github.com/engagehq/engage/application/customerauth"
	"github.com/engagehq/engage/application/customers"
	"github.com/engagehq/engage/application/demodata"
	"github.com/engagehq/engage/application/events"
	"github.com/engagehq/engage/application/idempotency"
	"github.com/engagehq/engage/application/secrets"
	"github.com/engagehq/engage/application/segments"
	"github.com/engagehq/engage/application/signin"
	"github.com/engagehq/engage/application/tenancy"
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
	River        *riverjobs.Client
	Listener     *postgres.Listener

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
	auditLog := postgres.AuditLog{}
	notifier := postgres.Notifier{}
	a := &App{Config: cfg, DB: db, Tenants: tenants.NewDirectory(postgres.NewTenantStore(db))}
	a.Tenancy = tenancy.NewService(db, a.Tenants, auditLog, notifier, postgres.Logos{})
	a.Audit = audit.NewService(db, auditLog, a.Tenants)

	var err error
	if a.Authorizer, err = casbinauth.New(db, postgres.Roles{}); err != nil {
		return nil, err
	}
	users := postgres.NewAdminUsers(db)
	a.Access = access.NewService(access.Deps{
		Tx: db, Users: users, Members: postgres.Memberships{}, Invitations: postgres.Invitations{}, Roles: postgres.Roles{},
		Authorizer: a.Authorizer, Audit: auditLog, Notifier: notifier, Tenants: a.Tenants, Clock: cfg.Clock,
	})
	a.APIKeys = apikeys.NewService(apikeys.Deps{
		Tx: db, Keys: postgres.APIKeys{}, Roles: postgres.Roles{}, Authorizer: a.Authorizer, Audit: auditLog,
		Notifier: notifier, Tenants: a.Tenants, Clock: cfg.Clock,
	})
	a.SignIn = signin.New(users, postgres.NewLocalSignIn(db), cfg.Clock, cfg.SignInKey, cfg.Production)
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
	a.Customers = customers.NewService(db, postgres.Customers{}, postgres.AttributeDefs{}, auditLog, cfg.Clock)
	a.Secrets = secrets.NewService(db, postgres.Secrets{}, keyring, auditLog, a.Tenants, cfg.Clock)
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
	a.Channels = channels.NewService(db, postgres.ChannelSettings{}, a.Secrets, auditLog, channels.Verifiers{
		WeChat: wechatTokens,
		SMS:    sms.NewVerifier(aliyunSMS, tencentSMS),
		SMTP:   smtp.Verifier{TLSConfig: cfg.SMTPTLS},
	}, cfg.Clock)
	customerTokenKey := cfg.CustomerTokenKey
	if len(customerTokenKey) == 0 {
		customerTokenKey = customerauth.DeriveKey(cfg.SecretsKey)
	}
	if a.CustomerAuth, err = customerauth.New(customerauth.Deps{
		Tx: db, Accounts: postgres.WeChatAccounts{}, Customers: a.Customers, Channels: a.Channels, WeChat: wechatClient,
		AccessTokens: wechatTokens, Tenants: a.Tenants, Audit: auditLog, Clock: cfg.Clock, TokenKey: customerTokenKey,
	}); err != nil {
		return nil, err
	}

	// Services enqueue through the River client; its workers call the services once started.
	workers := &riverjobs.Services{}
	a.River, err = riverjobs.NewClient(db, workers, riverjobs.Config{MaxWorkers: cfg.Workers, Logger: cfg.Logger, NoPeriodic: cfg.NoPeriodicJobs})
	if err != nil {
		return nil, err
	}
	scheduler := riverjobs.NewScheduler(a.River)
	a.Idempotency = idempotency.NewService(db, postgres.IdempotencyKeys{}, scheduler, a.Tenants, cfg.Clock)
	a.Segments = segments.NewService(segments.Deps{
		Tx: db, Segments: postgres.Segments{}, Rules: postgres.TagRules{}, Eval: postgres.SegmentEvaluator{},
		Membership: postgres.SegmentEvaluator{}, Defs: postgres.AttributeDefs{}, Jobs: scheduler, Audit: auditLog,
		Tenants: a.Tenants, Clock: cfg.Clock,
	})
	a.Events = events.NewService(events.Deps{
		Tx: db, Events: postgres.Events{}, Activity: postgres.Activity{}, Jobs: scheduler, Tenants: a.Tenants, Clock: cfg.Clock,
		// Modules that react to customer events (points, tiers, badges, notification triggers)
		// add their reactors after the activity aggregates.
		Reactors: []ports.EventReactor{events.NewActivityUpdater(postgres.Activity{}), a.Segments.Reactor()},
	})
	a.Demo = demodata.NewService(db, postgres.CustomerImport{}, auditLog, a.Events, cfg.Clock)
	*workers = riverjobs.Services{Idempotency: a.Idempotency, Events: a.Events, Segments: a.Segments}

	// Change notices from every process keep this one's caches honest.
	a.Listener = postgres.NewListener(cfg.DatabaseURL, cfg.Logger)
	a.Listener.Handle(ports.TopicTenant, a.Tenants.Forget)
	a.Listener.Handle(ports.TopicAPIKey, a.APIKeys.Forget)
	a.Listener.Handle(ports.TopicRoles, a.Authorizer.Invalidate)
	return a, nil
}
