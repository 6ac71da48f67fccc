package module

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"reflect"
	"time"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/adapters/secretbox"
	"github.com/engagehq/engage/application/eventbus"
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
	// KratosSessionCookie is the name of Kratos's session cookie (its session.cookie.name);
	// empty is kratos.DefaultSessionCookie, the name Engage's Kratos configuration gives it.
	KratosSessionCookie string
	// Provider API bases; empty uses the providers' real endpoints (tests point them at stand-ins).
	WeChatAPI, AliyunSMSAPI, TencentSMSAPI string
	// CustomerTokenKey signs customer tokens (at least 32 bytes); empty derives one from
	// SecretsKey, which every instance shares.
	CustomerTokenKey []byte
	// SMTPTLS is the TLS configuration for brands' mail servers; nil uses the system's roots.
	SMTPTLS *tls.Config
	// PlatformMail is the platform's own mail server, which mails invitations for brands that
	// have none; nil sends those brands' invitations by no email (their links are shown).
	PlatformMail *ports.MailServer
	// Blobs keeps uploaded files (receipt photos); nil keeps them on the local disk under
	// the system's temporary directory (tests).
	Blobs      ports.Blobs
	Production bool
	Workers    int
	// JobTimeout is how long a job may run unless its kind allows longer (riverjobs default).
	JobTimeout time.Duration
	// NoPeriodicJobs leaves periodic jobs out of the River client (tests).
	NoPeriodicJobs bool
	// SegmentInlineMembers is how many members a segment's save computes in its request
	// (segments.Deps.InlineMembers): zero is the default, below zero every save leaves them
	// to a job (tests).
	SegmentInlineMembers int64
	Clock                ports.Clock
	Logger               *slog.Logger
}

// Kernel is what every module builds on: the shared kits, and the services and parts modules
// share with each other.
type Kernel struct {
	Config  Config
	DB      *postgres.DB
	Tenants *tenants.Directory
	// Jobs is the River client; Scheduler enqueues in the caller's tenant transaction.
	Jobs      *riverjobs.Jobs
	Scheduler ports.JobScheduler
	// Bus publishes domain events to the modules' subscribers.
	Bus *eventbus.Bus
	// Audit records changes in their transaction; Notifier tells every process of changes.
	Audit    ports.AuditLog
	Notifier ports.Notifier
	// Keyring seals tenant secrets.
	Keyring *secretbox.Keyring
	// SegmentFields are every module's segment fields, in module order.
	SegmentFields SegmentFields

	services map[reflect.Type]any
	shared   []Shared
}

// NewKernel returns a kernel with no services yet.
func NewKernel() *Kernel { return &Kernel{services: map[reflect.Type]any{}} }

// Provide makes v available to other modules as its type (a service pointer, usually).
// Providing a type twice is a wiring mistake and panics.
func Provide[T any](k *Kernel, v T) {
	t := reflect.TypeFor[T]()
	if _, dup := k.services[t]; dup {
		panic(fmt.Sprintf("module: %s provided twice", t))
	}
	k.services[t] = v
}

// Get returns the provided value of type T, or T's zero value when no module provides one
// (the empty kernel the OpenAPI document is written from).
func Get[T any](k *Kernel) T {
	v, _ := k.services[reflect.TypeFor[T]()].(T)
	return v
}

// Share records what a module's services share; wiring calls it after each module's Services.
func (k *Kernel) Share(s Shared) { k.shared = append(k.shared, s) }

// CustomerData returns every module's parts of a customer, in module order, the parts that
// read the others last. It is complete once every module's Services ran.
func (k *Kernel) CustomerData() []ports.CustomerData {
	var out, last []ports.CustomerData
	for _, s := range k.shared {
		out = append(out, s.CustomerData...)
		last = append(last, s.CustomerDataLast...)
	}
	return append(out, last...)
}

// MemberSummaries returns every module's membership sections, in module order.
func (k *Kernel) MemberSummaries() []ports.MemberSummaryProvider {
	var out []ports.MemberSummaryProvider
	for _, s := range k.shared {
		out = append(out, s.MemberSummaries...)
	}
	return out
}

// Names returns every module's namers by the type they name. It is complete once every
// module's Services ran; two modules naming one type is a wiring mistake and panics.
func (k *Kernel) Names() ports.Namers {
	out := ports.Namers{}
	for _, s := range k.shared {
		for kind, f := range s.Names {
			if _, dup := out[kind]; dup {
				panic(fmt.Sprintf("module: two modules name %q", kind))
			}
			out[kind] = f
		}
	}
	return out
}
