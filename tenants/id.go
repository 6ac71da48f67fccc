// Package tenants is the brand tenant as a concept: its identity, its lifecycle (onboarding,
// suspension) and the directory that resolves an authenticated credential to a tenant.
package tenants

import (
	"github.com/google/uuid"
)

// ID identifies a brand tenant. Its value cannot be made from a string outside this package:
// an ID comes from onboarding a tenant or from the Directory resolving one that exists, so a
// tenant ID in hand always names a real tenant that some credential was checked against.
type ID struct {
	u uuid.UUID
}

// UUID returns the ID as a UUID for storage and wire formats.
func (id ID) UUID() uuid.UUID { return id.u }

// String returns the canonical textual form.
func (id ID) String() string { return id.u.String() }

// IsZero reports whether id is the zero value (no tenant).
func (id ID) IsZero() bool { return id.u == uuid.Nil }

// MarshalText writes the ID in its canonical form; there is deliberately no UnmarshalText.
func (id ID) MarshalText() ([]byte, error) { return []byte(id.u.String()), nil }
