package customersapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/lifecycle"
	"github.com/engagehq/engage/ports"
)

// CustomerBody is a customer profile as the API shows it.
type CustomerBody struct {
	ID             string           `json:"id" format:"uuid"`
	ExternalID     string           `json:"external_id,omitempty" doc:"The partner's own ID (CRM, POS)"`
	Name           string           `json:"name"`
	Gender         string           `json:"gender" enum:"unknown,female,male,other"`
	BirthDate      string           `json:"birth_date,omitempty" format:"date"`
	Phone          string           `json:"phone,omitempty" example:"+8613812345678" doc:"E.164"`
	Email          string           `json:"email,omitempty"`
	AvatarURL      string           `json:"avatar_url,omitempty"`
	Address        customer.Address `json:"address"`
	Language       string           `json:"language" enum:"zh-CN,en"`
	PreferredStore string           `json:"preferred_store,omitempty"`
	City           string           `json:"city,omitempty"`
	Region         string           `json:"region,omitempty"`
	Consents       map[string]bool  `json:"consents"`
	Attributes     map[string]any   `json:"attributes" doc:"Values of the brand's custom attributes"`
	CreatedAt      time.Time        `json:"created_at"`
	UpdatedAt      time.Time        `json:"updated_at"`
	LifecycleStage string           `json:"lifecycle_stage" enum:"new,active,at_risk,lapsed,won_back" doc:"See GET /v1/lifecycle/settings"`
	LifecycleSince time.Time        `json:"lifecycle_since" doc:"When the customer reached the stage"`
	Tags           []string         `json:"tags" doc:"The customer's tags, by name (GET /v1/customers/{id}/tags says how it got each)"`
}

func customerBody(c customer.Customer) CustomerBody {
	b := CustomerBody{ID: c.ID.String(), ExternalID: c.ExternalID, Name: c.Name, Gender: c.Gender, Phone: c.Phone, Email: c.Email,
		AvatarURL: c.AvatarURL, Address: c.Address, Language: c.Language, PreferredStore: c.PreferredStore, City: c.City,
		Region: c.Region, Consents: c.Consents, Attributes: c.Attributes, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		LifecycleStage: string(c.LifecycleStage), LifecycleSince: c.LifecycleSince, Tags: []string{}}
	if c.BirthDate != nil {
		b.BirthDate = c.BirthDate.Format("2006-01-02")
	}
	return b
}

// customerBodies are cs as the API shows them, each with its tags, read for all at once.
func (m *Module) customerBodies(ctx context.Context, cs ...customer.Customer) ([]CustomerBody, error) {
	ids := make([]uuid.UUID, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	names, err := m.deps.Tags.Names(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]CustomerBody, len(cs))
	for i, c := range cs {
		out[i] = customerBody(c)
		if t := names[c.ID]; t != nil {
			out[i].Tags = t
		}
	}
	return out, nil
}

// customerOut is c as one operation's answer, with its tags.
func (m *Module) customerOut(ctx context.Context, c customer.Customer) (*customerOutput, error) {
	bodies, err := m.customerBodies(ctx, c)
	if err != nil {
		return nil, m.customerError(ctx, err)
	}
	return &customerOutput{Body: bodies[0]}, nil
}

// customerFields is what a client may set on a profile; absent fields stay as they are.
type customerFields struct {
	ExternalID     *string           `json:"external_id,omitempty" maxLength:"100"`
	Name           *string           `json:"name,omitempty" maxLength:"100"`
	Gender         *string           `json:"gender,omitempty" enum:"unknown,female,male,other"`
	BirthDate      *string           `json:"birth_date,omitempty" format:"date"`
	Phone          *string           `json:"phone,omitempty" maxLength:"32" doc:"Mainland mobiles may omit +86; others need + and the country code"`
	Email          *string           `json:"email,omitempty" maxLength:"254"`
	AvatarURL      *string           `json:"avatar_url,omitempty" maxLength:"500"`
	Address        *customer.Address `json:"address,omitempty"`
	Language       *string           `json:"language,omitempty" enum:"zh-CN,en"`
	PreferredStore *string           `json:"preferred_store,omitempty" maxLength:"100"`
	City           *string           `json:"city,omitempty" maxLength:"100"`
	Region         *string           `json:"region,omitempty" maxLength:"100"`
	Consents       map[string]bool   `json:"consents,omitempty" doc:"marketing_sms, marketing_email, marketing_wechat, data_analysis"`
	Attributes     map[string]any    `json:"attributes,omitempty" doc:"Custom attribute values; null removes one"`
}

