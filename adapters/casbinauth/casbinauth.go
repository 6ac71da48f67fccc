// Package casbinauth implements the authorizer port with casbin: role-based access control
// with domains, the domain being the tenant. Built-in roles' grants apply in every domain ("*");
// a tenant's custom roles are policies in PostgreSQL, loaded through this package's adapter
// inside the tenant's own transaction, and reloaded when a change notice says they changed.
package casbinauth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// modelText: a request is (role, tenant, resource, action); a policy grants a role an action on
// a resource in one tenant or, for built-in roles, in all of them.
const modelText = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.sub == p.sub && (p.dom == r.dom || p.dom == "*") && r.obj == p.obj && r.act == p.act
`

// Store is what the authorizer reads custom roles through: tenant scopes, and the tenant of a
// transaction a check runs inside.
type Store interface {
	ports.Transactor
	ports.TxLocals
}

// Authorizer implements ports.Authorizer with one enforcer per tenant, loaded on first use.
type Authorizer struct {
	tx    Store
	roles ports.RoleRepository
	model model.Model

	mu       sync.Mutex
	policies map[uuid.UUID]*tenantPolicy
}

// tenantPolicy is one tenant's loaded enforcer and the decisions it already made: casbin's
// expression evaluation is the costly part of a request, and a decision only changes when the
// tenant's policies do, which drops the whole entry.
type tenantPolicy struct {
	enforcer  *casbin.SyncedEnforcer
	decisions sync.Map // "role\x00resource:action" -> bool
}

var _ ports.Authorizer = (*Authorizer)(nil)

// New returns an authorizer reading custom roles through roles in tenant transactions.
func New(tx Store, roles ports.RoleRepository) (*Authorizer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, err
	}
	return &Authorizer{tx: tx, roles: roles, model: m, policies: map[uuid.UUID]*tenantPolicy{}}, nil
}

// Allowed implements ports.Authorizer.
func (a *Authorizer) Allowed(ctx context.Context, tenant tenants.ID, roles []access.Role, perm access.Permission) (bool, error) {
	p, err := a.policy(ctx, tenant)
	if err != nil {
		return false, err
	}
	for _, r := range roles {
		key := r.String() + "\x00" + string(perm)
		if ok, seen := p.decisions.Load(key); seen {
			if ok.(bool) {
				return true, nil
			}
			continue
		}
		ok, err := p.enforcer.Enforce(r.String(), tenant.String(), perm.Resource(), perm.Action())
		if err != nil {
			return false, err
		}
		p.decisions.Store(key, ok)
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// Permissions implements ports.Authorizer.
func (a *Authorizer) Permissions(ctx context.Context, tenant tenants.ID, roles []access.Role) ([]access.Permission, error) {
	var out []access.Permission
	for _, p := range access.Permissions() {
		ok, err := a.Allowed(ctx, tenant, roles, p)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// Invalidate drops tenant's loaded policies ("*": every tenant's); the next check reloads them.
func (a *Authorizer) Invalidate(tenant string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if tenant == "*" {
		clear(a.policies)
		return
	}
	if id, err := uuid.Parse(tenant); err == nil {
		delete(a.policies, id)
	}
}

func (a *Authorizer) policy(ctx context.Context, tenant tenants.ID) (*tenantPolicy, error) {
	a.mu.Lock()
	p, ok := a.policies[tenant.UUID()]
	a.mu.Unlock()
	if ok {
		return p, nil
	}
	// A check inside one of the tenant's transactions (a use case refusing an escalation before
	// it writes) cannot open another scope: it reads the roles in that transaction, and the
	// result is not kept, since the transaction may yet change them or roll back.
	if inTx, err := a.tx.Tenant(ctx); err == nil {
		if inTx != tenant {
			return nil, fmt.Errorf("casbinauth: policies of tenant %s asked inside a transaction of tenant %s", tenant, inTx)
		}
		return a.load(tenant, func(read func(ctx context.Context) error) error { return read(ctx) })
	}
	p, err := a.load(tenant, func(read func(ctx context.Context) error) error {
		return a.tx.ReadInTenant(context.WithoutCancel(ctx), tenant, read)
	})
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.policies[tenant.UUID()] = p
	a.mu.Unlock()
	return p, nil
}

// load builds tenant's enforcer, its custom roles read in the scope inScope provides.
func (a *Authorizer) load(tenant tenants.ID, inScope func(read func(ctx context.Context) error) error) (*tenantPolicy, error) {
	e, err := casbin.NewSyncedEnforcer(a.model.Copy(), &adapter{inScope: inScope, roles: a.roles, tenant: tenant})
	if err != nil {
		return nil, fmt.Errorf("load policies of tenant %s: %w", tenant, err)
	}
	e.EnableAutoSave(false)
	return &tenantPolicy{enforcer: e}, nil
}

// ErrReadOnlyPolicies is returned by the adapter's write methods: policies are changed through
// the roles repository (audited, in a transaction), never through casbin.
var ErrReadOnlyPolicies = errors.New("casbinauth: policies are edited through the roles repository")

// adapter is casbin's persist.Adapter for one tenant: built-in grants plus the tenant's roles.
type adapter struct {
	inScope func(read func(ctx context.Context) error) error
	roles   ports.RoleRepository
	tenant  tenants.ID
}

var _ persist.Adapter = (*adapter)(nil)

// LoadPolicy implements persist.Adapter.
func (ad *adapter) LoadPolicy(m model.Model) error {
	for _, r := range access.BuiltinRoles {
		for _, p := range access.BuiltinGrants(r) {
			if err := persist.LoadPolicyArray([]string{"p", r.String(), "*", p.Resource(), p.Action()}, m); err != nil {
				return err
			}
		}
	}
	var custom []ports.CustomRole
	err := ad.inScope(func(ctx context.Context) error {
		var err error
		custom, err = ad.roles.List(ctx)
		return err
	})
	if err != nil {
		return err
	}
	for _, r := range custom {
		// A tenant cannot redefine a built-in role.
		if slices.ContainsFunc(access.BuiltinRoles, func(b access.Role) bool { return b.String() == r.Name }) {
			continue
		}
		for _, p := range r.Permissions {
			if err := persist.LoadPolicyArray([]string{"p", r.Name, ad.tenant.String(), p.Resource(), p.Action()}, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// SavePolicy implements persist.Adapter.
func (ad *adapter) SavePolicy(model.Model) error { return ErrReadOnlyPolicies }

// AddPolicy implements persist.Adapter.
func (ad *adapter) AddPolicy(string, string, []string) error { return ErrReadOnlyPolicies }

// RemovePolicy implements persist.Adapter.
func (ad *adapter) RemovePolicy(string, string, []string) error { return ErrReadOnlyPolicies }

// RemoveFilteredPolicy implements persist.Adapter.
func (ad *adapter) RemoveFilteredPolicy(string, string, int, ...string) error {
	return ErrReadOnlyPolicies
}
