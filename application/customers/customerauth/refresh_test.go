package customerauth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

func TestAnExpiredTokenIsRefusedAndTheRefreshTokenGetsTheNext(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)
	login, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(login.RefreshToken, customerauth.RefreshPrefix))
	require.Equal(t, b.clock.Now().Add(customerauth.RefreshTTL), login.RefreshExpiresAt)

	b.clock.Advance(customerauth.TokenTTL)
	_, err = b.svc.Authenticate(t.Context(), login.Token)
	require.ErrorIs(t, err, customerauth.ErrTokenExpired, "two hours on, the customer token has expired")

	next, err := b.svc.Refresh(t.Context(), tn.ID, login.RefreshToken)
	require.NoError(t, err)
	require.Equal(t, login.CustomerID, next.CustomerID)
	require.Equal(t, b.clock.Now().Add(customerauth.TokenTTL), next.ExpiresAt)
	require.Equal(t, b.clock.Now().Add(customerauth.RefreshTTL), next.RefreshExpiresAt, "each refresh gives 30 days again")
	require.NotEqual(t, login.RefreshToken, next.RefreshToken, "rotated")
	who, err := b.svc.Authenticate(t.Context(), next.Token)
	require.NoError(t, err)
	require.Equal(t, login.CustomerID, who.CustomerID)

	// Refreshing every 29 days keeps the family alive up to 90 days after the login, not beyond.
	token := next.RefreshToken
	for range 3 {
		b.clock.Advance(29 * 24 * time.Hour)
		r, err := b.svc.Refresh(t.Context(), tn.ID, token)
		require.NoError(t, err)
		token = r.RefreshToken
	}
	b.clock.Advance(29 * 24 * time.Hour)
	_, err = b.svc.Refresh(t.Context(), tn.ID, token)
	require.ErrorIs(t, err, customerauth.ErrRefreshExpired, "90 days after the login the Mini Program logs in again")

	// An unused token expires after 30 days.
	again, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)
	b.clock.Advance(customerauth.RefreshTTL)
	_, err = b.svc.Refresh(t.Context(), tn.ID, again.RefreshToken)
	require.ErrorIs(t, err, customerauth.ErrRefreshExpired)
	require.ErrorIs(t, err, customerauth.ErrUnauthenticated)
}

func TestAReusedRefreshTokenIsRefusedAndRevokesItsFamily(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)
	login, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)
	b.clock.Advance(time.Minute)
	next, err := b.svc.Refresh(t.Context(), tn.ID, login.RefreshToken)
	require.NoError(t, err)

	// The first token comes back: someone copied it. Refused, and the whole family goes with it.
	b.clock.Advance(time.Minute)
	_, err = b.svc.Refresh(t.Context(), tn.ID, login.RefreshToken)
	require.ErrorIs(t, err, customerauth.ErrRefreshReused)
	_, err = b.svc.Refresh(t.Context(), tn.ID, next.RefreshToken)
	require.ErrorIs(t, err, customerauth.ErrRefreshRevoked, "the legitimate holder's newer token is revoked too")
	_, err = b.svc.Authenticate(t.Context(), next.Token)
	require.ErrorIs(t, err, customerauth.ErrTokenRevoked, "and the customer tokens issued until then")

	// A new login starts a new family.
	b.clock.Advance(time.Second)
	fresh, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)
	_, err = b.svc.Authenticate(t.Context(), fresh.Token)
	require.NoError(t, err)
	_, err = b.svc.Refresh(t.Context(), tn.ID, fresh.RefreshToken)
	require.NoError(t, err)
}

func TestRefreshTokensAreTheBrandsAndFollowCutOffs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mine := b.brand(t, miniApp)
	theirs := b.brand(t, otherApp)
	login, err := b.svc.Login(t.Context(), mine.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)

	_, err = b.svc.Refresh(t.Context(), theirs.ID, login.RefreshToken)
	require.ErrorIs(t, err, customerauth.ErrRefreshInvalid, "another brand's token")
	_, err = b.svc.Refresh(t.Context(), tenants.NewID(), login.RefreshToken)
	require.ErrorIs(t, err, customerauth.ErrRefreshInvalid)
	for _, forged := range []string{"", login.Token, "ecr_", login.RefreshToken[:len(login.RefreshToken)-2] + "AA",
		strings.Replace(login.RefreshToken, "ecr_", "ect_", 1)} {
		_, err = b.svc.Refresh(t.Context(), mine.ID, forged)
		require.ErrorIs(t, err, customerauth.ErrRefreshInvalid, "%q", forged)
	}

	// An admin cuts the customer's tokens off (re-authorise, disconnect): the login's refresh
	// tokens stop too, until the customer logs in again.
	b.clock.Advance(time.Minute)
	require.NoError(t, b.db.InTenant(t.Context(), mine.ID, func(ctx context.Context) error { return b.svc.CutOff(ctx, login.CustomerID) }))
	b.clock.Advance(time.Second)
	_, err = b.svc.Refresh(t.Context(), mine.ID, login.RefreshToken)
	require.ErrorIs(t, err, customerauth.ErrRefreshRevoked)
	fresh, err := b.svc.Login(t.Context(), mine.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)
	_, err = b.svc.Refresh(t.Context(), mine.ID, fresh.RefreshToken)
	require.NoError(t, err)
}

func TestDevelopmentLoginSignsAKnownCustomerInOutsideProduction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)
	name := "王小明"
	c, err := b.customers.Create(t.Context(), tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)

	login, err := b.svc.DevelopmentLogin(t.Context(), tn.ID, c.ID)
	require.NoError(t, err)
	who, err := b.svc.Authenticate(t.Context(), login.Token)
	require.NoError(t, err)
	require.Equal(t, c.ID, who.CustomerID)
	_, err = b.svc.Refresh(t.Context(), tn.ID, login.RefreshToken)
	require.NoError(t, err)

	other := b.brand(t, otherApp)
	_, err = b.svc.DevelopmentLogin(t.Context(), other.ID, c.ID)
	require.ErrorIs(t, err, ports.ErrCustomerNotFound, "another brand's customer")

	production := b.productionService(t)
	_, err = production.DevelopmentLogin(t.Context(), tn.ID, c.ID)
	require.ErrorIs(t, err, customerauth.ErrDevelopmentOnly)
}
