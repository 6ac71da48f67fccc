package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/application/events"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/event"
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

// eventTypeError maps event type refusals to problems naming the part at fault.
func (s *Server) eventTypeError(ctx context.Context, err error) error {
	var fields []*FieldDetail
	for _, fe := range event.Fields(err) {
		at := "body." + fe.Field
		if fe.Field == "key" {
			at = "path.key"
		}
		fields = append(fields, field(at, fe.Err.Error(), nil))
	}
	switch {
	case len(fields) > 0:
		return problem(ctx, http.StatusUnprocessableEntity, "validation_failed", "the request has invalid fields", fields...)
	case errors.Is(err, ports.ErrEventTypeNotFound):
		return problem(ctx, http.StatusNotFound, "event_type_not_found", "no such event type")
	case errors.Is(err, events.ErrTooManyTypes):
		return problem(ctx, http.StatusConflict, "too_many_event_types", err.Error())
	}
	return mapError(ctx, s.deps.Logger, err)
}

func (s *Server) registerEventTypes() {
	tags := []string{"Customer events"}
	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "list-event-types", Method: http.MethodGet, Path: "/v1/event-types", Tags: tags,
		Summary:     "The brand's custom event types",
		Description: "Custom events (type custom:<key>) must be of a type listed here and carry its fields.",
	}, access.PermEventsRead), func(ctx context.Context, _ *struct{}) (*eventTypesOutput, error) {
		ts, err := s.deps.Events.EventTypes(ctx, principalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, s.eventTypeError(ctx, err)
		}
		out := &eventTypesOutput{}
		out.Body.Items = make([]EventTypeBody, len(ts))
		for i, t := range ts {
			out.Body.Items[i] = eventTypeBody(t)
		}
		return out, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "get-event-type", Method: http.MethodGet, Path: "/v1/event-types/{key}", Tags: tags,
		Summary: "One custom event type",
	}, access.PermEventsRead), func(ctx context.Context, in *EventTypePath) (*struct{ Body EventTypeBody }, error) {
		t, err := s.deps.Events.EventType(ctx, principalFrom(ctx).Tenant.ID, in.Key)
		if err != nil {
			return nil, s.eventTypeError(ctx, err)
		}
		return &struct{ Body EventTypeBody }{Body: eventTypeBody(t)}, nil
	})

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "put-event-type", Method: http.MethodPut, Path: "/v1/event-types/{key}", Tags: tags,
		Summary: "Define or replace a custom event type",
		Description: "Creates the type custom:<key> (201) or replaces its definition (200). Events stored before keep " +
			"their payload; new events must follow the new fields.",
	}, access.PermSettingsWrite), func(ctx context.Context, in *struct {
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
		created, err := s.deps.Events.SaveEventType(ctx, principalFrom(ctx).Tenant.ID, t)
		if err != nil {
			return nil, s.eventTypeError(ctx, err)
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

	huma.Register(s.api, tenantOperation(huma.Operation{
		OperationID: "delete-event-type", Method: http.MethodDelete, Path: "/v1/event-types/{key}", Tags: tags,
		Summary: "Remove a custom event type", DefaultStatus: http.StatusNoContent,
		Description: "Events of the type already stored stay in the timelines; new ones are refused as unknown_event_type.",
	}, access.PermSettingsWrite), func(ctx context.Context, in *EventTypePath) (*struct{}, error) {
		if err := s.deps.Events.DeleteEventType(ctx, principalFrom(ctx).Tenant.ID, in.Key); err != nil {
			return nil, s.eventTypeError(ctx, err)
		}
		return nil, nil
	})
}
