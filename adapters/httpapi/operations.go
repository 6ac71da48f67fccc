package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"sort"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/domain/access"
)

// Security scheme names in the OpenAPI document.
const (
	schemeAPIKey   = "apiKey"
	schemeSession  = "adminSession"
	schemePlatform = "platformKey"
	// SchemeCustomer is the security scheme of customer operations; the module that issues
	// customer tokens describes it in the document.
	SchemeCustomer = "customerToken"
)

// Operation metadata keys: every operation declares who may call it.
const (
	metaAuth       = "auth"
	metaPermission = "permission"
	metaIdempotent = "idempotent"
	// metaCustomerAuth holds the CustomerTokens that check a customer operation's token.
	metaCustomerAuth = "customer_auth"
)

// Who may call an operation.
const (
	authPlatform = "platform"
	authTenant   = "tenant"
	authAdmin    = "admin"
	authPublic   = "public"
	authCustomer = "customer"
)

// Caller says who may call an operation. Every operation the kit serves names one, through
// Register; the server refuses to start with an operation that does not.
type Caller struct {
	auth   string
	perm   string
	tokens CustomerTokens
}

// Tenant is a brand's API keys and signed-in admins whose roles grant perm.
func Tenant(perm access.Permission) Caller { return Caller{auth: authTenant, perm: string(perm)} }

// Admin is any signed-in admin, acting for themselves in no brand (their own profile).
func Admin() Caller { return Caller{auth: authAdmin, perm: "self"} }

// Public is anyone (sign-in); the operation is rate limited per client address.
func Public() Caller { return Caller{auth: authPublic, perm: "public"} }

// Platform is the platform operator.
func Platform() Caller { return Caller{auth: authPlatform, perm: "platform"} }

// Customer is a brand's customer acting for themselves from the Mini Program, with a token
// tokens checks (Authorization: Bearer ...). The token names the brand and the customer; the
// operation acts on nothing else.
func Customer(tokens CustomerTokens) Caller {
	return Caller{auth: authCustomer, perm: "self", tokens: tokens}
}

// Register registers op, which c may call, with its handler.
func Register[I, O any](api huma.API, c Caller, op huma.Operation, handler func(context.Context, *I) (*O, error)) {
	op = c.declare(op)
	huma.Register(api, op, handler)
	if registered := operationAt(api.OpenAPI(), op.Method, op.Path); registered != nil {
		document(registered)
	}
}

// operationAt is the operation of doc at method and path, or nil.
func operationAt(doc *huma.OpenAPI, method, path string) *huma.Operation {
	item := doc.Paths[path]
	if item == nil {
		return nil
	}
	switch method {
	case http.MethodGet:
		return item.Get
	case http.MethodPost:
		return item.Post
	case http.MethodPut:
		return item.Put
	case http.MethodPatch:
		return item.Patch
	case http.MethodDelete:
		return item.Delete
	}
	return nil
}

// declare writes c into op's metadata and security requirements.
func (c Caller) declare(op huma.Operation) huma.Operation {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metaAuth], op.Metadata[metaPermission] = c.auth, c.perm
	switch c.auth {
	case authTenant:
		op.Security = []map[string][]string{{schemeAPIKey: {}}, {schemeSession: {}}}
		op.Description += "\n\nRequires permission `" + c.perm + "`."
	case authAdmin:
		op.Security = []map[string][]string{{schemeSession: {}}}
	case authCustomer:
		op.Security = []map[string][]string{{SchemeCustomer: {}}}
		op.Metadata[metaCustomerAuth] = c.tokens
	case authPlatform:
		op.Security = []map[string][]string{{schemePlatform: {}}}
		op.Tags = []string{"Platform"}
	}
	return op
}

// Idempotent marks op as a value-moving POST: it accepts an Idempotency-Key.
func Idempotent(op huma.Operation) huma.Operation {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[metaIdempotent] = true
	op.Parameters = append(op.Parameters, &huma.Param{
		Name: idempotencyHeader, In: "header",
		Description: "Makes the request safe to retry: the same key with the same body returns the first response " +
			"(marked Idempotent-Replayed: true) for at least 24 hours; the same key with another body is refused with 422, " +
			"and while the first request with the key is still running, with 409.",
		Schema: &huma.Schema{Type: "string", MinLength: ptr(1), MaxLength: ptr(255)},
	})
	return op
}

func ptr[T any](v T) *T { return &v }

// checkDeclarations returns an error naming the first operation of doc that does not say who
// may call it (registered without Register) or names no known permission.
func checkDeclarations(doc *huma.OpenAPI) error {
	paths := make([]string, 0, len(doc.Paths))
	for path := range doc.Paths {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths[path]
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			auth, _ := op.Metadata[metaAuth].(string)
			perm, _ := op.Metadata[metaPermission].(string)
			switch {
			case auth == "":
				return fmt.Errorf("%s %s declares no caller: register it with httpapi.Register", op.Method, path)
			case auth == authTenant && !access.IsPermission(access.Permission(perm)):
				return fmt.Errorf("%s %s declares unknown permission %q", op.Method, path, perm)
			case auth == authCustomer && op.Metadata[metaCustomerAuth] == nil:
				return fmt.Errorf("%s %s names nothing that checks its customer token", op.Method, path)
			}
		}
	}
	return nil
}
