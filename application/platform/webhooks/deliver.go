package webhooks

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Queue is the job queue of deliveries, worked apart from other jobs: each may wait on a slow
// receiver for the sender's whole timeout.
const Queue = "webhooks"

// DeliverArgs is the job of one attempt to deliver.
type DeliverArgs struct {
	TenantID   uuid.UUID `json:"tenant_id"`
	DeliveryID uuid.UUID `json:"delivery_id"`
	// Attempt is the attempt's number; a job for an attempt already recorded does nothing,
	// so a job River delivers twice sends once.
	Attempt int `json:"attempt"`
	// Once makes a failed attempt final (an admin's resend): no retries follow.
	Once bool `json:"once,omitempty"`
}

// Kind names the job.
func (DeliverArgs) Kind() string { return "webhook_deliver" }

// Subscriber is the webhooks' subscriber to domain events: it takes every public type of the
// catalogue, on Queue, and wants those an endpoint of the brand (active or paused) receives.
func (s *Service) Subscriber() eventbus.Subscriber {
	return eventbus.Subscriber{Name: "webhooks", Queue: Queue, Handle: s.publish,
		Takes: func(eventType string) bool { _, err := webhook.Lookup(eventType); return err == nil },
		Wants: s.wants}
}

type receivedTypesKey struct{}

// wants reports whether an endpoint of the brand receives eventType. The types the brand's
// endpoints receive are read once per write transaction, whatever it publishes.
func (s *Service) wants(ctx context.Context, eventType string) (bool, error) {
	var readErr error
	var v any
	err := ports.ErrNoTenantTx
	if s.d.Locals != nil {
		v, err = s.d.Locals.Local(ctx, receivedTypesKey{}, func() (any, func(context.Context) error) {
			var types map[string]bool
			types, readErr = s.d.Repo.ReceivedTypes(ctx)
			return types, nil
		})
	}
	if err != nil { // not in a write transaction: nothing to keep the answer in
		endpoints, err := s.d.Repo.Subscribed(ctx, eventType)
		return len(endpoints) > 0, err
	}
	if readErr != nil {
		return false, readErr
	}
	return v.(map[string]bool)[eventType], nil
}

// publish records, in the subscriber job's tenant transaction, each event and a delivery of it
// to every endpoint that receives its type, and enqueues the first attempt of each delivery to
// an active endpoint; a paused endpoint's delivery is held. The webhook-id derives from the
// domain event's ID, so a job run twice records and sends each event once.
func (s *Service) publish(ctx context.Context, evs []ports.DomainEvent) error {
	tenant, err := s.d.Repo.Tenant(ctx)
	if err != nil {
		return err
	}
	for _, de := range evs {
		endpoints, err := s.d.Repo.Subscribed(ctx, de.Type)
		if err != nil {
			return err
		}
		if len(endpoints) == 0 {
			continue
		}
		body, err := webhook.Body(de.Type, de.OccurredAt, de.Data)
		if err != nil {
			return err
		}
		ev := ports.WebhookEvent{ID: "msg_" + hex.EncodeToString(de.ID[:]), Type: de.Type, Body: body, Subject: de.Subject,
			CreatedAt: de.OccurredAt}
		fresh, err := s.d.Repo.InsertEvent(ctx, ev)
		if err != nil {
			return err
		}
		if !fresh {
			continue // recorded by an earlier run of the job
		}
		if err := s.deliverTo(ctx, tenant, ev, endpoints); err != nil {
			return err
		}
	}
	return nil
}

