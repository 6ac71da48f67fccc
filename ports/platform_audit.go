package ports

import (
	"context"
	"errors"
	"time"

	"github.com/engagehq/engage/domain/platform/audit"
)

// AuditEntry is one change to record. Before and After are JSON-encodable snapshots (nil when
// the target did not exist before or does not after); the trail stores their difference too.
type AuditEntry struct {
	// Action names the change as resource.verb, e.g. "api_key.create", "role.update".
	Action     string
	TargetType string
	TargetID   string
	Before     any
	After      any
	// Reason is the admin's stated reason, where the action takes one.
	Reason string
}

// AuditLog records changes in the caller's tenant transaction, so an entry exists exactly when
// its change commits. The actor comes from ctx.
type AuditLog interface {
	Record(ctx context.Context, e AuditEntry) error
}

// AuditFilter narrows a listing of the audit trail; zero fields match everything.
type AuditFilter struct {
	ActorID    string
	Action     string
	TargetType string
	TargetID   string
	From, To   time.Time
}

// AuditReader reads the tenant's audit trail in the caller's tenant scope, newest first.
type AuditReader interface {
	// List returns up to page.Limit records matching f, before the sequence number page.After.
	List(ctx context.Context, f AuditFilter, page Page) ([]audit.Record, error)
	// Get returns the record with seq, or ErrAuditNotFound.
	Get(ctx context.Context, seq int64) (audit.Record, error)
	// Each calls fn for every record matching f, oldest first (for verification and export).
	Each(ctx context.Context, f AuditFilter, fn func(audit.Record) error) error
}

// ErrAuditNotFound is returned for an audit record that does not exist in the tenant.
var ErrAuditNotFound = errors.New("audit record not found")
