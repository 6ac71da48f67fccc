// Package eventbus is how one module reacts to another's facts. A module publishes domain
// events inside the transaction that makes the change; just before that transaction commits
// the bus stores them and enqueues, for each subscriber that takes any of them, one job on the
// subscriber's queue. The job opens its own tenant transaction, so a failing subscriber rolls
// back and retries alone. A subscriber may declare that it runs after another one (lifecycle
// stages read the activity aggregates): its job is enqueued by that one's, once it committed.
package eventbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Subscriber is one module's reaction to domain events.
type Subscriber struct {
	// Name identifies the subscriber in job kinds, logs and metrics ("activity", "webhooks").
	Name string
	// Queue is the River queue of the subscriber's module.
	Queue string
	// Takes says whether the subscriber reacts to events of a type.
	Takes func(eventType string) bool
	// After names the subscriber whose work this one reads: its job is enqueued when that
	// one's commits. Empty for none.
	After string
	// Handle reacts to the events of one transaction, in the order they were published, in
	// the job's own tenant transaction. Jobs are delivered at least once, so Handle must be
	// idempotent: the same events twice change nothing the second time.
	Handle func(ctx context.Context, evs []ports.DomainEvent) error
	// Wants, when set, says in the publishing transaction whether the subscriber needs the
	// events of a type it takes there and then (the webhooks: whether any of the brand's
	// endpoints receives the type). A subscriber gets no job for events it does not want (nor
	// any subscriber after it), and an event that no subscriber both takes and wants is not
	// stored, so publishing what nobody listens to costs a question, not a write. A subscriber
	// that runs after another is asked in that one's job.
	Wants func(ctx context.Context, eventType string) (bool, error)
}

// Types returns a Takes that accepts the named types.
func Types(names ...string) func(string) bool {
	return func(t string) bool { return slices.Contains(names, t) }
}

// JobArgs is the job of one subscriber for the events of one transaction.
type JobArgs struct {
	TenantID   uuid.UUID   `json:"tenant_id"`
	Subscriber string      `json:"subscriber"`
	EventIDs   []uuid.UUID `json:"event_ids"`
}

// Kind names the job after its subscriber, so each subscriber has its own worker, and its
// jobs are told apart in River's UI and metrics.
func (a JobArgs) Kind() string { return KindOf(a.Subscriber) }

// KindOf is the job kind of a subscriber.
func KindOf(subscriber string) string { return "subscriber." + subscriber }

// Deps are what the bus needs.
type Deps struct {
	Tx     ports.Transactor
	Locals ports.TxLocals
	Events ports.DomainEventRepository
	Jobs   ports.JobScheduler
	// Tenants resolves the tenant of a job.
	Tenants *tenants.Directory
	Clock   ports.Clock
}

// Bus publishes domain events and works its subscribers' jobs.
type Bus struct {
	d     Deps
	types map[string]bool
	subs  []Subscriber
}

var _ ports.EventPublisher = (*Bus)(nil)

// New returns a bus with no subscribers.
func New(d Deps) *Bus {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Bus{d: d, types: map[string]bool{}}
}

// ErrUnknownEventType refuses a publication of a type no module declared.
var ErrUnknownEventType = errors.New("eventbus: unknown event type")

// Declare adds the event types modules publish; wiring calls it before serving.
func (b *Bus) Declare(types ...string) {
	for _, t := range types {
		b.types[t] = true
	}
}

// ErrWiring is a subscriber the bus cannot take: incomplete, named twice, or after one not
// subscribed before it.
var ErrWiring = errors.New("eventbus: bad subscriber")

// Subscribe adds subscribers. Wiring calls it before serving.
func (b *Bus) Subscribe(subs ...Subscriber) error {
	for _, s := range subs {
		switch {
		case s.Name == "" || s.Queue == "" || s.Takes == nil || s.Handle == nil:
			return fmt.Errorf("%w: %q lacks a name, queue, Takes or Handle", ErrWiring, s.Name)
		case b.subscriber(s.Name) != nil:
			return fmt.Errorf("%w: %q subscribed twice", ErrWiring, s.Name)
		case s.After != "" && b.subscriber(s.After) == nil:
			return fmt.Errorf("%w: %q runs after %q, which is not subscribed before it", ErrWiring, s.Name, s.After)
		}
		b.subs = append(b.subs, s)
	}
	return nil
}

