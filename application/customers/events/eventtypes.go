package events

import (
	"context"
	"errors"
	"fmt"

	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// ErrTooManyTypes refuses a brand's custom type beyond event.MaxCustomTypes.
var ErrTooManyTypes = fmt.Errorf("a brand defines at most %d event types", event.MaxCustomTypes)

// EventTypes lists the brand's custom event types, by key.
func (s *Service) EventTypes(ctx context.Context, tenant tenants.ID) ([]event.CustomType, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, s.deps.Types.List)
}

// EventType returns one custom type or ports.ErrEventTypeNotFound.
func (s *Service) EventType(ctx context.Context, tenant tenants.ID, key string) (event.CustomType, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (event.CustomType, error) {
		return s.deps.Types.Get(ctx, key)
	})
}

// typeSummary is what the audit trail keeps of a type: its shape, never any event's data.
func typeSummary(t event.CustomType) map[string]any {
	fields := make([]map[string]any, len(t.Fields))
	for i, f := range t.Fields {
		fields[i] = map[string]any{"key": f.Key, "type": f.Type, "required": f.Required}
	}
	return map[string]any{"label": t.Label, "fields": fields}
}

// SaveEventType defines a custom type or replaces the one with its key; created says which.
// The error joins a *fielderr.Error for every part of the definition at fault.
func (s *Service) SaveEventType(ctx context.Context, tenant tenants.ID, t event.CustomType) (created bool, err error) {
	if err := t.Check(); err != nil {
		return false, err
	}
	err = s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.deps.Types.Get(ctx, t.Key)
		exists := err == nil
		if err != nil && !errors.Is(err, ports.ErrEventTypeNotFound) {
			return err
		}
		if !exists {
			all, err := s.deps.Types.List(ctx)
			if err != nil {
				return err
			}
			if len(all) >= event.MaxCustomTypes {
				return ErrTooManyTypes
			}
		}
		if created, err = s.deps.Types.Save(ctx, t); err != nil {
			return err
		}
		entry := ports.AuditEntry{Action: "event_type.create", TargetType: "event_type", TargetID: t.Key, After: typeSummary(t)}
		if exists {
			entry.Action, entry.Before = "event_type.update", typeSummary(before)
		}
		return s.deps.Audit.Record(ctx, entry)
	})
	return created, err
}

// DeleteEventType removes a custom type, or returns ports.ErrEventTypeNotFound. Its events
// stay in the timelines; new ones are refused.
func (s *Service) DeleteEventType(ctx context.Context, tenant tenants.ID, key string) error {
	return s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.deps.Types.Get(ctx, key)
		if err != nil {
			return err
		}
		if err := s.deps.Types.Delete(ctx, key); err != nil {
			return err
		}
		return s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "event_type.delete", TargetType: "event_type", TargetID: key,
			Before: typeSummary(before)})
	})
}

// catalog is a batch's view of the brand's custom types, loaded once per batch and only for
// batches that carry custom events.
type catalog map[string]event.CustomType

func (s *Service) loadCatalog(ctx context.Context, evs []event.Event) (catalog, error) {
	custom := false
	for _, e := range evs {
		if _, ok := event.CustomKey(e.Type); ok {
			custom = true
			break
		}
	}
	if !custom {
		return nil, nil
	}
	types, err := s.deps.Types.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make(catalog, len(types))
	for _, t := range types {
		out[t.Name()] = t
	}
	return out, nil
}

// check applies the type's rules to a custom event that passed the general ones: an unknown
// type is refused with CodeUnknownType, a payload at fault with CodeInvalid.
func (c catalog) check(e *event.Event) (code string, errs []*fielderr.Error) {
	if _, ok := event.CustomKey(e.Type); !ok {
		return "", nil
	}
	t, ok := c[e.Type]
	if !ok {
		return CodeUnknownType, []*fielderr.Error{{Field: "type", Err: event.ErrUnknownType}}
	}
	payload, errs := t.CheckPayload(e.Payload)
	if len(errs) > 0 {
		return CodeInvalid, errs
	}
	e.Payload = payload
	return "", nil
}
