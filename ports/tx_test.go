package ports_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// scopes is a Transactor that records which scope ran, for which tenant, and hands fn a ctx
// of its own; fail makes the scope itself fail after fn returns.
type scopes struct {
	ran    []string
	tenant tenants.ID
	fail   error
}

type scopeKey struct{}

func (s *scopes) run(ctx context.Context, name string, tenant tenants.ID, fn func(ctx context.Context) error) error {
	s.ran = append(s.ran, name)
	s.tenant = tenant
	if err := fn(context.WithValue(ctx, scopeKey{}, name)); err != nil {
		return err
	}
	return s.fail
}

func (s *scopes) InTenant(ctx context.Context, tenant tenants.ID, fn func(ctx context.Context) error) error {
	return s.run(ctx, "write", tenant, fn)
}

func (s *scopes) ReadInTenant(ctx context.Context, tenant tenants.ID, fn func(ctx context.Context) error) error {
	return s.run(ctx, "read", tenant, fn)
}

func (s *scopes) InUser(context.Context, uuid.UUID, string, func(ctx context.Context) error) error {
	return errors.New("not a tenant scope")
}

func TestOneValueScopes(t *testing.T) {
	t.Parallel()

	helpers := map[string]func(context.Context, ports.Transactor, tenants.ID, func(context.Context) (string, error)) (string, error){
		"read":  ports.ReadInTenant[string],
		"write": ports.InTenant[string],
	}
	for scope, helper := range helpers {
		t.Run(scope+" returns the value produced in its own scope", func(t *testing.T) {
			t.Parallel()
			tx, tenant := &scopes{}, tenants.NewID()
			got, err := helper(context.Background(), tx, tenant, func(ctx context.Context) (string, error) {
				return "value in " + ctx.Value(scopeKey{}).(string), nil
			})
			require.NoError(t, err)
			require.Equal(t, "value in "+scope, got)
			require.Equal(t, []string{scope}, tx.ran)
			require.Equal(t, tenant, tx.tenant)
		})
		t.Run(scope+" returns the closure's error", func(t *testing.T) {
			t.Parallel()
			boom := errors.New("boom")
			_, err := helper(context.Background(), &scopes{}, tenants.NewID(), func(context.Context) (string, error) {
				return "", boom
			})
			require.ErrorIs(t, err, boom)
		})
		t.Run(scope+" returns the scope's own error", func(t *testing.T) {
			t.Parallel()
			commit := errors.New("commit failed")
			_, err := helper(context.Background(), &scopes{fail: commit}, tenants.NewID(), func(context.Context) (string, error) {
				return "value", nil
			})
			require.ErrorIs(t, err, commit)
		})
	}
}

// conflicting is a Transactor whose first runs lose to a concurrent transaction.
type conflicting struct {
	scopes
	losses int
}

func (c *conflicting) InTenant(ctx context.Context, tenant tenants.ID, fn func(ctx context.Context) error) error {
	err := c.run(ctx, "write", tenant, fn)
	if err == nil && c.losses > 0 {
		c.losses--
		return fmt.Errorf("commit: %w", ports.ErrTxConflict)
	}
	return err
}

func TestInTenantRetryingRunsAConflictingTransactionAgain(t *testing.T) {
	t.Parallel()
	tenant := tenants.NewID()
	runs := 0
	count := func(context.Context) error { runs++; return nil }

	c := &conflicting{losses: 2}
	require.NoError(t, ports.InTenantRetrying(context.Background(), c, tenant, count), "the third run wins")
	require.Equal(t, 3, runs)

	runs, c = 0, &conflicting{losses: 5}
	require.ErrorIs(t, ports.InTenantRetrying(context.Background(), c, tenant, count), ports.ErrTxConflict, "three runs at most")
	require.Equal(t, 3, runs)

	refused := errors.New("refused")
	runs = 0
	require.ErrorIs(t, ports.InTenantRetrying(context.Background(), &conflicting{losses: 5}, tenant, func(context.Context) error {
		runs++
		return refused
	}), refused, "another error is not retried")
	require.Equal(t, 1, runs)
}
