// Package platformdb is the platform module's PostgreSQL repositories: tenants, admin users
// and local sign-in, memberships, invitations and roles, API keys, the audit log, channel
// settings, secrets, logos, idempotency keys, and webhooks with their part of a customer's
// data. Every tenant-owned row is reached through the kit's tenant scope (postgres.TenantTx).
package platformdb
