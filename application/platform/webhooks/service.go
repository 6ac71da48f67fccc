// Package webhooks is the use cases of outbound webhooks: brands register endpoints and choose
// event types; modules publish events in their own transactions; jobs deliver them signed the
// Standard Webhooks way, retry with backoff, log every attempt, and disable endpoints that
// answer 410 Gone or keep failing.
package webhooks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Deps are what the service needs.
type Deps struct {
	Tx ports.Transactor
	// Locals keep what a write transaction read of the brand's endpoints; nil reads each time.
	Locals  ports.TxLocals
	Repo    ports.WebhookRepository
	Cipher  ports.Cipher
	Jobs    ports.JobScheduler
	Sender  ports.WebhookSender
	Audit   ports.AuditLog
	Tenants *tenants.Directory
	Clock   ports.Clock
	// Policy is what endpoint URLs may be (webhook.ProductionPolicy in production).
	Policy webhook.URLPolicy
	// Schedule is the wait before each retry; nil uses webhook.Schedule.
	Schedule []time.Duration
	// Disable is when a failing endpoint is disabled; zero uses webhook.DefaultDisablePolicy.
	Disable webhook.DisablePolicy
	// Alerts email the admins when an endpoint is disabled; the zero value sends none.
	Alerts Alerts
	// Logger defaults to slog.Default.
	Logger *slog.Logger
}

// Service runs the webhook use cases.
type Service struct {
	d Deps
}

// NewService returns the webhooks service.
func NewService(d Deps) *Service {
	if d.Schedule == nil {
		d.Schedule = webhook.Schedule
	}
	if d.Disable == (webhook.DisablePolicy{}) {
		d.Disable = webhook.DefaultDisablePolicy
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{d: d}
}

// PreviousSecretTTL is how long a rotated-out secret keeps signing alongside the new one.
const PreviousSecretTTL = 24 * time.Hour

// Retention is how long events, deliveries and their logs are kept.
const Retention = 30 * 24 * time.Hour

// now is the clock's time at the precision PostgreSQL stores.
func (s *Service) now() time.Time { return s.d.Clock.Now().UTC().Truncate(time.Microsecond) }

// secretAAD binds a sealed secret to its tenant and endpoint.
func secretAAD(tenant tenants.ID, endpoint uuid.UUID) []byte {
	return []byte("webhook:" + tenant.String() + ":" + endpoint.String())
}

// auditView is what the audit trail keeps of an endpoint: its host (the rest of a URL may
// carry a receiver's token), the event types and the state, never a secret.
func auditView(e webhook.Endpoint) map[string]any {
	host := ""
	if u, err := url.Parse(e.URL); err == nil {
		host = u.Host
	}
	return map[string]any{"host": host, "event_types": e.EventTypes, "status": e.Status}
}

func (s *Service) seal(tenant tenants.ID, id uuid.UUID, secret webhook.Secret) (string, []byte, error) {
	plain := []byte(secret)
	keyID, sealed, err := s.d.Cipher.Seal(plain, secretAAD(tenant, id))
	clear(plain)
	if err != nil {
		return "", nil, fmt.Errorf("webhooks: seal secret: %w", err)
	}
	return keyID, sealed, nil
}

// Create registers an endpoint and returns it with its signing secret, which is shown only
// this once.
func (s *Service) Create(ctx context.Context, tenant tenants.ID, d webhook.Draft) (webhook.Endpoint, webhook.Secret, error) {
	d, err := d.Check(s.d.Policy)
	if err != nil {
		return webhook.Endpoint{}, "", err
	}
	now := s.now()
	e := ports.StoredWebhook{Endpoint: webhook.Endpoint{ID: uuid.New(), URL: d.URL, Description: d.Description,
		EventTypes: d.EventTypes, Status: webhook.Active, CreatedAt: now, UpdatedAt: now}}
	secret := webhook.NewSecret()
	if e.SecretKeyID, e.SecretSealed, err = s.seal(tenant, e.ID, secret); err != nil {
		return webhook.Endpoint{}, "", err
	}
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if err := s.d.Repo.InsertEndpoint(ctx, e); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "webhook.create", TargetType: "webhook", TargetID: e.ID.String(),
			After: auditView(e.Endpoint)})
	})
	if err != nil {
		return webhook.Endpoint{}, "", err
	}
	return e.Endpoint, secret, nil
}

