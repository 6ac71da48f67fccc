package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customer"
	"github.com/engagehq/engage/domain/event"
	"github.com/engagehq/engage/domain/fieldtype"
	"github.com/engagehq/engage/tenants"
)

// brandDocs serves each brand's own OpenAPI document: the global one with the brand's server
// URL, and its custom attributes and custom event types as typed schemas, so that a partner's
// generated client knows them. Documents are built from a copy of the global document and kept
// per brand under a version, a hash of everything they are built from: a brand whose
// definitions changed (in this process or another) gets a new document on its next request.
type brandDocs struct {
	// global is the global document, encoded once the API is complete.
	global func() ([]byte, error)

	mu    sync.Mutex
	cache map[uuid.UUID]brandDoc
}

type brandDoc struct {
	version string
	body    []byte
}

// brandSource is what a brand's document is built from.
type brandSource struct {
	Name       string                  `json:"name"`
	Server     string                  `json:"server"`
	Attributes []customer.AttributeDef `json:"attributes"`
	Types      []event.CustomType      `json:"types"`
}

func (src brandSource) version() string {
	raw, _ := json.Marshal(src) // plain values: cannot fail
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:12])
}

// brandOpenAPI serves GET /t/{slug}/openapi.json. It is public, like /openapi.json: it shows the
// shape of the brand's data, never the data.
func (s *Server) brandOpenAPI(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	slug := chi.URLParam(r, "slug")
	notFound := func() {
		writeProblem(w, problem(ctx, http.StatusNotFound, "tenant_not_found", "no such brand"))
	}
	// Brands are named by slug only: an ID would let anyone probe which IDs exist.
	if uuid.Validate(slug) == nil || len(slug) > 40 {
		notFound()
		return
	}
	t, err := s.deps.Tenants.Lookup(ctx, slug)
	if errors.Is(err, tenants.ErrNotFound) || (err == nil && !t.Active()) {
		notFound()
		return
	}
	src := brandSource{Name: t.Name, Server: s.deps.PublicURL}
	if err == nil {
		src.Attributes, err = s.deps.Customers.AttributeDefs(ctx, t.ID)
	}
	if err == nil {
		src.Types, err = s.deps.Events.EventTypes(ctx, t.ID)
	}
	var doc brandDoc
	if err == nil {
		doc, err = s.brandDocs.get(t, src)
	}
	if err != nil {
		writeProblem(w, mapError(ctx, s.deps.Logger, err).(*Problem))
		return
	}
	w.Header().Set("ETag", `"`+doc.version+`"`)
	w.Header().Set("Cache-Control", "no-cache")
	if r.Header.Get("If-None-Match") == `"`+doc.version+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/openapi+json")
	_, _ = w.Write(doc.body)
}

// get returns the brand's document, built again only when its source changed.
func (d *brandDocs) get(t tenants.Tenant, src brandSource) (brandDoc, error) {
	version := src.version()
	d.mu.Lock()
	doc, ok := d.cache[t.ID.UUID()]
	d.mu.Unlock()
	if ok && doc.version == version {
		return doc, nil
	}
	global, err := d.global()
	if err != nil {
		return brandDoc{}, err
	}
	body, err := buildBrandDoc(global, src)
	if err != nil {
		return brandDoc{}, err
	}
	doc = brandDoc{version: version, body: body}
	d.mu.Lock()
	d.cache[t.ID.UUID()] = doc
	d.mu.Unlock()
	return doc, nil
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

// buildBrandDoc patches a decoded copy of the global document for one brand.
func buildBrandDoc(global []byte, src brandSource) ([]byte, error) {
	var doc object
	if err := json.Unmarshal(global, &doc); err != nil {
		return nil, err
	}
	if src.Server != "" {
		doc["servers"] = []any{object{"url": src.Server, "description": src.Name}}
	}
	info, _ := doc["info"].(object)
	if info != nil {
		info["title"] = "Engage API · " + src.Name
		info["description"] = strings.TrimSpace(stringOf(info["description"]) + "\n\nThis is " + src.Name +
			"'s own document: the brand's custom attributes and custom event types are typed in it.")
	}
	components, _ := doc["components"].(object)
	schemas, _ := components["schemas"].(object)
	if schemas == nil {
		return json.Marshal(doc)
	}
	patchAttributes(schemas, src.Attributes)
	patchEvents(schemas, src.Types)
	return json.Marshal(doc)
}

func stringOf(v any) string { s, _ := v.(string); return s }

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
