package platformapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/platform/webhooks"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// WebhookBody is an endpoint as the API shows it; its secret is shown only when created or
// rotated.
type WebhookBody struct {
	ID             string     `json:"id" format:"uuid"`
	URL            string     `json:"url" format:"uri"`
	Description    string     `json:"description,omitempty"`
	EventTypes     []string   `json:"event_types"`
	Status         string     `json:"status" enum:"active,paused,disabled"`
	DisabledReason string     `json:"disabled_reason,omitempty" enum:"gone,failing" doc:"gone: the receiver answered 410 Gone; failing: every attempt failed for too long"`
	DisabledAt     *time.Time `json:"disabled_at,omitempty"`
	// Health since the last successful delivery.
	ConsecutiveFailures int        `json:"consecutive_failures"`
	FailingSince        *time.Time `json:"failing_since,omitempty"`
	// LastFailure and Disabling say how a failing endpoint fails and when it will be disabled.
	LastFailure *WebhookFailureBody   `json:"last_failure,omitempty" doc:"The last failed attempt, tests aside; absent before the first"`
	Disabling   *WebhookDisablingBody `json:"disabling,omitempty" doc:"While failing and not disabled: when it will be disabled if attempts keep failing"`
	CreatedAt   time.Time             `json:"created_at"`
	UpdatedAt   time.Time             `json:"updated_at"`
}

// WebhookFailureBody is what went wrong with an attempt.
type WebhookFailureBody struct {
	At     time.Time `json:"at"`
	Status int       `json:"status,omitempty" doc:"The receiver's HTTP status; absent when no answer came"`
	Error  string    `json:"error,omitempty" doc:"Why no answer came (timeout, refused connection, ...)"`
}

// WebhookDisablingBody is when a failing endpoint will be disabled if its attempts keep
// failing.
type WebhookDisablingBody struct {
	After    time.Time `json:"after" doc:"The first failed attempt from then on disables the endpoint, once failures more have failed"`
	Failures int       `json:"failures" minimum:"1" doc:"How many more attempts in a row must fail"`
}