// Subscribers returns the subscribers in the order they were added.
func (b *Bus) Subscribers() []Subscriber { return slices.Clone(b.subs) }

func (b *Bus) subscriber(name string) *Subscriber {
	for i := range b.subs {
		if b.subs[i].Name == name {
			return &b.subs[i]
		}
	}
	return nil
}

// pending are the events published in one transaction, stored when it is about to commit,
// and the subscribers the transaction did the work of (Handled).
type pending struct {
	events  []ports.DomainEvent
	handled map[string]bool
}

type pendingKey struct{}

// ErrNoTenant is returned for a publication outside a tenant's write transaction.
var ErrNoTenant = errors.New("eventbus: publish needs a tenant write transaction")

// Publish implements ports.EventPublisher.
func (b *Bus) Publish(ctx context.Context, eventType string, data any) error {
	if !b.types[eventType] {
		return fmt.Errorf("%w %q", ErrUnknownEventType, eventType)
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("eventbus: encode %s: %w", eventType, err)
	}
	ev := ports.DomainEvent{ID: uuid.Must(uuid.NewV7()), Type: eventType, Data: raw,
		OccurredAt: b.d.Clock.Now().UTC().Truncate(time.Microsecond)}
	if s, ok := data.(ports.EventSubject); ok {
		ev.Subject = s.EventSubject()
	}
	p, err := b.pending(ctx)
	if err != nil {
		return err
	}
	p.events = append(p.events, ev)
	return nil
}

// Handled implements ports.EventPublisher.
func (b *Bus) Handled(ctx context.Context, subscriber string) error {
	if b.subscriber(subscriber) == nil {
		return fmt.Errorf("%w %q", ErrUnknownSubscriber, subscriber)
	}
	p, err := b.pending(ctx)
	if err != nil {
		return err
	}
	if p.handled == nil {
		p.handled = map[string]bool{}
	}
	p.handled[subscriber] = true
	return nil
}

// pending returns what the write transaction of ctx published, stored when it commits.
func (b *Bus) pending(ctx context.Context) (*pending, error) {
	v, err := b.d.Locals.Local(ctx, pendingKey{}, func() (any, func(context.Context) error) {
		p := &pending{}
		return p, func(ctx context.Context) error { return b.flush(ctx, p) }
	})
	if err != nil {
		return nil, errors.Join(ErrNoTenant, err)
	}
	return v.(*pending), nil
}

// flush stores the transaction's events that a subscriber wants and enqueues the jobs of the
// subscribers that run first, in the transaction.
func (b *Bus) flush(ctx context.Context, p *pending) error {
	asked := map[[2]string]bool{}
	evs, err := b.wanted(ctx, p.events, asked)
	if err != nil || len(evs) == 0 {
		return err
	}
	tenant, err := b.d.Locals.Tenant(ctx)
	if err != nil {
		return err
	}
	if err := b.d.Events.Insert(ctx, evs); err != nil {
		return err
	}
	return b.enqueue(ctx, tenant.UUID(), "", evs, asked, p.handled)
}

// wanted returns the events of evs some subscriber takes and wants, asking each subscriber
// once per type (the answers kept in asked).
func (b *Bus) wanted(ctx context.Context, evs []ports.DomainEvent, asked map[[2]string]bool) ([]ports.DomainEvent, error) {
	byType := map[string]bool{}
	out := make([]ports.DomainEvent, 0, len(evs))
	for _, e := range evs {
		want, known := byType[e.Type]
		if !known {
			for _, s := range b.subs {
				if !s.Takes(e.Type) {
					continue
				}
				var err error
				if want, err = b.wants(ctx, s, e.Type, asked); err != nil {
					return nil, err
				}
				if want {
					break
				}
			}
			byType[e.Type] = want
		}
		if want {
			out = append(out, e)
		}
	}
	return out, nil
}