func (f customerFields) patch(ctx context.Context) (customers.Patch, error) {
	p := customers.Patch{ExternalID: f.ExternalID, Name: f.Name, Gender: f.Gender, Phone: f.Phone, Email: f.Email,
		AvatarURL: f.AvatarURL, Language: f.Language, PreferredStore: f.PreferredStore, City: f.City, Region: f.Region,
		Address: f.Address, Consents: f.Consents, Attributes: f.Attributes}
	if f.BirthDate != nil {
		d, err := time.Parse("2006-01-02", *f.BirthDate)
		if err != nil {
			return p, httpapi.Invalid(ctx, httpapi.Field("body.birth_date", "expected YYYY-MM-DD", nil))
		}
		p.BirthDate = &d
	}
	return p, nil
}

// profileFields names the fields of a refused profile.
var profileFields = httpapi.InvalidFields(httpapi.At("body"))

// customerErrors answers profile refusals, naming the field at fault.
var customerErrors = httpapi.ErrorTable{
	profileFields.When(customer.ErrUnknownAttribute, "unknown_attribute"),
	profileFields,
	{Err: ports.ErrCustomerNotFound, Status: http.StatusNotFound, Code: "customer_not_found", Detail: "no such customer"},
	{Err: ports.ErrPhoneTaken, Status: http.StatusConflict, Code: "phone_taken", Detail: "another customer has this phone",
		Field: "body.phone", Reason: "taken"},
	{Err: ports.ErrExternalIDTaken, Status: http.StatusConflict, Code: "external_id_taken", Detail: "another customer has this external ID",
		Field: "body.external_id", Reason: "taken"},
	{Err: ports.ErrCustomerErased, Status: http.StatusConflict, Code: "customer_erased",
		Detail: "this customer's personal data was erased; it cannot be given any back"},
}

func (m *Module) customerError(ctx context.Context, err error) error {
	return m.kit.MapError(ctx, err, customerErrors)
}

type customerOutput struct{ Body CustomerBody }

// CustomerPath names a customer in the path.
type CustomerPath struct {
	ID string `path:"id" format:"uuid"`
}

type listCustomersInput struct {
	httpapi.PageQuery
	Q          string `query:"q" maxLength:"100" doc:"Start of a name, phone, email or external ID; a full phone number matches exactly"`
	City       string `query:"city" maxLength:"100"`
	Tag        string `query:"tag" maxLength:"100" doc:"Only customers with this tag"`
	ExternalID string `query:"external_id" maxLength:"100" doc:"Only the customer with this external ID (the partner's own)"`
	// Lifecycle is a stage name; empty matches every stage.
	Lifecycle string `query:"lifecycle" enum:"new,active,at_risk,lapsed,won_back" doc:"Only customers at this lifecycle stage"`
}

type lookupInput struct {
	ExternalID string `query:"external_id" maxLength:"100" example:"pos-member-88231" doc:"The customer's external ID"`
	Phone      string `query:"phone" maxLength:"32" example:"+8613812345678" doc:"The customer's phone (E.164; mainland mobiles may omit +86)"`
}

type listCustomersOutput struct {
	Body struct {
		Items      []CustomerBody `json:"items"`
		NextCursor string         `json:"next_cursor,omitempty"`
	}
}

// AttributeDefBody is a custom attribute definition.
type AttributeDefBody struct {
	Key        string   `json:"key" pattern:"^[a-z][a-z0-9_]{0,39}$"`
	Type       string   `json:"type" enum:"string,number,date,boolean,enum"`
	Label      string   `json:"label,omitempty" maxLength:"100" doc:"The attribute's name, in Chinese"`
	LabelEn    string   `json:"label_en,omitempty" maxLength:"100" doc:"The attribute's name in English"`
	EnumValues []string `json:"enum_values,omitempty" maxItems:"100"`
}

type attributeDefsBody struct {
	Attributes []AttributeDefBody `json:"attributes" maxItems:"200"`
}

