package platformdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

func (b *testBundle) adminUser(t *testing.T, email string) ports.AdminUser {
	t.Helper()
	u := ports.AdminUser{ID: uuid.New(), IdentityID: "test:" + email, Email: email}
	require.NoError(t, platformdb.NewAdminUsers(b.db).Insert(context.Background(), u))
	return u
}

func (b *testBundle) member(t *testing.T, tn tenants.Tenant, u ports.AdminUser, roles ...access.Role) {
	t.Helper()
	require.NoError(t, b.db.InTenant(context.Background(), tn.ID, func(ctx context.Context) error {
		return platformdb.Memberships{}.Put(ctx, ports.Membership{UserID: u.ID, Roles: roles})
	}))
}

// A user sees their own memberships in every tenant; a tenant sees only its members.
func TestMembershipsAreSeenByTheirTenantAndTheirUserOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	a, c, other := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	me, someone := b.adminUser(t, "me@x.example"), b.adminUser(t, "someone@x.example")
	b.member(t, a, me, access.RoleOwner)
	b.member(t, c, me, access.RoleAnalyst)
	b.member(t, other, someone, access.RoleOwner)

	require.NoError(t, b.db.InUser(ctx, me.ID, me.Email, func(ctx context.Context) error {
		ms, err := platformdb.Memberships{}.List(ctx)
		require.NoError(t, err)
		require.Len(t, ms, 2)
		for _, m := range ms {
			require.Equal(t, me.ID, m.UserID)
		}
		return nil
	}))
	// Visibility is not write access: a user scope cannot add itself anywhere.
	err := b.db.InUser(ctx, me.ID, me.Email, func(ctx context.Context) error {
		return platformdb.Memberships{}.Put(ctx, ports.Membership{UserID: me.ID, Roles: []access.Role{access.RoleOwner}})
	})
	require.ErrorContains(t, err, "row-level security")
	require.NoError(t, b.db.InTenant(ctx, other.ID, func(ctx context.Context) error {
		ms, err := platformdb.Memberships{}.List(ctx)
		require.NoError(t, err)
		require.Len(t, ms, 1)
		require.Equal(t, someone.ID, ms[0].UserID)
		_, err = platformdb.Memberships{}.Get(ctx, me.ID)
		require.ErrorIs(t, err, ports.ErrMembershipNotFound)
		require.ErrorIs(t, platformdb.Memberships{}.Delete(ctx, me.ID), ports.ErrMembershipNotFound)
		return nil
	}))
}

// Invitations are visible to their tenant and, across tenants, to the invited email only.
func TestInvitationsAreSeenByTheirTenantAndTheInviteeOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	a, c := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	invite := func(tn tenants.Tenant, email string) uuid.UUID {
		id := uuid.New()
		require.NoError(t, b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			return platformdb.Invitations{}.Insert(ctx, ports.Invitation{ID: id, Email: email, Roles: []access.Role{access.RoleMarketer},
				InvitedBy: "test", ExpiresAt: time.Now().Add(time.Hour)})
		}))
		return id
	}
	invite(a, "new@x.example")
	invite(c, "new@x.example")
	theirs := invite(c, "else@x.example")
	u := b.adminUser(t, "new@x.example")

	require.NoError(t, b.db.InUser(ctx, u.ID, u.Email, func(ctx context.Context) error {
		is, err := platformdb.Invitations{}.List(ctx)
		require.NoError(t, err)
		require.Len(t, is, 2)
		return nil
	}))
	require.NoError(t, b.db.InTenant(ctx, a.ID, func(ctx context.Context) error {
		is, err := platformdb.Invitations{}.List(ctx)
		require.NoError(t, err)
		require.Len(t, is, 1)
		_, err = platformdb.Invitations{}.Update(ctx, theirs, func(*ports.Invitation) error { return nil })
		require.ErrorIs(t, err, ports.ErrInvitationNotFound, "another tenant's invitation cannot be changed")
		return nil
	}))
}

// A brand has one pending invitation per email, enforced by the database whoever writes: a
// second is refused until the first is revoked (or accepted); another brand may invite the same
// email; the link's hash and the replacement are kept.
func TestOnePendingInvitationPerEmailAndBrand(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	a, c := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	insert := func(tn tenants.Tenant, id uuid.UUID) error {
		return b.db.InTenant(ctx, tn.ID, func(ctx context.Context) error {
			return platformdb.Invitations{}.Insert(ctx, ports.Invitation{ID: id, Email: "twice@x.example", Roles: []access.Role{access.RoleMarketer},
				InvitedBy: "test", ExpiresAt: time.Now().Add(time.Hour), TokenHash: []byte{1, 2, 3}})
		})
	}
	first, second := uuid.New(), uuid.New()
	require.NoError(t, insert(a, first))
	require.ErrorIs(t, insert(a, second), ports.ErrInvitationPending)
	require.NoError(t, insert(c, uuid.New()), "another brand invites the same email")
	require.NoError(t, b.db.InTenant(ctx, a.ID, func(ctx context.Context) error {
		_, err := platformdb.Invitations{}.Update(ctx, first, func(i *ports.Invitation) error {
			now := time.Now()
			i.RevokedAt, i.ReplacedBy = &now, &second
			return nil
		})
		return err
	}))
	require.NoError(t, insert(a, second), "once the first is revoked")
	require.NoError(t, b.db.InTenant(ctx, a.ID, func(ctx context.Context) error {
		got, err := platformdb.Invitations{}.Get(ctx, first)
		require.NoError(t, err)
		require.Equal(t, &second, got.ReplacedBy)
		require.Equal(t, []byte{1, 2, 3}, got.TokenHash)
		return nil
	}))
}
