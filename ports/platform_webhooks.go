package ports

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/tenants"
)

// Errors of the webhook repository.
var (
	ErrWebhookNotFound  = errors.New("webhook endpoint not found")
	ErrDeliveryNotFound = errors.New("webhook delivery not found")
)

// StoredWebhook is an endpoint as stored: the endpoint and its signing secrets, sealed.
type StoredWebhook struct {
	webhook.Endpoint
	SecretKeyID  string
	SecretSealed []byte
	// The rotated-out secret, which keeps signing until PreviousUntil.
	PreviousKeyID  string
	PreviousSealed []byte
	PreviousUntil  *time.Time
}

// WebhookEvent is an event published to endpoints; ID is the webhook-id of its deliveries.
type WebhookEvent struct {
	ID   string
	Type string
	// Body is the JSON sent, exactly as signed.
	Body []byte
	Test bool
	// Subject is the customer whose data Body carries, if any.
	Subject   uuid.UUID
	CreatedAt time.Time
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryHeld      = "held"
	DeliverySucceeded = "succeeded"
	DeliveryFailed    = "failed"
)

// WebhookDelivery is one event's delivery to one endpoint.
type WebhookDelivery struct {
	ID            uuid.UUID
	EndpointID    uuid.UUID
	EventID       string
	Status        string
	Attempts      int
	NextAttemptAt *time.Time
	// LastStatus is the receiver's last answer; 0 when none came.
	LastStatus int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// WebhookAttempt is the log of one attempt.
type WebhookAttempt struct {
	DeliveryID     uuid.UUID
	Attempt        int
	RequestHeaders map[string]string
	// ResponseStatus is 0 when no answer came; Error then says why.
	ResponseStatus int
	ResponseBody   string
	Error          string
	Latency        time.Duration
	CreatedAt      time.Time
}

// WebhookDeliveryLog is a delivery with its event and the log of its attempts, oldest first.
type WebhookDeliveryLog struct {
	WebhookDelivery
	Event WebhookEvent
	Log   []WebhookAttempt
}

// WebhookRepository keeps a tenant's endpoints, events, deliveries and attempts in its tenant
// transaction.
type WebhookRepository interface {
	// Tenant is the tenant of the caller's transaction, for the jobs Publish enqueues.
	Tenant(ctx context.Context) (tenants.ID, error)
	InsertEndpoint(ctx context.Context, e StoredWebhook) error
	// GetEndpoint returns the endpoint or ErrWebhookNotFound; in a transaction that may write
	// it locks the endpoint until the transaction ends.
	GetEndpoint(ctx context.Context, id uuid.UUID) (StoredWebhook, error)
	// ListEndpoints returns every endpoint, oldest first.
	ListEndpoints(ctx context.Context) ([]StoredWebhook, error)
	// UpdateEndpoint saves every field of e, or returns ErrWebhookNotFound.
	UpdateEndpoint(ctx context.Context, e StoredWebhook) error
	// DeleteEndpoint removes the endpoint and its deliveries, or returns ErrWebhookNotFound.
	DeleteEndpoint(ctx context.Context, id uuid.UUID) error
	// Subscribed returns the endpoints, active or paused, that receive eventType.
	Subscribed(ctx context.Context, eventType string) ([]StoredWebhook, error)
	// ReceivedTypes returns the event types some endpoint, active or paused, receives.
	ReceivedTypes(ctx context.Context) (map[string]bool, error)

	// InsertEvent stores e and reports whether it is new: an event already stored under its ID
	// (a subscriber job run twice) is left as it is.
	InsertEvent(ctx context.Context, e WebhookEvent) (bool, error)
	GetEvent(ctx context.Context, id string) (WebhookEvent, error)
	InsertDelivery(ctx context.Context, d WebhookDelivery) error
	// GetDelivery returns the delivery or ErrDeliveryNotFound; in a transaction that may
	// write it locks the delivery until the transaction ends.
	GetDelivery(ctx context.Context, id uuid.UUID) (WebhookDelivery, error)
	UpdateDelivery(ctx context.Context, d WebhookDelivery) error
	// ReleaseHeld makes the endpoint's held deliveries pending and returns them.
	ReleaseHeld(ctx context.Context, endpoint uuid.UUID) ([]WebhookDelivery, error)
	// FailOpen fails the endpoint's pending and held deliveries and returns how many.
	FailOpen(ctx context.Context, endpoint uuid.UUID) (int64, error)
	InsertAttempt(ctx context.Context, a WebhookAttempt) error
	// Deliveries returns a page of the endpoint's deliveries with their events and attempts,
	// newest first; the position is a delivery ID.
	Deliveries(ctx context.Context, endpoint uuid.UUID, page Page) ([]WebhookDeliveryLog, error)
	// Purge deletes events (with their deliveries and attempts) created before and returns
	// how many.
	Purge(ctx context.Context, before time.Time) (int64, error)
}

// WebhookRequest is one signed POST to an endpoint.
type WebhookRequest struct {
	URL     string
	Headers map[string]string
	Body    []byte
}

// WebhookResponse is what the receiver answered.
type WebhookResponse struct {
	Status int
	// Body is the start of the answer, at most a few KiB.
	Body    string
	Latency time.Duration
}

// WebhookSender posts deliveries. It follows no redirects and gives up after a timeout; err
// means no answer came (refused, timed out, or an address it may not reach), and the response
// then still carries the latency.
type WebhookSender interface {
	Send(ctx context.Context, r WebhookRequest) (WebhookResponse, error)
}