func (m *Module) registerCustomers(api huma.API) {
	tags := []string{"Customers"}
	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), httpapi.Creates(httpapi.Idempotent(huma.Operation{
		OperationID: "create-customer", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/customers", Tags: tags,
		Summary: "Create a customer", DefaultStatus: http.StatusCreated,
	}), "/v1/customers/{id}"), func(ctx context.Context, in *struct{ Body customerFields }) (*customerOutput, error) {
		p, err := in.Body.patch(ctx)
		if err != nil {
			return nil, err
		}
		c, err := m.deps.Customers.Create(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, p)
		if err != nil {
			return nil, m.customerError(ctx, err)
		}
		return m.customerOut(ctx, c)
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "list-customers", Method: http.MethodGet, Path: "/v1/customers", Tags: tags,
		Summary: "List and search customers", Description: "Newest first.",
	}, func(ctx context.Context, in *listCustomersInput) (*listCustomersOutput, error) {
		page, err := in.Page(ctx)
		if err != nil {
			return nil, err
		}
		cs, err := m.deps.Customers.List(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, ports.CustomerQuery{Search: strings.TrimSpace(in.Q), City: in.City,
			Tag: strings.TrimSpace(in.Tag), Lifecycle: lifecycle.Stage(in.Lifecycle), ExternalID: in.ExternalID}, page)
		if err != nil {
			return nil, m.customerError(ctx, err)
		}
		cs, next := httpapi.Paginate(cs, page, func(c customer.Customer) string { return c.ID.String() })
		out := &listCustomersOutput{}
		if out.Body.Items, err = m.customerBodies(ctx, cs...); err != nil {
			return nil, m.customerError(ctx, err)
		}
		out.Body.NextCursor = next
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "get-customer", Method: http.MethodGet, Path: "/v1/customers/{id}", Tags: tags, Summary: "Get a customer",
	}, func(ctx context.Context, in *CustomerPath) (*customerOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		c, err := m.deps.Customers.Get(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.customerNotFound(ctx, id, err)
		}
		return m.customerOut(ctx, c)
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "lookup-customer", Errors: []int{http.StatusNotFound}, Method: http.MethodGet, Path: "/v1/customers/lookup", Tags: tags,
		Summary: "Find a customer by external ID or phone",
		Description: "The customer a partner knows by its own ID (external_id on the profile, unique in the brand) or by " +
			"phone (unique too): exactly one of the two. Answers the customer itself, or 404 customer_not_found.",
	}, func(ctx context.Context, in *lookupInput) (*customerOutput, error) {
		q, at := ports.CustomerQuery{ExternalID: in.ExternalID}, "query.external_id"
		switch {
		case (in.ExternalID == "") == (in.Phone == ""):
			return nil, httpapi.Invalid(ctx, httpapi.Field("query.external_id", "send external_id or phone, not both", nil))
		case in.Phone != "":
			phone, err := customer.NormalisePhone(in.Phone)
			if err != nil {
				return nil, httpapi.Invalid(ctx, httpapi.Field("query.phone", err.Error(), nil))
			}
			q, at = ports.CustomerQuery{Search: phone}, "query.phone"
		}
		cs, err := m.deps.Customers.List(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, q, ports.Page{Limit: 1})
		if err != nil {
			return nil, m.customerError(ctx, err)
		}
		if len(cs) == 0 {
			return nil, httpapi.NewProblem(ctx, http.StatusNotFound, "customer_not_found", "no such customer", httpapi.Field(at, "no such customer", nil))
		}
		return m.customerOut(ctx, cs[0])
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), huma.Operation{
		OperationID: "update-customer", Errors: []int{http.StatusConflict}, Method: http.MethodPatch, Path: "/v1/customers/{id}", Tags: tags, Summary: "Change a customer's profile",
	}, func(ctx context.Context, in *struct {
		CustomerPath
		Body customerFields
	}) (*customerOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		p, err := in.Body.patch(ctx)
		if err != nil {
			return nil, err
		}
		c, err := m.deps.Customers.Update(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, p)
		if err != nil {
			return nil, m.customerNotFound(ctx, id, err)
		}
		return m.customerOut(ctx, c)
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "list-customer-attributes", Method: http.MethodGet, Path: "/v1/customer-attributes", Tags: tags,
		Summary: "The brand's custom attributes",
	}, func(ctx context.Context, _ *struct{}) (*struct{ Body attributeDefsBody }, error) {
		defs, err := m.deps.Customers.AttributeDefs(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.customerError(ctx, err)
		}
		out := &struct{ Body attributeDefsBody }{}
		out.Body.Attributes = make([]AttributeDefBody, len(defs))
		for i, d := range defs {
			out.Body.Attributes[i] = AttributeDefBody{Key: d.Key, Type: d.Type, Label: d.Label, LabelEn: d.LabelEn, EnumValues: d.EnumValues}
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(access.PermSettingsWrite), huma.Operation{
		OperationID: "set-customer-attributes", Method: http.MethodPut, Path: "/v1/customer-attributes", Tags: tags,
		Summary: "Define the brand's custom attributes", Description: "Replaces the whole set.",
	}, func(ctx context.Context, in *struct{ Body attributeDefsBody }) (*struct{ Body attributeDefsBody }, error) {
		defs := make([]customer.AttributeDef, len(in.Body.Attributes))
		for i, d := range in.Body.Attributes {
			defs[i] = customer.AttributeDef{Key: d.Key, Type: d.Type, Label: d.Label, LabelEn: d.LabelEn, EnumValues: d.EnumValues}
		}
		if err := m.deps.Customers.SetAttributeDefs(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, defs); err != nil {
			return nil, m.customerError(ctx, err)
		}
		return &struct{ Body attributeDefsBody }{Body: in.Body}, nil
	})
}
