package customersapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
)

// EventFieldBody is one typed field of a custom event type's payload.
type EventFieldBody struct {
	Key        string   `json:"key" pattern:"^[a-z][a-z0-9_]{0,39}$" doc:"The payload's property"`
	Label      string   `json:"label,omitempty" maxLength:"100"`
	Type       string   `json:"type" enum:"string,number,integer,boolean,date,enum" doc:"date is YYYY-MM-DD"`
	Required   bool     `json:"required,omitempty" doc:"Events of the type without it are refused"`
	EnumValues []string `json:"enum_values,omitempty" maxItems:"100" doc:"An enum's values"`
	MaxLength  int      `json:"max_length,omitempty" minimum:"0" maximum:"1000" doc:"A string's longest length; 1,000 when not set"`
}

// EventTypeFields is what a brand says about one of its custom event types.
type EventTypeFields struct {
	Label       string           `json:"label,omitempty" maxLength:"100"`
	Description string           `json:"description,omitempty" maxLength:"500"`
	Fields      []EventFieldBody `json:"fields" maxItems:"50" doc:"The payload's fields: events of the type carry these and no others"`
}

// EventTypeBody is a custom event type.
type EventTypeBody struct {
	Key  string `json:"key" doc:"Events carry the type custom:<key>"`
	Type string `json:"type" example:"custom:tasting"`
	EventTypeFields
}

func eventTypeBody(t event.CustomType) EventTypeBody {
	b := EventTypeBody{Key: t.Key, Type: t.Name(), EventTypeFields: EventTypeFields{Label: t.Label, Description: t.Description,
		Fields: make([]EventFieldBody, len(t.Fields))}}
	for i, f := range t.Fields {
		b.Fields[i] = EventFieldBody(f)
	}
	return b
}

type eventTypesOutput struct {
	Body struct {
		Items []EventTypeBody `json:"items"`
	}
}

// EventTypePath names a custom event type in the path.
type EventTypePath struct {
	Key string `path:"key" maxLength:"40" doc:"The type's key, the part after custom:"`
}

// eventTypeErrors answers event type refusals, naming the part at fault.
var eventTypeErrors = httpapi.ErrorTable{
	httpapi.InvalidFields(func(field string) string {
		if field == "key" {
			return "path.key"
		}
		return "body." + field
	}),
	{Err: ports.ErrEventTypeNotFound, Status: http.StatusNotFound, Code: "event_type_not_found", Detail: "no such event type"},
	{Err: events.ErrTooManyTypes, Status: http.StatusConflict, Code: "too_many_event_types"},
}

func (m *Module) registerEventTypes(api huma.API) {
	tags := []string{"Customer events"}
	httpapi.Register(api, httpapi.Tenant(customer.PermEventsRead), huma.Operation{
		OperationID: "list-event-types", Method: http.MethodGet, Path: "/v1/event-types", Tags: tags,
		Summary:     "The brand's custom event types",
		Description: "Custom events (type custom:<key>) must be of a type listed here and carry its fields.",
	}, func(ctx context.Context, _ *struct{}) (*eventTypesOutput, error) {
		ts, err := m.deps.Events.EventTypes(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.kit.MapError(ctx, err, eventTypeErrors)
		}
		out := &eventTypesOutput{}
		out.Body.Items = make([]EventTypeBody, len(ts))
		for i, t := range ts {
			out.Body.Items[i] = eventTypeBody(t)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermEventsRead), huma.Operation{
		OperationID: "get-event-type", Method: http.MethodGet, Path: "/v1/event-types/{key}", Tags: tags,
		Summary: "One custom event type",
	}, func(ctx context.Context, in *EventTypePath) (*struct{ Body EventTypeBody }, error) {
		t, err := m.deps.Events.EventType(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Key)
		if err != nil {
			return nil, m.kit.MapError(ctx, err, eventTypeErrors)
		}
		return &struct{ Body EventTypeBody }{Body: eventTypeBody(t)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), httpapi.Creates(httpapi.AlsoAnswers(huma.Operation{
		OperationID: "put-event-type", Errors: []int{http.StatusConflict}, Method: http.MethodPut, Path: "/v1/event-types/{key}", Tags: tags,
		Summary: "Define or replace a custom event type",
		Description: "Creates the type custom:<key> (201) or replaces its definition (200). Events stored before keep " +
			"their payload; new events must follow the new fields.",
	}, http.StatusCreated), "/v1/event-types/{key}"), func(ctx context.Context, in *struct {
		EventTypePath
		Body EventTypeFields
	}) (*struct {
		Status int
		Body   EventTypeBody
	}, error) {
		t := event.CustomType{Key: in.Key, Label: strings.TrimSpace(in.Body.Label), Description: strings.TrimSpace(in.Body.Description)}
		for _, f := range in.Body.Fields {
			t.Fields = append(t.Fields, event.CustomField(f))
		}
		created, err := m.deps.Events.SaveEventType(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, t)
		if err != nil {
			return nil, m.kit.MapError(ctx, err, eventTypeErrors)
		}
		out := &struct {
			Status int
			Body   EventTypeBody
		}{Status: http.StatusOK, Body: eventTypeBody(t)}
		if created {
			out.Status = http.StatusCreated
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "delete-event-type", Method: http.MethodDelete, Path: "/v1/event-types/{key}", Tags: tags,
		Summary: "Remove a custom event type", DefaultStatus: http.StatusNoContent,
		Description: "Events of the type already stored stay in the timelines; new ones are refused as unknown_event_type.",
	}, func(ctx context.Context, in *EventTypePath) (*struct{}, error) {
		if err := m.deps.Events.DeleteEventType(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Key); err != nil {
			return nil, m.kit.MapError(ctx, err, eventTypeErrors)
		}
		return nil, nil
	})
}
