// Package platformmod is the platform module as the composition root reads it: brands,
// admins and their access, API keys, the audit trail, secrets, channels, idempotency keys,
// sign-in and webhooks, with their repositories, operations, pages and jobs.
package platformmod

import (
	"cmp"
	"fmt"
	"time"

	"github.com/engagehq/engage/adapters/casbinauth"
	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/console/platformui"
	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/httpapi/platformapi"
	"github.com/engagehq/engage/adapters/kratos"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/adapters/sms"
	"github.com/engagehq/engage/adapters/sms/aliyun"
	"github.com/engagehq/engage/adapters/sms/tencent"
	"github.com/engagehq/engage/adapters/smtp"
	"github.com/engagehq/engage/adapters/webhookhttp"
	"github.com/engagehq/engage/adapters/wechat"
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
	accessdomain "github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
)

// Module returns the platform module.
func Module() module.Module {
	return module.Module{
		Name: "platform",
		Permissions: []accessdomain.Permission{accessdomain.PermTenantRead, accessdomain.PermTenantWrite,
			accessdomain.PermAPIKeysRead, accessdomain.PermAPIKeysWrite, accessdomain.PermSettingsRead, accessdomain.PermSettingsWrite,
			accessdomain.PermTeamRead, accessdomain.PermTeamWrite, accessdomain.PermRolesRead, accessdomain.PermRolesWrite,
			accessdomain.PermAuditRead, accessdomain.PermAuditExport, accessdomain.PermWebhooksRead, accessdomain.PermWebhooksWrite},
		Queues: []riverjobs.Queue{
			// Deliveries keep their own schedule (webhook.Schedule): River retries only a job
			// that failed before it could record its attempt. Each may wait on a slow receiver
			// for the sender's whole timeout, so many run at once, apart from other jobs.
			{Name: webhooks.Queue, MaxWorkers: 20, Retry: riverjobs.RetryPolicy{MaxAttempts: 8,
				Backoff: riverjobs.Exponential(5*time.Second, 10*time.Minute)}},
		},
		Services: services,
		Surfaces: surfaces,
		API:      api,
		Console:  pages,
		Terms:    platformui.Terms,
	}
}

// services builds the platform's services and provides them to the other modules.
func services(k *module.Kernel) (module.Shared, error) {
	cfg, db := k.Config, k.DB
	module.Provide(k, tenancy.NewService(tenancy.Deps{Tx: db, Tenants: k.Tenants, Audit: k.Audit, Notifier: k.Notifier, Logos: platformdb.Logos{}}))
	module.Provide(k, audit.NewService(audit.Deps{Tx: db, Reader: platformdb.AuditLog{}, Tenants: k.Tenants, Names: k.Names}))
	authorizer, err := casbinauth.New(db, platformdb.Roles{})
	if err != nil {
		return module.Shared{}, err
	}
	module.Provide(k, authorizer)
	users := platformdb.NewAdminUsers(db)
	module.Provide(k, apikeys.NewService(apikeys.Deps{
		Tx: db, Keys: platformdb.APIKeys{}, Roles: platformdb.Roles{}, Authorizer: authorizer, Audit: k.Audit,
		Notifier: k.Notifier, Tenants: k.Tenants, Clock: cfg.Clock,
	}))
	local := signin.NewService(signin.Deps{Users: users, Store: platformdb.NewLocalSignIn(db), Clock: cfg.Clock, Key: cfg.SignInKey,
		Production: cfg.Production})
	module.Provide(k, local)
	var (
		identity    ports.IdentityProvider
		selfService ports.SelfService
	)
	if cfg.KratosURL != "" {
		provider, err := kratos.New(cfg.KratosURL, cmp.Or(cfg.KratosSessionCookie, kratos.DefaultSessionCookie), nil)
		if err != nil {
			return module.Shared{}, fmt.Errorf("kratos: %w", err)
		}
		identity, selfService = provider, provider
	} else if !cfg.Production {
		identity = local
	}
	module.Provide(k, identity)
	module.Provide(k, selfService)
	secretsSvc := secrets.NewService(secrets.Deps{Tx: db, Secrets: platformdb.Secrets{}, Cipher: k.Keyring, Audit: k.Audit,
		Tenants: k.Tenants, Clock: cfg.Clock})
	module.Provide(k, secretsSvc)
	aliyunSMS, err := aliyun.New(cfg.AliyunSMSAPI)
	if err != nil {
		return module.Shared{}, err
	}
	tencentSMS, err := tencent.New(cfg.TencentSMSAPI)
	if err != nil {
		return module.Shared{}, err
	}
	// One WeChat client and access-token cache for every module that calls WeChat.
	wechatClient := wechat.New(cfg.WeChatAPI, nil)
	wechatTokens := wechat.NewTokens(wechatClient)
	module.Provide(k, wechatClient)
	module.Provide(k, wechatTokens)
	// Outside production a brand's mail server may be local (a development mailpit); in
	// production private, loopback and link-local addresses are refused when connecting.
	channelsSvc := channels.NewService(channels.Deps{Tx: db, Settings: platformdb.ChannelSettings{}, Secrets: secretsSvc, Audit: k.Audit,
		Verifiers: channels.Verifiers{
			WeChat: wechatTokens,
			SMS:    sms.NewVerifier(aliyunSMS, tencentSMS),
			SMTP:   smtp.Verifier{TLSConfig: cfg.SMTPTLS, AllowPrivate: !cfg.Production},
		}, Clock: cfg.Clock})
	module.Provide(k, channelsSvc)
	// Invitations are mailed through the brand's own mail server, or the platform's.
	accessSvc := access.NewService(access.Deps{
		Tx: db, Users: users, Members: platformdb.Memberships{}, Invitations: platformdb.Invitations{}, Roles: platformdb.Roles{},
		Authorizer: authorizer, Audit: k.Audit, Notifier: k.Notifier, Tenants: k.Tenants, Clock: cfg.Clock,
		Mail: channelsSvc, Email: smtp.Sender{TLSConfig: cfg.SMTPTLS, AllowPrivate: !cfg.Production}, PlatformMail: cfg.PlatformMail,
	})
	module.Provide(k, accessSvc)
	module.Provide(k, idempotency.NewService(idempotency.Deps{Tx: db, Store: platformdb.IdempotencyKeys{}, Jobs: k.Scheduler,
		Tenants: k.Tenants, Clock: cfg.Clock}))
	// Outside production endpoints may be plain http and local, for development receivers.
	module.Provide(k, webhooks.NewService(webhooks.Deps{
		Tx: db, Locals: db, Repo: platformdb.Webhooks{}, Cipher: k.Keyring, Jobs: k.Scheduler, Audit: k.Audit, Tenants: k.Tenants, Clock: cfg.Clock,
		Sender: webhookhttp.New(webhookhttp.Options{AllowPrivate: !cfg.Production}),
		Policy: webhook.URLPolicy{AllowHTTP: !cfg.Production, AllowPrivate: !cfg.Production}, Logger: cfg.Logger,
		Alerts: webhooks.Alerts{Mail: channelsSvc, Admins: accessSvc, Email: smtp.Sender{TLSConfig: cfg.SMTPTLS, AllowPrivate: !cfg.Production}},
	}))
	// The webhook log keeps copies of the profiles sent.
	return module.Shared{CustomerData: []ports.CustomerData{platformdb.WebhookData{}}, Names: platformdb.Names()}, nil
}

