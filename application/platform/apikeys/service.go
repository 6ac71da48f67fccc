// Package apikeys is the use cases of partner API keys: issue, list, rotate, revoke, and
// authenticate a request that presents one.
package apikeys

import (
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/apikey"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Errors of the API key use cases.
var (
	// ErrUnauthenticated covers every reason a presented key is refused (malformed, unknown,
	// wrong secret, revoked, expired, unknown tenant) so callers cannot tell them apart.
	ErrUnauthenticated = errors.New("invalid API key")
	// ErrEscalation refuses a key whose role holds permissions its creator lacks.
	ErrEscalation = errors.New("cannot issue a key with permissions you do not hold")
	// ErrUnknownRole refuses a role that is neither built in nor defined by the tenant.
	ErrUnknownRole = errors.New("unknown role")
)

// Principal is who an authenticated request acts as.
type Principal struct {
	Tenant tenants.Tenant
	KeyID  uuid.UUID
	Prefix string
	Role   access.Role
}

// Created is a new key with its token, which is shown once and never again.
type Created struct {
	Key   apikey.Key
	Token string
}

// verifiedTTL bounds how long one process trusts a verified key without reading it again;
// revocations and rotations also reach every process at once through change notices.
const verifiedTTL = 10 * time.Second

// maxVerified bounds the verified-key cache; past it the cache starts afresh.
const maxVerified = 10000

// Deps are the ports the service uses.
type Deps struct {
	Tx         ports.Transactor
	Keys       ports.APIKeyRepository
	Roles      ports.RoleRepository
	Authorizer ports.Authorizer
	Audit      ports.AuditLog
	Notifier   ports.Notifier
	Tenants    *tenants.Directory
	Clock      ports.Clock
}

// Service runs the API key use cases.
type Service struct {
	d Deps

	mu       sync.Mutex
	verified map[[32]byte]verifiedKey
}

type verifiedKey struct {
	tenant     uuid.UUID
	keyID      uuid.UUID
	prefix     string
	role       access.Role
	keyExpires *time.Time
	until      time.Time
}

// NewService returns the API key service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{d: d, verified: map[[32]byte]verifiedKey{}}
}