// webhookBody is e as the API shows it.
func (m *Module) webhookBody(e webhook.Endpoint) WebhookBody {
	b := WebhookBody{ID: e.ID.String(), URL: e.URL, Description: e.Description, EventTypes: e.EventTypes, Status: string(e.Status),
		DisabledReason: e.DisabledReason, DisabledAt: e.DisabledAt, ConsecutiveFailures: e.ConsecutiveFailures,
		FailingSince: e.FailingSince, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	if f := e.LastFailure; f != nil {
		b.LastFailure = &WebhookFailureBody{At: f.At, Status: f.Status, Error: f.Error}
	}
	if f, ok := m.deps.Webhooks.Forecast(e); ok {
		b.Disabling = &WebhookDisablingBody{After: f.After, Failures: f.Failures}
	}
	return b
}

type webhookOutput struct{ Body WebhookBody }

// WebhookTestBody names the event type whose sample a test sends.
type WebhookTestBody struct {
	EventType string `json:"event_type" example:"customer.created" doc:"One of GET /v1/webhook-event-types"`
}

// WebhookPath names an endpoint in the path.
type WebhookPath struct {
	ID string `path:"id" format:"uuid"`
}

type webhookFields struct {
	URL         *string  `json:"url,omitempty" maxLength:"2000" doc:"https (http only outside production), no user name or password, a public host"`
	Description *string  `json:"description,omitempty" maxLength:"200"`
	EventTypes  []string `json:"event_types,omitempty" maxItems:"50" doc:"Names from GET /v1/webhook-event-types"`
}

type createWebhookBody struct {
	URL         string   `json:"url" maxLength:"2000" doc:"https (http only outside production), no user name or password, a public host"`
	Description string   `json:"description,omitempty" maxLength:"200"`
	EventTypes  []string `json:"event_types" maxItems:"50" doc:"Names from GET /v1/webhook-event-types"`
}

type webhookSecretOutput struct {
	Body struct {
		WebhookBody
		Secret string `json:"secret" doc:"The signing secret, whsec_ and base64: shown in this response only"`
	}
}

// WebhookAttemptBody is the log of one delivery attempt.
type WebhookAttemptBody struct {
	Attempt        int               `json:"attempt"`
	RequestHeaders map[string]string `json:"request_headers"`
	ResponseStatus int               `json:"response_status,omitempty" doc:"Absent when no answer came"`
	ResponseBody   string            `json:"response_body,omitempty" doc:"The first 4 KiB of the answer"`
	Error          string            `json:"error,omitempty" doc:"Why no answer came"`
	LatencyMS      int64             `json:"latency_ms"`
	At             time.Time         `json:"at"`
}

// WebhookDeliveryBody is one event's delivery to an endpoint, with its log.
type WebhookDeliveryBody struct {
	ID            string               `json:"id" format:"uuid"`
	WebhookID     string               `json:"webhook_id" doc:"The webhook-id header of every attempt"`
	EventType     string               `json:"event_type"`
	Test          bool                 `json:"test,omitempty" doc:"A sample sent to try the endpoint"`
	Status        string               `json:"status" enum:"pending,held,succeeded,failed" doc:"held: the endpoint is paused"`
	Attempts      int                  `json:"attempts"`
	NextAttemptAt *time.Time           `json:"next_attempt_at,omitempty"`
	RequestBody   string               `json:"request_body,omitempty" doc:"The JSON sent, as signed"`
	Log           []WebhookAttemptBody `json:"log,omitempty"`
	CreatedAt     time.Time            `json:"created_at"`
}

func deliveryBody(d ports.WebhookDelivery, ev ports.WebhookEvent, attempts []ports.WebhookAttempt) WebhookDeliveryBody {
	b := WebhookDeliveryBody{ID: d.ID.String(), WebhookID: d.EventID, EventType: ev.Type, Test: ev.Test, Status: d.Status,
		Attempts: d.Attempts, NextAttemptAt: d.NextAttemptAt, RequestBody: string(ev.Body), CreatedAt: d.CreatedAt}
	for _, a := range attempts {
		b.Log = append(b.Log, WebhookAttemptBody{Attempt: a.Attempt, RequestHeaders: a.RequestHeaders, ResponseStatus: a.ResponseStatus,
			ResponseBody: a.ResponseBody, Error: a.Error, LatencyMS: a.Latency.Milliseconds(), At: a.CreatedAt})
	}
	return b
}

// WebhookEventTypeBody is one event type of the catalogue.
type WebhookEventTypeBody struct {
	Name        string         `json:"name" example:"customer.created"`
	Description string         `json:"description"`
	Sample      map[string]any `json:"sample" doc:"The data of a sample event, as test sends carry it"`
}

type webhookEventTypesOutput struct {
	Body struct {
		Items []WebhookEventTypeBody `json:"items"`
	}
}

type webhooksOutput struct {
	Body struct {
		Items []WebhookBody `json:"items"`
	}
}

type deliveriesOutput struct {
	Body struct {
		Items      []WebhookDeliveryBody `json:"items"`
		NextCursor string                `json:"next_cursor,omitempty"`
	}
}

type retryOutput struct {
	Body struct {
		ID     string `json:"id" format:"uuid"`
		Status string `json:"status" enum:"pending"`
	}
}

// endpointFields names the fields of a refused endpoint.
var endpointFields = httpapi.InvalidFields(httpapi.At("body"))

// webhookErrors answers webhook refusals, naming the field at fault.
var webhookErrors = httpapi.ErrorTable{
	endpointFields.When(webhook.ErrUnknownEventType, "unknown_event_type"),
	endpointFields,
	{Err: ports.ErrWebhookNotFound, Status: http.StatusNotFound, Code: "webhook_not_found", Detail: "no such webhook endpoint"},
	{Err: ports.ErrDeliveryNotFound, Status: http.StatusNotFound, Code: "delivery_not_found", Detail: "no such webhook delivery"},
	{Err: webhooks.ErrNotPaused, Status: http.StatusConflict, Code: "webhook_active", Detail: "the endpoint is active already"},
	{Err: webhooks.ErrNotFinished, Status: http.StatusConflict, Code: "delivery_pending",
		Detail: "the delivery is still pending; wait for it to finish"},
}

func (m *Module) webhookError(ctx context.Context, err error) error {
	return m.kit.MapError(ctx, err, webhookErrors, platformErrors)
}

func (m *Module) registerWebhooks(api huma.API) {
	tags := []string{"Webhooks"}

	httpapi.Register(api, httpapi.Tenant(access.PermWebhooksRead), huma.Operation{
		OperationID: "list-webhook-event-types", Method: http.MethodGet, Path: "/v1/webhook-event-types", Tags: tags,
		Summary: "The event types endpoints may subscribe to",
	}, func(ctx context.Context, _ *struct{}) (*webhookEventTypesOutput, error) {
		out := &webhookEventTypesOutput{}
		for _, et := range webhooks.EventTypes() {
			out.Body.Items = append(out.Body.Items, WebhookEventTypeBody{Name: et.Name, Description: et.Description, Sample: et.Sample})
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermWebhooksWrite), httpapi.Creates(huma.Operation{
		OperationID: "create-webhook", Method: http.MethodPost, Path: "/v1/webhooks", Tags: tags,
		Summary: "Register a webhook endpoint", DefaultStatus: http.StatusCreated,
		Description: "Deliveries are POSTs signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature " +
			"= v1,base64(HMAC-SHA256(secret, id.timestamp.body))). The secret is in this response only; it is not idempotent " +
			"for that reason: a retried request registers a second endpoint.",
	}, "/v1/webhooks/{id}"), func(ctx context.Context, in *struct{ Body createWebhookBody }) (*webhookSecretOutput, error) {
		e, secret, err := m.deps.Webhooks.Create(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID,
			webhook.Draft{URL: in.Body.URL, Description: in.Body.Description, EventTypes: in.Body.EventTypes})
		if err != nil {
			return nil, m.webhookError(ctx, err)
		}
		out := &webhookSecretOutput{}
		out.Body.WebhookBody, out.Body.Secret = m.webhookBody(e), string(secret)
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermWebhooksRead), huma.Operation{
		OperationID: "list-webhooks", Method: http.MethodGet, Path: "/v1/webhooks", Tags: tags,
		Summary: "List webhook endpoints", Description: "Oldest first.",
	}, func(ctx context.Context, _ *struct{}) (*webhooksOutput, error) {
		es, err := m.deps.Webhooks.List(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.webhookError(ctx, err)
		}
		out := &webhooksOutput{}
		out.Body.Items = make([]WebhookBody, len(es))
		for i, e := range es {
			out.Body.Items[i] = m.webhookBody(e)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermWebhooksRead), huma.Operation{
		OperationID: "get-webhook", Method: http.MethodGet, Path: "/v1/webhooks/{id}", Tags: tags, Summary: "Get a webhook endpoint",
	}, func(ctx context.Context, in *WebhookPath) (*webhookOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		e, err := m.deps.Webhooks.Get(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.webhookError(ctx, err)
		}
		return &webhookOutput{Body: m.webhookBody(e)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermWebhooksWrite), huma.Operation{
		OperationID: "update-webhook", Method: http.MethodPatch, Path: "/v1/webhooks/{id}", Tags: tags,
		Summary: "Change a webhook endpoint's URL, description or event types",
	}, func(ctx context.Context, in *struct {
		WebhookPath
		Body webhookFields
	}) (*webhookOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		e, err := m.deps.Webhooks.Update(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id,
			webhooks.Patch{URL: in.Body.URL, Description: in.Body.Description, EventTypes: in.Body.EventTypes})
		if err != nil {
			return nil, m.webhookError(ctx, err)
		}
		return &webhookOutput{Body: m.webhookBody(e)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermWebhooksWrite), huma.Operation{
		OperationID: "delete-webhook", Method: http.MethodDelete, Path: "/v1/webhooks/{id}", Tags: tags,
		Summary: "Delete a webhook endpoint", Description: "Its deliveries and their logs go with it.", DefaultStatus: http.StatusNoContent,
	}, func(ctx context.Context, in *WebhookPath) (*struct{}, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		if err := m.deps.Webhooks.Delete(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id); err != nil {
			return nil, m.webhookError(ctx, err)
		}
		return nil, nil
	})

	state := func(opID, path, summary, desc string, change func(context.Context, tenants.ID, uuid.UUID) (webhook.Endpoint, error)) {
		httpapi.Register(api, httpapi.Tenant(access.PermWebhooksWrite), huma.Operation{
			OperationID: opID, Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: path, Tags: tags, Summary: summary, Description: desc,
		}, func(ctx context.Context, in *WebhookPath) (*webhookOutput, error) {
			id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
			if err != nil {
				return nil, err
			}
			e, err := change(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
			if err != nil {
				return nil, m.webhookError(ctx, err)
			}
			return &webhookOutput{Body: m.webhookBody(e)}, nil
		})
	}
	state("pause-webhook", "/v1/webhooks/{id}/pause", "Pause a webhook endpoint",
		"Deliveries are held, not sent, until it is resumed. Pausing a paused or disabled endpoint changes nothing.",
		m.deps.Webhooks.Pause)
	state("resume-webhook", "/v1/webhooks/{id}/resume", "Resume a paused or disabled webhook endpoint",
		"Sends the deliveries held while it was paused and clears its failure record.",
		m.deps.Webhooks.Resume)

	httpapi.Register(api, httpapi.Tenant(access.PermWebhooksWrite), huma.Operation{
		OperationID: "rotate-webhook-secret", Method: http.MethodPost, Path: "/v1/webhooks/{id}/rotate-secret", Tags: tags,
		Summary: "Give a webhook endpoint a new signing secret",
		Description: "The new secret is in this response only. For 24 hours deliveries carry a signature with the old " +
			"secret too (webhook-signature holds both, space-separated), so receivers can switch without rejecting any.",
	}, func(ctx context.Context, in *WebhookPath) (*webhookSecretOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		tn := httpapi.PrincipalFrom(ctx).Tenant.ID
		secret, err := m.deps.Webhooks.RotateSecret(ctx, tn, id)
		if err != nil {
			return nil, m.webhookError(ctx, err)
		}
		e, err := m.deps.Webhooks.Get(ctx, tn, id)
		if err != nil {
			return nil, m.webhookError(ctx, err)
		}
		out := &webhookSecretOutput{}
		out.Body.WebhookBody, out.Body.Secret = m.webhookBody(e), string(secret)
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermWebhooksWrite), huma.Operation{
		OperationID: "test-webhook", Method: http.MethodPost, Path: "/v1/webhooks/{id}/test", Tags: tags,
		Summary: "Send a sample event to a webhook endpoint now",
		Description: "Sends the event type's sample, signed, whatever the endpoint's state, and answers with the result, " +
			"which is also in the delivery log. A test does not count towards disabling the endpoint.",
	}, func(ctx context.Context, in *struct {
		WebhookPath
		Body WebhookTestBody
	}) (*struct{ Body WebhookDeliveryBody }, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		res, err := m.deps.Webhooks.Test(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, in.Body.EventType)
		if err != nil {
			return nil, m.webhookError(ctx, err)
		}
		return &struct{ Body WebhookDeliveryBody }{Body: deliveryBody(res.Delivery, res.Event, []ports.WebhookAttempt{res.Attempt})}, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermWebhooksRead), huma.Operation{
		OperationID: "list-webhook-deliveries", Method: http.MethodGet, Path: "/v1/webhooks/{id}/deliveries", Tags: tags,
		Summary: "A webhook endpoint's deliveries and their logs",
		Description: "Newest first, kept 30 days: each with the body sent and every attempt's request headers, answer " +
			"(status and the first 4 KiB) and latency.",
	}, func(ctx context.Context, in *struct {
		WebhookPath
		httpapi.PageQuery
	}) (*deliveriesOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		logs, err := m.deps.Webhooks.Deliveries(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, page)
		if err != nil {
			return nil, m.webhookError(ctx, err)
		}
		logs, next := httpapi.Paginate(logs, page, func(l ports.WebhookDeliveryLog) string { return l.ID.String() })
		out := &deliveriesOutput{}
		out.Body.Items = make([]WebhookDeliveryBody, len(logs))
		for i, l := range logs {
			out.Body.Items[i] = deliveryBody(l.WebhookDelivery, l.Event, l.Log)
		}
		out.Body.NextCursor = next
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermWebhooksWrite), huma.Operation{
		OperationID: "retry-webhook-delivery", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/webhooks/deliveries/{id}/retry", Tags: tags,
		Summary: "Send a finished delivery again", DefaultStatus: http.StatusAccepted,
		Description: "One more attempt, now, with the same webhook-id; no automatic retries follow it.",
	}, func(ctx context.Context, in *WebhookPath) (*retryOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		d, err := m.deps.Webhooks.Retry(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.webhookError(ctx, err)
		}
		out := &retryOutput{}
		out.Body.ID, out.Body.Status = d.ID.String(), d.Status
		return out, nil
	})
}