// surfaces are the platform's subscriber (webhooks), jobs and change listeners.
func surfaces(k *module.Kernel) (module.Surfaces, error) {
	hooks := module.Get[*webhooks.Service](k)
	idem := module.Get[*idempotency.Service](k)
	return module.Surfaces{
		Subscribers: []eventbus.Subscriber{hooks.Subscriber()},
		Workers: func(j *riverjobs.Jobs) {
			none := riverjobs.WorkerOptions{}
			riverjobs.Handle(j, riverjobs.Counting(idem.Purge), none)
			riverjobs.Handle(j, riverjobs.Sweeping[idempotency.SweepArgs](idem.Sweep), none)
			riverjobs.Handle(j, hooks.Deliver, none)
			riverjobs.Handle(j, hooks.Alert, none)
			riverjobs.Handle(j, riverjobs.Counting(hooks.Purge), none)
			riverjobs.Handle(j, riverjobs.Sweeping[webhooks.SweepArgs](hooks.Sweep), none)
			j.Every("idempotency_sweep", time.Hour, func() ports.JobArgs { return idempotency.SweepArgs{} }, true)
			j.Every("webhook_sweep", 6*time.Hour, func() ports.JobArgs { return webhooks.SweepArgs{} }, false)
		},
		// Change notices from every process keep this one's caches honest.
		Listeners: []module.Listener{
			{Topic: ports.TopicTenant, Handle: k.Tenants.Forget},
			{Topic: ports.TopicAPIKey, Handle: module.Get[*apikeys.Service](k).Forget},
			{Topic: ports.TopicRoles, Handle: module.Get[*casbinauth.Authorizer](k).Invalidate},
		},
	}, nil
}

// api is the platform's operations.
func api(k *module.Kernel) httpapi.Module {
	return platformapi.New(platformapi.Deps{
		Tenants: k.Tenants, Tenancy: module.Get[*tenancy.Service](k), APIKeys: module.Get[*apikeys.Service](k),
		Access: module.Get[*access.Service](k), Audit: module.Get[*audit.Service](k), Secrets: module.Get[*secrets.Service](k),
		Webhooks: module.Get[*webhooks.Service](k), SignIn: localSignIn(k), SecureCookies: k.Config.Production,
	})
}

// pages is the platform's console pages.
func pages(k *module.Kernel) console.Module {
	return platformui.Module(platformui.Deps{Tenants: k.Tenants, Tenancy: module.Get[*tenancy.Service](k),
		APIKeys: module.Get[*apikeys.Service](k), Access: module.Get[*access.Service](k), Audit: module.Get[*audit.Service](k),
		Channels: module.Get[*channels.Service](k), Webhooks: module.Get[*webhooks.Service](k)})
}

// localSignIn is the local sign-in links, which production refuses.
func localSignIn(k *module.Kernel) *signin.Service {
	if k.Config.Production {
		return nil
	}
	return module.Get[*signin.Service](k)
}