// enqueue enqueues a job for each subscriber that runs after the one named after ("" for the
// first ones) and wants any of evs, itself or through a subscriber that runs after it; for a
// subscriber whose work is done (handled), the jobs of those that run after it instead.
func (b *Bus) enqueue(ctx context.Context, tenant uuid.UUID, after string, evs []ports.DomainEvent, asked map[[2]string]bool,
	handled map[string]bool) error {
	for _, s := range b.subs {
		if s.After != after {
			continue
		}
		if handled[s.Name] {
			if err := b.enqueue(ctx, tenant, s.Name, evs, asked, handled); err != nil {
				return err
			}
			continue
		}
		var ids []uuid.UUID
		for _, e := range evs {
			want, err := b.wantsDownstream(ctx, s, e.Type, asked)
			if err != nil {
				return err
			}
			if want {
				ids = append(ids, e.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		args := JobArgs{TenantID: tenant, Subscriber: s.Name, EventIDs: ids}
		if err := b.d.Jobs.Enqueue(ctx, args, ports.JobOptions{Queue: s.Queue}); err != nil {
			return err
		}
	}
	return nil
}

// wants asks s whether it wants events of eventType (Subscriber.Wants; yes without it), once
// per subscriber and type: the answers are kept in asked.
func (b *Bus) wants(ctx context.Context, s Subscriber, eventType string, asked map[[2]string]bool) (bool, error) {
	key := [2]string{s.Name, eventType}
	if want, ok := asked[key]; ok {
		return want, nil
	}
	want := s.Wants == nil
	if !want {
		var err error
		if want, err = s.Wants(ctx, eventType); err != nil {
			return false, fmt.Errorf("eventbus: does %s want %s: %w", s.Name, eventType, err)
		}
	}
	asked[key] = want
	return want, nil
}

// wantsDownstream reports whether s needs a job for events of eventType: it takes them and
// wants them there and then (Subscriber.Wants, asked once per subscriber and type and kept in
// asked), or a subscriber that runs after it does. A subscriber that takes a type but says it
// does not want it (a brand without webhook endpoints for it, without action rules) costs no
// job.
func (b *Bus) wantsDownstream(ctx context.Context, s Subscriber, eventType string, asked map[[2]string]bool) (bool, error) {
	if s.Takes(eventType) {
		if want, err := b.wants(ctx, s, eventType, asked); err != nil || want {
			return want, err
		}
	}
	for _, next := range b.subs {
		if next.After != s.Name {
			continue
		}
		if want, err := b.wantsDownstream(ctx, next, eventType, asked); err != nil || want {
			return want, err
		}
	}
	return false, nil
}

// ErrUnknownSubscriber fails a job of a subscriber this process does not have.
var ErrUnknownSubscriber = errors.New("eventbus: unknown subscriber")

// Work is a subscriber's job: in one tenant transaction, the subscriber handles the events it
// takes, and the jobs of the subscribers that run after it are enqueued.
func (b *Bus) Work(ctx context.Context, args JobArgs) error {
	s := b.subscriber(args.Subscriber)
	if s == nil {
		return fmt.Errorf("%w %q", ErrUnknownSubscriber, args.Subscriber)
	}
	t, err := b.d.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return err
	}
	return b.d.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
		evs, err := b.d.Events.ByIDs(ctx, args.EventIDs)
		if err != nil || len(evs) == 0 {
			return err
		}
		mine := slices.DeleteFunc(slices.Clone(evs), func(e ports.DomainEvent) bool { return !s.Takes(e.Type) })
		if len(mine) > 0 {
			if err := s.Handle(ctx, mine); err != nil {
				return fmt.Errorf("subscriber %s: %w", s.Name, err)
			}
		}
		return b.enqueue(ctx, args.TenantID, s.Name, evs, map[[2]string]bool{}, nil)
	})
}

// Decode returns the data of evs decoded as T, for subscribers that take one type.
func Decode[T any](evs []ports.DomainEvent) ([]T, error) {
	out := make([]T, len(evs))
	for i, e := range evs {
		if err := json.Unmarshal(e.Data, &out[i]); err != nil {
			return nil, fmt.Errorf("eventbus: decode %s %s: %w", e.Type, e.ID, err)
		}
	}
	return out, nil
}

// Retention is how long published events are kept for their subscribers' jobs, retries
// included, before the sweep purges them.
const Retention = 7 * 24 * time.Hour

// SweepArgs is the periodic job that purges old events of every tenant.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "domain_events_sweep" }

// Sweep purges, tenant by tenant, the events published more than Retention ago, and returns
// how many went.
func (b *Bus) Sweep(ctx context.Context) (int64, error) {
	var total int64
	before := b.d.Clock.Now().Add(-Retention)
	err := b.d.Tenants.Each(ctx, func(t tenants.Tenant) error {
		return b.d.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
			n, err := b.d.Events.Purge(ctx, before)
			total += n
			return err
		})
	})
	return total, err
}
