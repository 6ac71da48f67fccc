package ports

import "context"

// Notifier announces, when the caller's transaction commits, that something other processes
// cache has changed: the topic says what, the key which (a tenant, a key, a session).
type Notifier interface {
	Notify(ctx context.Context, topic, key string) error
}

// Change topics.
const (
	TopicTenant = "tenant"
	TopicAPIKey = "api_key"
	TopicRoles  = "roles"
)
