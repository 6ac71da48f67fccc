package events

import (
	"context"
	"fmt"

	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
)

// Queue is the job queue of the reactions to customer events, worked apart from other jobs
// with its own limit: each reaction holds a pooled connection and the row locks of up to a
// thousand customers, so more at once only wait on each other and starve ingestion.
const Queue = "customer_events"

// Subscriber makes r a subscriber to stored customer events on Queue: its job loads the
// events of a batch and hands them to r, after the subscriber named after ("" for none) has
// committed its own reaction.
func (s *Service) Subscriber(r ports.EventReactor, after string) eventbus.Subscriber {
	return eventbus.Subscriber{Name: r.Name(), Queue: Queue, After: after, Takes: eventbus.Types(event.TypeRecorded),
		Handle: func(ctx context.Context, published []ports.DomainEvent) error {
			batches, err := eventbus.Decode[event.Recorded](published)
			if err != nil {
				return err
			}
			var ids []string
			for _, b := range batches {
				ids = append(ids, b.EventIDs...)
			}
			evs, err := s.deps.Events.ByIDs(ctx, ids)
			if err != nil || len(evs) == 0 {
				return err
			}
			if err := r.React(ctx, evs); err != nil {
				return fmt.Errorf("reactor %s: %w", r.Name(), err)
			}
			return nil
		}}
}