// Patch changes an endpoint; nil fields stay.
type Patch struct {
	URL, Description *string
	EventTypes       []string
}

// Update changes an endpoint's URL, description or event types.
func (s *Service) Update(ctx context.Context, tenant tenants.ID, id uuid.UUID, p Patch) (webhook.Endpoint, error) {
	var out webhook.Endpoint
	err := s.change(ctx, tenant, id, "webhook.update", func(ctx context.Context, e *ports.StoredWebhook) error {
		d := webhook.Draft{URL: e.URL, Description: e.Description, EventTypes: e.EventTypes}
		if p.URL != nil {
			d.URL = *p.URL
		}
		if p.Description != nil {
			d.Description = *p.Description
		}
		if p.EventTypes != nil {
			d.EventTypes = p.EventTypes
		}
		d, err := d.Check(s.d.Policy)
		if err != nil {
			return err
		}
		e.URL, e.Description, e.EventTypes = d.URL, d.Description, d.EventTypes
		return nil
	}, &out)
	return out, err
}

// change locks endpoint id, applies fn, saves it and audits action, in one transaction.
func (s *Service) change(ctx context.Context, tenant tenants.ID, id uuid.UUID, action string, fn func(context.Context, *ports.StoredWebhook) error, out *webhook.Endpoint) error {
	return s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		e, err := s.d.Repo.GetEndpoint(ctx, id)
		if err != nil {
			return err
		}
		before := auditView(e.Endpoint)
		if err := fn(ctx, &e); err != nil {
			return err
		}
		e.UpdatedAt = s.now()
		if err := s.d.Repo.UpdateEndpoint(ctx, e); err != nil {
			return err
		}
		if out != nil {
			*out = e.Endpoint
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: action, TargetType: "webhook", TargetID: id.String(),
			Before: before, After: auditView(e.Endpoint)})
	})
}

// Delete removes an endpoint with its deliveries.
func (s *Service) Delete(ctx context.Context, tenant tenants.ID, id uuid.UUID) error {
	return s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		e, err := s.d.Repo.GetEndpoint(ctx, id)
		if err != nil {
			return err
		}
		if err := s.d.Repo.DeleteEndpoint(ctx, id); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "webhook.delete", TargetType: "webhook", TargetID: id.String(),
			Before: auditView(e.Endpoint)})
	})
}

// Get returns one endpoint.
func (s *Service) Get(ctx context.Context, tenant tenants.ID, id uuid.UUID) (webhook.Endpoint, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) (webhook.Endpoint, error) {
		e, err := s.d.Repo.GetEndpoint(ctx, id)
		return e.Endpoint, err
	})
}

// List returns the brand's endpoints, oldest first.
func (s *Service) List(ctx context.Context, tenant tenants.ID) ([]webhook.Endpoint, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) ([]webhook.Endpoint, error) {
		all, err := s.d.Repo.ListEndpoints(ctx)
		var out []webhook.Endpoint
		for _, e := range all {
			out = append(out, e.Endpoint)
		}
		return out, err
	})
}

// ErrNotPaused is returned when resuming an endpoint that is active.
var ErrNotPaused = errors.New("the endpoint is active")

// Pause holds the endpoint's deliveries until it is resumed.
func (s *Service) Pause(ctx context.Context, tenant tenants.ID, id uuid.UUID) (webhook.Endpoint, error) {
	var out webhook.Endpoint
	err := s.change(ctx, tenant, id, "webhook.pause", func(ctx context.Context, e *ports.StoredWebhook) error {
		if e.Status == webhook.Active {
			e.Status = webhook.Paused
		}
		return nil
	}, &out)
	return out, err
}