// deliverTo records a delivery of ev to each endpoint and enqueues the first attempt of those
// to active endpoints.
func (s *Service) deliverTo(ctx context.Context, tenant tenants.ID, ev ports.WebhookEvent, endpoints []ports.StoredWebhook) error {
	now := s.now()
	for _, e := range endpoints {
		d := ports.WebhookDelivery{ID: uuid.New(), EndpointID: e.ID, EventID: ev.ID, Status: ports.DeliveryPending, CreatedAt: now, UpdatedAt: now}
		if e.Status == webhook.Paused {
			d.Status = ports.DeliveryHeld
		}
		if err := s.d.Repo.InsertDelivery(ctx, d); err != nil {
			return err
		}
		if d.Status == ports.DeliveryPending {
			if err := s.enqueue(ctx, tenant, d.ID, 1, false, time.Time{}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) newEvent(eventType string, now time.Time, data any, test bool) (ports.WebhookEvent, error) {
	body, err := webhook.Body(eventType, now, data)
	if err != nil {
		return ports.WebhookEvent{}, err
	}
	return ports.WebhookEvent{ID: webhook.NewMessageID(), Type: eventType, Body: body, Test: test, CreatedAt: now}, nil
}

// enqueue schedules attempt of delivery at at; a time not in the future means now.
func (s *Service) enqueue(ctx context.Context, tenant tenants.ID, delivery uuid.UUID, attempt int, once bool, at time.Time) error {
	if !at.After(s.now()) {
		at = time.Time{}
	}
	return s.d.Jobs.Enqueue(ctx, DeliverArgs{TenantID: tenant.UUID(), DeliveryID: delivery, Attempt: attempt, Once: once},
		ports.JobOptions{Queue: Queue, RunAt: at})
}

// errResumed fails a job that found its endpoint paused and then resumed before it could hold
// the delivery: the resume did not see it held, so River's retry of the job sends it.
var errResumed = errors.New("webhooks: the endpoint was resumed meanwhile; the job will run again")

// Deliver makes one attempt of a delivery: the job's work. It sends nothing for a delivery
// that is no longer pending or whose attempt is already recorded; for a paused endpoint it
// holds the delivery; otherwise it sends, logs the attempt, and schedules the next one, marks
// the delivery done, or disables the endpoint.
//
// Transactions that lock both take the endpoint before the delivery (as pausing, resuming,
// disabling and deleting do), so concurrent deliveries to one endpoint cannot deadlock.
func (s *Service) Deliver(ctx context.Context, args DeliverArgs) error {
	t, err := s.d.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return err
	}
	var (
		d  ports.WebhookDelivery
		ep ports.StoredWebhook
		ev ports.WebhookEvent
	)
	err = s.d.Tx.ReadInTenant(ctx, t.ID, func(ctx context.Context) error {
		if d, err = s.d.Repo.GetDelivery(ctx, args.DeliveryID); err != nil {
			return err
		}
		if ep, err = s.d.Repo.GetEndpoint(ctx, d.EndpointID); err != nil {
			return err
		}
		ev, err = s.d.Repo.GetEvent(ctx, d.EventID)
		return err
	})
	switch {
	case errors.Is(err, ports.ErrDeliveryNotFound), errors.Is(err, ports.ErrWebhookNotFound):
		return nil // purged, or its endpoint deleted
	case err != nil:
		return err
	case d.Status != ports.DeliveryPending || d.Attempts >= args.Attempt:
		return nil
	case ep.Status != webhook.Active:
		return s.lockedTx(ctx, t.ID, ep.ID, args, func(ctx context.Context, ep ports.StoredWebhook, d *ports.WebhookDelivery) error {
			switch ep.Status {
			case webhook.Paused:
				d.Status = ports.DeliveryHeld
			case webhook.Disabled:
				d.Status = ports.DeliveryFailed
			default:
				return errResumed
			}
			d.NextAttemptAt, d.UpdatedAt = nil, s.now()
			return s.d.Repo.UpdateDelivery(ctx, *d)
		})
	}
	attempt, status, err := s.send(ctx, t.ID, ep, ev, args.DeliveryID, args.Attempt)
	if err != nil {
		return err
	}
	return s.lockedTx(ctx, t.ID, ep.ID, args, func(ctx context.Context, ep ports.StoredWebhook, d *ports.WebhookDelivery) error {
		return s.record(ctx, t.ID, args, ep, *d, attempt, status)
	})
}

// send signs and posts ev to ep and returns the attempt's log and the receiver's status (0
// for none). Only a failure to sign is an error; a receiver's failure is the attempt's.
func (s *Service) send(ctx context.Context, tenant tenants.ID, ep ports.StoredWebhook, ev ports.WebhookEvent, delivery uuid.UUID, n int) (ports.WebhookAttempt, int, error) {
	now := s.now()
	secrets, err := s.secrets(tenant, ep, now)
	if err != nil {
		return ports.WebhookAttempt{}, 0, err
	}
	headers, err := webhook.Headers(ev.ID, now, ev.Body, secrets...)
	if err != nil {
		return ports.WebhookAttempt{}, 0, err
	}
	var resp ports.WebhookResponse
	// An endpoint saved under an older or laxer policy is never sent to.
	if _, err = s.d.Policy.CheckURL(ep.URL); err != nil {
		err = fmt.Errorf("the endpoint's URL is not accepted: %w", err)
	} else {
		resp, err = s.d.Sender.Send(ctx, ports.WebhookRequest{URL: ep.URL, Headers: headers, Body: ev.Body})
	}
	a := ports.WebhookAttempt{DeliveryID: delivery, Attempt: n, RequestHeaders: headers, ResponseStatus: resp.Status,
		ResponseBody: resp.Body, Latency: resp.Latency, CreatedAt: now}
	if err != nil {
		a.ResponseStatus, a.Error = 0, err.Error()
		// The cause is logged without the body: it may carry a customer's profile.
		s.d.Logger.WarnContext(ctx, "webhook attempt got no answer", "tenant", tenant.String(), "endpoint", ep.ID.String(),
			"webhook_id", ev.ID, "attempt", n, "error", err)
	}
	return a, a.ResponseStatus, nil
}

// lockedTx runs fn in a tenant transaction on the endpoint and the delivery of args, locked in
// that order, unless the delivery is gone, finished, or its attempt already recorded (by
// another run of the same job).
func (s *Service) lockedTx(ctx context.Context, tenant tenants.ID, endpoint uuid.UUID, args DeliverArgs,
	fn func(ctx context.Context, ep ports.StoredWebhook, d *ports.WebhookDelivery) error,
) error {
	err := s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		ep, err := s.d.Repo.GetEndpoint(ctx, endpoint)
		if err != nil {
			return err
		}
		d, err := s.d.Repo.GetDelivery(ctx, args.DeliveryID)
		if err != nil || d.Status != ports.DeliveryPending || d.Attempts >= args.Attempt {
			return err
		}
		return fn(ctx, ep, &d)
	})
	if errors.Is(err, ports.ErrDeliveryNotFound) || errors.Is(err, ports.ErrWebhookNotFound) {
		return nil
	}
	return err
}

