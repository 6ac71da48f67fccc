package ports

import "context"

// NameFunc names things of one type a module keeps, by ID, for pages that show references to
// them (the audit trail's targets and actors): it returns the names of those of ids that still
// exist and have one, in the caller's tenant transaction, in one query for all of them.
type NameFunc func(ctx context.Context, ids []string) (map[string]string, error)

// Namers are a module's NameFuncs by the type they name (an audit target type such as
// "customer", "segment", "api_key", or "user" for admins).
type Namers map[string]NameFunc
