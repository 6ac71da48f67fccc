// Package apikeys is the use cases of partner API keys: issue, list, revoke, and authenticate
// a request that presents one.
package apikeys

import (
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/apikey"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// ErrUnauthenticated covers every reason a presented key is refused (malformed, unknown,
// wrong secret, revoked, unknown tenant) so callers cannot tell them apart.
var ErrUnauthenticated = errors.New("invalid API key")

// Principal is who an authenticated request acts as.
type Principal struct {
	Tenant tenants.Tenant
	KeyID  uuid.UUID
	Role   access.Role
}

// Created is a new key with its token, which is shown once and never again.
type Created struct {
	Key   apikey.Key
	Token string
}

// verifiedTTL bounds how long one process trusts a verified key without reading it again, and
// so how long a revocation made through another process takes to reach this one.
const verifiedTTL = 10 * time.Second

// Service runs the API key use cases.
type Service struct {
	tx    ports.Transactor
	keys  ports.APIKeyRepository
	dir   *tenants.Directory
	clock ports.Clock

	mu       sync.Mutex
	verified map[[32]byte]verifiedKey
}

type verifiedKey struct {
	tenant  uuid.UUID
	keyID   uuid.UUID
	role    access.Role
	expires time.Time
}

// maxVerified bounds the verified-key cache; past it the cache starts afresh.
const maxVerified = 10000

// NewService returns the API key service.
func NewService(tx ports.Transactor, keys ports.APIKeyRepository, dir *tenants.Directory, clock ports.Clock) *Service {
	return &Service{tx: tx, keys: keys, dir: dir, clock: clock, verified: map[[32]byte]verifiedKey{}}
}

// Create issues a key for tenant.
func (s *Service) Create(ctx context.Context, tenant tenants.ID, name string, role access.Role) (Created, error) {
	k, token, err := apikey.New(tenant.UUID(), name, role, s.clock.Now())
	if err != nil {
		return Created{}, err
	}
	err = s.tx.InTenant(ctx, tenant, func(ctx context.Context) error { return s.keys.Insert(ctx, k) })
	return Created{Key: k, Token: token}, err
}

// List returns a page of tenant's keys, newest first.
func (s *Service) List(ctx context.Context, tenant tenants.ID, page ports.Page) ([]apikey.Key, error) {
	var out []apikey.Key
	err := s.tx.ReadInTenant(ctx, tenant, func(ctx context.Context) error {
		var err error
		out, err = s.keys.List(ctx, page)
		return err
	})
	return out, err
}

// Get returns one of tenant's keys.
func (s *Service) Get(ctx context.Context, tenant tenants.ID, id uuid.UUID) (apikey.Key, error) {
	var out apikey.Key
	err := s.tx.ReadInTenant(ctx, tenant, func(ctx context.Context) error {
		var err error
		out, err = s.keys.Get(ctx, id)
		return err
	})
	return out, err
}

// Revoke stops a key from working; revoking a revoked key changes nothing.
func (s *Service) Revoke(ctx context.Context, tenant tenants.ID, id uuid.UUID) (apikey.Key, error) {
	var out apikey.Key
	err := s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		var err error
		out, err = s.keys.Update(ctx, id, func(k *apikey.Key) error { k.Revoke(s.clock.Now()); return nil })
		return err
	})
	if err == nil {
		s.forget(id)
	}
	return out, err
}

// Authenticate checks a presented token and returns who it acts as. A key of a suspended
// tenant authenticates but the error is tenants.ErrSuspended.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	sum := sha256.Sum256([]byte(token))
	now := s.clock.Now()
	s.mu.Lock()
	v, ok := s.verified[sum]
	s.mu.Unlock()
	if !ok || now.After(v.expires) {
		var err error
		if v, err = s.verify(ctx, token); err != nil {
			return Principal{}, err
		}
		v.expires = now.Add(verifiedTTL)
		s.mu.Lock()
		if len(s.verified) >= maxVerified {
			s.verified = map[[32]byte]verifiedKey{}
		}
		s.verified[sum] = v
		s.mu.Unlock()
	}
	t, err := s.dir.Resolve(ctx, v.tenant)
	if err != nil {
		return Principal{}, err
	}
	p := Principal{Tenant: t, KeyID: v.keyID, Role: v.role}
	if !t.Active() {
		return p, tenants.ErrSuspended
	}
	return p, nil
}

func (s *Service) verify(ctx context.Context, token string) (verifiedKey, error) {
	keyID, tenantID, err := apikey.Parse(token)
	if err != nil {
		return verifiedKey{}, ErrUnauthenticated
	}
	t, err := s.dir.Resolve(ctx, tenantID)
	if errors.Is(err, tenants.ErrNotFound) {
		return verifiedKey{}, ErrUnauthenticated
	}
	if err != nil {
		return verifiedKey{}, err
	}
	var k apikey.Key
	err = s.tx.ReadInTenant(ctx, t.ID, func(ctx context.Context) error {
		k, err = s.keys.Get(ctx, keyID)
		return err
	})
	if errors.Is(err, apikey.ErrNotFound) {
		return verifiedKey{}, ErrUnauthenticated
	}
	if err != nil {
		return verifiedKey{}, err
	}
	if err := k.Check(token); err != nil {
		return verifiedKey{}, ErrUnauthenticated
	}
	return verifiedKey{tenant: tenantID, keyID: k.ID, role: k.Role}, nil
}

func (s *Service) forget(keyID uuid.UUID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sum, v := range s.verified {
		if v.keyID == keyID {
			delete(s.verified, sum)
		}
	}
}