// record logs an attempt and moves its delivery and endpoint on, in the caller's transaction
// holding both.
func (s *Service) record(ctx context.Context, tenant tenants.ID, args DeliverArgs, ep ports.StoredWebhook, d ports.WebhookDelivery, a ports.WebhookAttempt, status int) error {
	if err := s.d.Repo.InsertAttempt(ctx, a); err != nil {
		return err
	}
	now := s.now()
	d.Attempts, d.LastStatus, d.NextAttemptAt, d.UpdatedAt = args.Attempt, status, nil, now
	if ep.Status == webhook.Disabled {
		// Disabled while this attempt was out: it is the last.
		d.Status = ports.DeliveryFailed
		if webhook.Judge(status) == webhook.Delivered {
			d.Status = ports.DeliverySucceeded
		}
		return s.d.Repo.UpdateDelivery(ctx, d)
	}
	healthy := ep.ConsecutiveFailures == 0 && ep.FailingSince == nil
	switch webhook.Judge(status) {
	case webhook.Delivered:
		d.Status = ports.DeliverySucceeded
		if err := s.d.Repo.UpdateDelivery(ctx, d); err != nil || healthy {
			return err
		}
		ep.ConsecutiveFailures, ep.FailingSince, ep.UpdatedAt = 0, nil, now
		return s.d.Repo.UpdateEndpoint(ctx, ep)
	case webhook.Gone:
		d.Status = ports.DeliveryFailed
		if err := s.d.Repo.UpdateDelivery(ctx, d); err != nil {
			return err
		}
		ep.LastFailure = failure(a)
		return s.disable(ctx, ep, webhook.ReasonGone)
	}
	ep.LastFailure = failure(a)
	ep.ConsecutiveFailures++
	if ep.FailingSince == nil {
		ep.FailingSince = &a.CreatedAt
	}
	ep.UpdatedAt = now
	d.Status = ports.DeliveryFailed
	if !args.Once && args.Attempt <= len(s.d.Schedule) {
		next := now.Add(s.d.Schedule[args.Attempt-1])
		d.Status, d.NextAttemptAt = ports.DeliveryPending, &next
	}
	if err := s.d.Repo.UpdateDelivery(ctx, d); err != nil {
		return err
	}
	if s.d.Disable.Disables(ep.ConsecutiveFailures, *ep.FailingSince, now) {
		return s.disable(ctx, ep, webhook.ReasonFailing)
	}
	if err := s.d.Repo.UpdateEndpoint(ctx, ep); err != nil {
		return err
	}
	if d.Status == ports.DeliveryPending {
		return s.enqueue(ctx, tenant, d.ID, args.Attempt+1, false, *d.NextAttemptAt)
	}
	return nil
}

// failure is what went wrong with attempt a, as the endpoint shows it.
func failure(a ports.WebhookAttempt) *webhook.Failure {
	msg := a.Error
	if r := []rune(msg); len(r) > webhook.MaxFailureError {
		msg = string(r[:webhook.MaxFailureError])
	}
	return &webhook.Failure{At: a.CreatedAt, Status: a.ResponseStatus, Error: msg}
}

