package customersapi

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/customers/fieldtype"
	"github.com/engagehq/engage/tenants"
)

// brandSchemas is what the customers module types in a brand's own OpenAPI document.
type brandSchemas struct {
	Attributes []customer.AttributeDef `json:"attributes"`
	Types      []event.CustomType      `json:"types"`
}

// BrandSchemas types t's custom attributes in every profile schema and its custom event types
// in the schemas of ingested events.
func (m *Module) BrandSchemas(ctx context.Context, t tenants.Tenant) (httpapi.BrandPatch, error) {
	var (
		src brandSchemas
		err error
	)
	if src.Attributes, err = m.deps.Customers.AttributeDefs(ctx, t.ID); err != nil {
		return httpapi.BrandPatch{}, err
	}
	if src.Types, err = m.deps.Events.EventTypes(ctx, t.ID); err != nil {
		return httpapi.BrandPatch{}, err
	}
	return httpapi.BrandPatch{Source: src, Patch: func(schemas map[string]any) {
		patchAttributes(schemas, src.Attributes)
		patchEvents(schemas, src.Types)
	}}, nil
}

// object is a decoded JSON object of the document.
type object = map[string]any

func ref(name string) object { return object{"$ref": "#/components/schemas/" + name} }

// clone deep-copies a decoded JSON value.
func clone(v object) object {
	raw, _ := json.Marshal(v) // decoded JSON: cannot fail
	var out object
	_ = json.Unmarshal(raw, &out)
	return out
}

// valueSchema is the JSON Schema of a brand-defined value.
func valueSchema(spec fieldtype.Spec, label string, defaultMax int) object {
	s := object{}
	switch spec.Type {
	case fieldtype.String:
		s["type"], s["maxLength"] = "string", defaultMax
		if spec.MaxLength > 0 {
			s["maxLength"] = spec.MaxLength
		}
	case fieldtype.Date:
		s["type"], s["format"] = "string", "date"
	case fieldtype.Enum:
		s["type"], s["enum"] = "string", spec.EnumValues
	default: // number, integer, boolean name JSON Schema's own types
		s["type"] = spec.Type
	}
	if label != "" {
		s["title"] = label
	}
	return s
}

// patchAttributes types the attributes of every profile schema: BrandAttributes in answers,
// BrandAttributesChange (where null removes a value) in requests.
func patchAttributes(schemas object, defs []customer.AttributeDef) {
	values, changes := object{}, object{}
	for _, d := range defs {
		s := valueSchema(fieldtype.Spec{Type: d.Type, EnumValues: d.EnumValues}, d.Label, customer.MaxAttributeText)
		values[d.Key] = s
		changes[d.Key] = object{"anyOf": []any{s, object{"type": "null"}}}
	}
	schemas["BrandAttributes"] = object{"type": "object", "additionalProperties": false, "properties": values,
		"description": "Values of the brand's custom attributes"}
	schemas["BrandAttributesChange"] = object{"type": "object", "additionalProperties": false, "properties": changes,
		"description": "Custom attribute values to set; null removes one"}
	for name, raw := range schemas {
		props, _ := raw.(object)["properties"].(object)
		attrs, _ := props["attributes"].(object)
		if attrs == nil || attrs["type"] != "object" {
			continue
		}
		target := "BrandAttributes"
		if strings.HasSuffix(name, "Fields") { // request bodies: CustomerFields, MeFields
			target = "BrandAttributesChange"
		}
		props["attributes"] = ref(target)
	}
}

// customEventSchema names the schema of a custom type's events.
func customEventSchema(key string) string { return "CustomEventIn_" + key }

// customPayloadSchema names the schema of a custom type's payload.
func customPayloadSchema(key string) string { return "CustomEventPayload_" + key }

// patchEvents lists the brand's event types in every event schema and makes a batch's events a
// union discriminated by type: BuiltinEventIn for the built-in types, CustomEventIn_<key> with
// its typed payload for each custom one.
func patchEvents(schemas object, types []event.CustomType) {
	all := slices.Clone(event.Types)
	for _, t := range types {
		all = append(all, t.Name())
	}
	in, _ := schemas["EventIn"].(object)
	if in == nil {
		return
	}
	if props, ok := schemas["EventBody"].(object)["properties"].(object); ok {
		if typ, ok := props["type"].(object); ok {
			typ["enum"] = all
		}
	}
	builtin := clone(in)
	builtin["properties"].(object)["type"].(object)["enum"] = event.Types
	builtin["required"] = []string{"type"} // the discriminator
	schemas["BuiltinEventIn"] = builtin
	mapping := object{}
	for _, name := range event.Types {
		mapping[name] = "#/components/schemas/BuiltinEventIn"
	}
	variants := []any{ref("BuiltinEventIn")}
	for _, t := range types {
		props, required := object{}, []string{}
		for _, f := range t.Fields {
			props[f.Key] = valueSchema(fieldtype.Spec{Type: f.Type, EnumValues: f.EnumValues, MaxLength: f.MaxLength}, f.Label, event.MaxFieldText)
			if f.Required {
				required = append(required, f.Key)
			}
		}
		payload := object{"type": "object", "additionalProperties": false, "properties": props}
		if t.Label != "" {
			payload["title"] = t.Label
		}
		if t.Description != "" {
			payload["description"] = t.Description
		}
		if len(required) > 0 {
			payload["required"] = required
		}
		schemas[customPayloadSchema(t.Key)] = payload

		custom := clone(in)
		cp := custom["properties"].(object)
		delete(cp, "amount_fen") // purchases only
		delete(cp, "items")
		cp["type"] = object{"type": "string", "const": t.Name()}
		cp["payload"] = ref(customPayloadSchema(t.Key))
		custom["required"] = []string{"type"}
		if len(required) > 0 {
			custom["required"] = []string{"type", "payload"}
		}
		if t.Label != "" {
			custom["title"] = t.Label
		}
		schemas[customEventSchema(t.Key)] = custom
		mapping[t.Name()] = "#/components/schemas/" + customEventSchema(t.Key)
		variants = append(variants, ref(customEventSchema(t.Key)))
	}
	in["properties"].(object)["type"].(object)["enum"] = all
	body, _ := schemas["IngestInputBody"].(object)
	if props, ok := body["properties"].(object); ok {
		if evs, ok := props["events"].(object); ok {
			evs["items"] = object{"oneOf": variants, "discriminator": object{"propertyName": "type", "mapping": mapping}}
		}
	}
}