type keyView struct {
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	Role      string     `json:"role"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

func snapshot(k apikey.Key) keyView {
	return keyView{Name: k.Name, Prefix: k.DisplayPrefix(), Role: k.Role.String(), RevokedAt: k.RevokedAt, ExpiresAt: k.ExpiresAt}
}

// Create issues a key for tenant. actorRoles are the creator's (nil for the platform
// operator, who may issue any role).
func (s *Service) Create(ctx context.Context, tenant tenants.ID, actorRoles []access.Role, name string, role access.Role) (Created, error) {
	k, token, err := apikey.New(tenant.UUID(), name, role, s.d.Clock.Now())
	if err != nil {
		return Created{}, err
	}
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if err := s.checkRole(ctx, tenant, actorRoles, role); err != nil {
			return err
		}
		if err := s.d.Keys.Insert(ctx, k); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "api_key.create", TargetType: "api_key", TargetID: k.ID.String(), After: snapshot(k)})
	})
	return Created{Key: k, Token: token}, err
}

func (s *Service) checkRole(ctx context.Context, tenant tenants.ID, actorRoles []access.Role, role access.Role) error {
	if !role.Builtin() {
		if _, err := s.d.Roles.Get(ctx, role.String()); errors.Is(err, ports.ErrRoleNotFound) {
			return ErrUnknownRole
		} else if err != nil {
			return err
		}
	}
	if actorRoles == nil {
		return nil
	}
	held, err := s.d.Authorizer.Permissions(ctx, tenant, actorRoles)
	if err != nil {
		return err
	}
	wanted, err := s.d.Authorizer.Permissions(ctx, tenant, []access.Role{role})
	if err != nil {
		return err
	}
	if !access.Covers(held, wanted) {
		return ErrEscalation
	}
	return nil
}

// List returns a page of tenant's keys, newest first.
func (s *Service) List(ctx context.Context, tenant tenants.ID, page ports.Page) ([]apikey.Key, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) ([]apikey.Key, error) {
		return s.d.Keys.List(ctx, page)
	})
}

// Get returns one of tenant's keys.
func (s *Service) Get(ctx context.Context, tenant tenants.ID, id uuid.UUID) (apikey.Key, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) (apikey.Key, error) {
		return s.d.Keys.Get(ctx, id)
	})
}

// Revoke stops a key from working everywhere at once; revoking a revoked key changes nothing.
func (s *Service) Revoke(ctx context.Context, tenant tenants.ID, id uuid.UUID) (apikey.Key, error) {
	var out apikey.Key
	err := s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		var before apikey.Key
		var err error
		out, err = s.d.Keys.Update(ctx, id, func(k *apikey.Key) error {
			before = *k
			k.Revoke(s.d.Clock.Now())
			return nil
		})
		if err != nil || before.RevokedAt != nil {
			return err
		}
		if err := s.d.Notifier.Notify(ctx, ports.TopicAPIKey, id.String()); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "api_key.revoke", TargetType: "api_key", TargetID: id.String(),
			Before: snapshot(before), After: snapshot(out)})
	})
	if err == nil {
		s.Forget(id.String())
	}
	return out, err
}

// Rotate issues a successor of a key with the same name and role; the old key keeps working
// for overlap (at most apikey.MaxOverlap) so partners can switch without downtime.
func (s *Service) Rotate(ctx context.Context, tenant tenants.ID, id uuid.UUID, overlap time.Duration) (Created, error) {
	var c Created
	err := s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		var before apikey.Key
		old, err := s.d.Keys.Update(ctx, id, func(k *apikey.Key) error {
			before = *k
			var err error
			c.Key, c.Token, err = k.Successor(s.d.Clock.Now(), overlap)
			return err
		})
		if err != nil {
			return err
		}
		if err := s.d.Keys.Insert(ctx, c.Key); err != nil {
			return err
		}
		if err := s.d.Notifier.Notify(ctx, ports.TopicAPIKey, id.String()); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "api_key.rotate", TargetType: "api_key", TargetID: id.String(),
			Before: snapshot(before), After: map[string]any{"old": snapshot(old), "successor_id": c.Key.ID, "successor": snapshot(c.Key)}})
	})
	if err == nil {
		s.Forget(id.String())
	}
	return c, err
}

// Authenticate checks a presented token and returns who it acts as. A key of a suspended
// tenant authenticates but the error is tenants.ErrSuspended.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	sum := sha256.Sum256([]byte(token))
	now := s.d.Clock.Now()
	s.mu.Lock()
	v, ok := s.verified[sum]
	s.mu.Unlock()
	if !ok || !now.Before(v.until) {
		var err error
		if v, err = s.verify(ctx, token, now); err != nil {
			return Principal{}, err
		}
		v.until = now.Add(verifiedTTL)
		s.mu.Lock()
		if len(s.verified) >= maxVerified {
			s.verified = map[[32]byte]verifiedKey{}
		}
		s.verified[sum] = v
		s.mu.Unlock()
	}
	if v.keyExpires != nil && !now.Before(*v.keyExpires) {
		return Principal{}, ErrUnauthenticated
	}
	t, err := s.d.Tenants.Resolve(ctx, v.tenant)
	if err != nil {
		return Principal{}, err
	}
	p := Principal{Tenant: t, KeyID: v.keyID, Prefix: v.prefix, Role: v.role}
	if !t.Active() {
		return p, tenants.ErrSuspended
	}
	return p, nil
}

func (s *Service) verify(ctx context.Context, token string, now time.Time) (verifiedKey, error) {
	keyID, tenantID, err := apikey.Parse(token)
	if err != nil {
		return verifiedKey{}, ErrUnauthenticated
	}
	t, err := s.d.Tenants.Resolve(ctx, tenantID)
	if errors.Is(err, tenants.ErrNotFound) {
		return verifiedKey{}, ErrUnauthenticated
	}
	if err != nil {
		return verifiedKey{}, err
	}
	k, err := ports.ReadInTenant(ctx, s.d.Tx, t.ID, func(ctx context.Context) (apikey.Key, error) {
		return s.d.Keys.Get(ctx, keyID)
	})
	if errors.Is(err, apikey.ErrNotFound) {
		return verifiedKey{}, ErrUnauthenticated
	}
	if err != nil {
		return verifiedKey{}, err
	}
	if err := k.Check(token, now); err != nil {
		return verifiedKey{}, ErrUnauthenticated
	}
	// Record the use; a failure to record must not refuse a valid key.
	_ = s.d.Tx.InTenant(ctx, t.ID, func(ctx context.Context) error { return s.d.Keys.Touch(ctx, k.ID, now) })
	return verifiedKey{tenant: tenantID, keyID: k.ID, prefix: k.DisplayPrefix(), role: k.Role, keyExpires: k.ExpiresAt}, nil
}

// Forget drops a key ("*": every key) from this process's verified cache; change notices call
// it in every process.
func (s *Service) Forget(keyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if keyID == "*" {
		clear(s.verified)
		return
	}
	for sum, v := range s.verified {
		if v.keyID.String() == keyID {
			delete(s.verified, sum)
		}
	}
}