// disable turns the endpoint off, fails what was waiting for it, and alerts the brand's
// admins through the audit trail, the console's notice (which lists disabled endpoints) and,
// where the brand has a mail server, an email (a job enqueued here).
func (s *Service) disable(ctx context.Context, ep ports.StoredWebhook, reason string) error {
	before := auditView(ep.Endpoint)
	now := s.now()
	ep.Status, ep.DisabledReason, ep.DisabledAt, ep.UpdatedAt = webhook.Disabled, reason, &now, now
	if err := s.d.Repo.UpdateEndpoint(ctx, ep); err != nil {
		return err
	}
	failed, err := s.d.Repo.FailOpen(ctx, ep.ID)
	if err != nil {
		return err
	}
	after := auditView(ep.Endpoint)
	after["reason"], after["consecutive_failures"], after["deliveries_failed"] = reason, ep.ConsecutiveFailures, failed
	s.d.Logger.WarnContext(ctx, "webhook endpoint disabled", "endpoint", ep.ID.String(), "reason", reason)
	if s.d.Alerts.enabled() {
		tenant, err := s.d.Repo.Tenant(ctx)
		if err != nil {
			return err
		}
		if err := s.d.Jobs.Enqueue(ctx, AlertArgs{TenantID: tenant.UUID(), EndpointID: ep.ID, Reason: reason}, ports.JobOptions{}); err != nil {
			return err
		}
	}
	return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "webhook.disabled", TargetType: "webhook", TargetID: ep.ID.String(),
		Before: before, After: after})
}

// ErrNotFinished is returned when resending a delivery that is still pending or held.
var ErrNotFinished = errors.New("the delivery is still pending")

// Retry sends a finished delivery again now, once, with its original webhook-id.
func (s *Service) Retry(ctx context.Context, tenant tenants.ID, delivery uuid.UUID) (ports.WebhookDelivery, error) {
	var out ports.WebhookDelivery
	err := s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		d, err := s.d.Repo.GetDelivery(ctx, delivery)
		if err != nil {
			return err
		}
		if d.Status == ports.DeliveryPending || d.Status == ports.DeliveryHeld {
			return ErrNotFinished
		}
		d.Status, d.UpdatedAt = ports.DeliveryPending, s.now()
		if err := s.d.Repo.UpdateDelivery(ctx, d); err != nil {
			return err
		}
		if err := s.enqueue(ctx, tenant, d.ID, d.Attempts+1, true, time.Time{}); err != nil {
			return err
		}
		out = d
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "webhook.retry", TargetType: "webhook_delivery", TargetID: d.ID.String(),
			After: map[string]any{"endpoint_id": d.EndpointID.String(), "webhook_id": d.EventID}})
	})
	return out, err
}

// TestResult is what a test send came to.
type TestResult struct {
	Delivery ports.WebhookDelivery
	Attempt  ports.WebhookAttempt
	Event    ports.WebhookEvent
}

// Test sends a sample event of eventType to the endpoint now, whatever its state, and returns
// the result, which is logged with its deliveries. A test does not count towards the
// endpoint's failure record.
func (s *Service) Test(ctx context.Context, tenant tenants.ID, id uuid.UUID, eventType string) (TestResult, error) {
	et, err := webhook.Lookup(eventType)
	if err != nil {
		return TestResult{}, fielderr.New("event_type", err)
	}
	var (
		ep  ports.StoredWebhook
		out TestResult
	)
	now := s.now()
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if ep, err = s.d.Repo.GetEndpoint(ctx, id); err != nil {
			return err
		}
		if out.Event, err = s.newEvent(eventType, now, et.Sample, true); err != nil {
			return err
		}
		if _, err := s.d.Repo.InsertEvent(ctx, out.Event); err != nil {
			return err
		}
		out.Delivery = ports.WebhookDelivery{ID: uuid.New(), EndpointID: id, EventID: out.Event.ID, Status: ports.DeliveryPending, CreatedAt: now, UpdatedAt: now}
		if err := s.d.Repo.InsertDelivery(ctx, out.Delivery); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "webhook.test", TargetType: "webhook", TargetID: id.String(),
			After: map[string]any{"event_type": eventType, "webhook_id": out.Event.ID}})
	})
	if err != nil {
		return TestResult{}, err
	}
	a, status, err := s.send(ctx, tenant, ep, out.Event, out.Delivery.ID, 1)
	if err != nil {
		return TestResult{}, err
	}
	out.Attempt = a
	out.Delivery.Attempts, out.Delivery.LastStatus, out.Delivery.UpdatedAt = 1, status, s.now()
	out.Delivery.Status = ports.DeliveryFailed
	if webhook.Judge(status) == webhook.Delivered {
		out.Delivery.Status = ports.DeliverySucceeded
	}
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if err := s.d.Repo.InsertAttempt(ctx, a); err != nil {
			return err
		}
		return s.d.Repo.UpdateDelivery(ctx, out.Delivery)
	})
	return out, err
}
