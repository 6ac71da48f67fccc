package events

import (
	"context"
	"fmt"

	"github.com/google/uuid"

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
	return s.subscriber(r.Name(), after, func(ctx context.Context, batches []event.Recorded) error {
		evs, err := s.deps.Events.ByIDs(ctx, eventIDs(batches))
		if err != nil || len(evs) == 0 {
			return err
		}
		return r.React(ctx, evs)
	})
}

// CustomersSubscriber makes r a subscriber to stored customer events on Queue that hands it the
// customers of each batch, read from the batch's domain event rather than from the events.
func (s *Service) CustomersSubscriber(r ports.CustomersReactor, after string) eventbus.Subscriber {
	return s.subscriber(r.Name(), after, func(ctx context.Context, batches []event.Recorded) error {
		var ids []uuid.UUID
		for _, b := range batches {
			if b.CustomerIDs == nil {
				// Recorded before batches named their customers: find them from the events.
				evs, err := s.deps.Events.ByIDs(ctx, b.EventIDs)
				if err != nil {
					return err
				}
				b.CustomerIDs = event.CustomersOf(evs)
			}
			ids = append(ids, b.CustomerIDs...)
		}
		if len(batches) > 1 {
			ids = event.SortCustomers(ids)
		}
		if len(ids) == 0 {
			return nil
		}
		return r.ReactCustomers(ctx, ids)
	})
}

// subscriber is the subscriber named name to stored batches, handled by react.
func (s *Service) subscriber(name, after string, react func(context.Context, []event.Recorded) error) eventbus.Subscriber {
	return eventbus.Subscriber{Name: name, Queue: Queue, After: after, Takes: eventbus.Types(event.TypeRecorded),
		Handle: func(ctx context.Context, published []ports.DomainEvent) error {
			batches, err := eventbus.Decode[event.Recorded](published)
			if err != nil {
				return err
			}
			if err := react(ctx, batches); err != nil {
				return fmt.Errorf("reactor %s: %w", name, err)
			}
			return nil
		}}
}

func eventIDs(batches []event.Recorded) []string {
	var ids []string
	for _, b := range batches {
		ids = append(ids, b.EventIDs...)
	}
	return ids
}
