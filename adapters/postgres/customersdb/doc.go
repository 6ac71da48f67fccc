// Package customersdb is the customers module's PostgreSQL repositories: customers and their
// custom attributes, bulk reads, imports, merges and erasures, event types, events, activity
// and spend, lifecycle stages, tags, segments and auto-tag rules with the SQL their trees
// compile to, WeChat accounts and links, fan tag imports, member statuses and customer
// sessions. Every row is reached through the kit's tenant scope (postgres.TenantTx).
package customersdb