// Resume makes a paused or disabled endpoint active again, clears its failure record, and
// sends the deliveries held while it was paused.
func (s *Service) Resume(ctx context.Context, tenant tenants.ID, id uuid.UUID) (webhook.Endpoint, error) {
	var out webhook.Endpoint
	err := s.change(ctx, tenant, id, "webhook.resume", func(ctx context.Context, e *ports.StoredWebhook) error {
		if e.Status == webhook.Active {
			return ErrNotPaused
		}
		e.Status, e.DisabledReason, e.DisabledAt = webhook.Active, "", nil
		e.ConsecutiveFailures, e.FailingSince = 0, nil
		held, err := s.d.Repo.ReleaseHeld(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, d := range held {
			if err := s.enqueue(ctx, tenant, d.ID, d.Attempts+1, false, time.Time{}); err != nil {
				return err
			}
		}
		return nil
	}, &out)
	return out, err
}

// RotateSecret gives the endpoint a new signing secret, returned this once. The old one keeps
// signing alongside it for PreviousSecretTTL, so receivers can switch without rejecting any
// delivery.
func (s *Service) RotateSecret(ctx context.Context, tenant tenants.ID, id uuid.UUID) (webhook.Secret, error) {
	secret := webhook.NewSecret()
	err := s.change(ctx, tenant, id, "webhook.rotate_secret", func(ctx context.Context, e *ports.StoredWebhook) error {
		keyID, sealed, err := s.seal(tenant, e.ID, secret)
		if err != nil {
			return err
		}
		until := s.now().Add(PreviousSecretTTL)
		e.PreviousKeyID, e.PreviousSealed, e.PreviousUntil = e.SecretKeyID, e.SecretSealed, &until
		e.SecretKeyID, e.SecretSealed = keyID, sealed
		return nil
	}, nil)
	if err != nil {
		return "", err
	}
	return secret, nil
}

// secrets opens the secrets that sign e's deliveries at now: the current one, and the
// previous one while it still signs.
func (s *Service) secrets(tenant tenants.ID, e ports.StoredWebhook, now time.Time) ([]webhook.Secret, error) {
	open := func(keyID string, sealed []byte) (webhook.Secret, error) {
		plain, err := s.d.Cipher.Open(keyID, sealed, secretAAD(tenant, e.ID))
		if err != nil {
			return "", fmt.Errorf("webhooks: open secret of %s: %w", e.ID, err)
		}
		return webhook.Secret(plain), nil
	}
	current, err := open(e.SecretKeyID, e.SecretSealed)
	if err != nil {
		return nil, err
	}
	out := []webhook.Secret{current}
	if e.PreviousUntil != nil && now.Before(*e.PreviousUntil) && len(e.PreviousSealed) > 0 {
		prev, err := open(e.PreviousKeyID, e.PreviousSealed)
		if err != nil {
			return nil, err
		}
		out = append(out, prev)
	}
	return out, nil
}

// Deliveries returns a page of an endpoint's deliveries with their logs, newest first, or
// ports.ErrWebhookNotFound.
func (s *Service) Deliveries(ctx context.Context, tenant tenants.ID, endpoint uuid.UUID, page ports.Page) ([]ports.WebhookDeliveryLog, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) ([]ports.WebhookDeliveryLog, error) {
		if _, err := s.d.Repo.GetEndpoint(ctx, endpoint); err != nil {
			return nil, err
		}
		return s.d.Repo.Deliveries(ctx, endpoint, page)
	})
}

// Forecast says when endpoint e, failing, will be disabled if its attempts keep failing; false
// when it is not failing or no longer active.
func (s *Service) Forecast(e webhook.Endpoint) (webhook.Forecast, bool) {
	if e.Status == webhook.Disabled {
		return webhook.Forecast{}, false
	}
	return s.d.Disable.Forecast(e.ConsecutiveFailures, e.FailingSince)
}

// EventTypes is the catalogue brands choose from.
func EventTypes() []webhook.EventType { return webhook.Types() }
