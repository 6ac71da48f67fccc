package httpapi

// What operations declare in their metadata, for the tests that read every operation.
const (
	MetaAuth         = metaAuth
	MetaPermission   = metaPermission
	MetaCustomerAuth = metaCustomerAuth
	AuthPlatform     = authPlatform
	AuthTenant       = authTenant
	AuthAdmin        = authAdmin
	AuthCustomer     = authCustomer
	AuthPublic       = authPublic
)
