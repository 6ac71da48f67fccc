// Package module is the seam every Engage module fills. A module (platform, customers, and
// next points, tiers, gamification, notifications, insight) is one Module value: what it adds
// to the shared surfaces, read by the composition root (adapters/wire), which names the
// modules in one list, in order. A module's permissions and public event types are
// registered by its domain packages (access.Register, webhook.Register); everything else is
// here.
package module

import (
	"context"
	"time"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/riverjobs"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Module is one module as the composition root sees it. Wiring builds modules in two passes:
// every module's Services, then every module's Surfaces, so that a surface may use what any
// module shares (a download gathers every module's customer data).
type Module struct {
	// Name is the module's name, in logs and in wiring's complaints about it.
	Name string
	// Permissions are the module's permissions (its domain registers them with access.Register,
	// with the built-in roles that hold them), for the tests the module list drives.
	Permissions []access.Permission
	// EventTypes are every domain event type the module publishes; the public ones, which
	// brands subscribe webhooks to, its domain registers in the webhook catalogue.
	EventTypes []string
	// Queues are the job queues of the module's workers, with their concurrency and retries.
	Queues []riverjobs.Queue
	// SegmentFields are the fields the module adds to segment conditions, in the domain and
	// with their SQL.
	SegmentFields SegmentFields
	// Services builds the module's services on the kernel, makes those other modules use
	// available with Provide, and returns what it shares.
	Services func(k *Kernel) (Shared, error)
	// Surfaces is called once every module's services exist: the module's reactions, jobs
	// and change listeners.
	Surfaces func(k *Kernel) (Surfaces, error)
	// API returns the module's operations over its services. It is also called on an empty
	// kernel (Get finds nothing) to write the OpenAPI document, so it must only keep what it
	// gets.
	API func(k *Kernel) httpapi.Module
	// Console returns the module's console pages, menu entries and messages over its services;
	// nil for a module without pages.
	Console func(k *Kernel) console.Module
	// Terms name the module's codes in the console's languages, for every module's pages: each
	// of its Permissions (perm.<permission>, perm.<permission>.help) and their areas
	// (area.<resource>), its audit actions (action.<action>) and target types (target.<type>),
	// and the jobs and subscribers that change things by themselves (job.<kind>). A module
	// without pages has them too, so that the platform's pages show its names.
	Terms console.Terms
	// Demo, when set, gives a demo brand the module's part of the demo (engage seed --demo)
	// before its history is replayed: historyEnds is the day the replayed purchases end.
	// Run again on a brand it filled, it changes nothing.
	Demo func(ctx context.Context, k *Kernel, tenant tenants.ID, historyEnds time.Time) error
}

// SegmentFields are segment fields a module declares.
type SegmentFields struct {
	Domain segment.Fields
	SQL    []customersdb.SegmentField
}

// Shared is what a module's services give other modules' use cases.
type Shared struct {
	// CustomerData are the module's parts of a customer, merged, downloaded and erased with
	// the profile, in order.
	CustomerData []ports.CustomerData
	// CustomerDataLast are parts that read the others (segment membership evaluates the
	// survivor of a merge): they come after every module's CustomerData.
	CustomerDataLast []ports.CustomerData
	// MemberSummaries fill the sections of a member's membership in the Mini Program.
	MemberSummaries []ports.MemberSummaryProvider
	// Names name the module's things by type and ID (its audit target types, "user" for
	// admins), for the audit trail to show names rather than IDs.
	Names ports.Namers
}

// Surfaces are the module's reactions, background work and change listeners.
type Surfaces struct {
	// Subscribers react to domain events, each with its own jobs on its queue.
	Subscribers []eventbus.Subscriber
	// Workers registers the module's job workers and periodic jobs.
	Workers func(j *riverjobs.Jobs)
	// Listeners handle change notices from every process (ports.Topic...).
	Listeners []Listener
}

// Listener handles the change notices of one topic.
type Listener struct {
	Topic  string
	Handle func(payload string)
}
