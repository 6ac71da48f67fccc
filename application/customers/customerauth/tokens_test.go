package customerauth_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/tenants"
)

func TestTokenIsValidForTwoHours(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tn := b.brand(t, miniApp)
	login, err := b.svc.Login(t.Context(), tn.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(login.Token, "ect_"))

	b.clock.Advance(customerauth.TokenTTL - time.Second)
	who, err := b.svc.Authenticate(t.Context(), login.Token)
	require.NoError(t, err)
	require.Equal(t, login.CustomerID, who.CustomerID)

	b.clock.Advance(time.Second)
	_, err = b.svc.Authenticate(t.Context(), login.Token)
	require.ErrorIs(t, err, customerauth.ErrTokenExpired)
	require.ErrorIs(t, err, customerauth.ErrUnauthenticated)
}

// flip returns token with one bit changed in byte i of its decoded form.
func flip(t *testing.T, token string, i int) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, customerauth.TokenPrefix))
	require.NoError(t, err)
	raw[i] ^= 0x01
	return customerauth.TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
}

func TestForgedTokensAreRefused(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	tokens, err := customerauth.NewTokens(testTokenKey, clk)
	require.NoError(t, err)
	tn := tenants.NewID()
	token, claims := tokens.Issue(tn, uuid.New())
	got, err := tokens.Verify(token)
	require.NoError(t, err)
	require.Equal(t, claims, got)

	otherKey, err := customerauth.NewTokens([]byte("another deployment's token key.."), clk)
	require.NoError(t, err)
	theirs, _ := otherKey.Issue(tn, claims.CustomerID)
	decoded, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, "ect_"))

	forged := map[string]string{
		"signed with another key":     theirs,
		"version changed":             flip(t, token, 0),
		"tenant changed":              flip(t, token, 1),
		"customer changed":            flip(t, token, 17),
		"expiry pushed back":          flip(t, token, 56),
		"signature changed":           flip(t, token, len(decoded)-1),
		"no prefix":                   strings.TrimPrefix(token, "ect_"),
		"API key prefix":              "egk_" + strings.TrimPrefix(token, "ect_"),
		"truncated":                   token[:len(token)-4],
		"extended":                    token + "AAAA",
		"not Base64url":               "ect_" + strings.Repeat("*", 119),
		"empty":                       "",
		"payload without signature":   "ect_" + base64.RawURLEncoding.EncodeToString(decoded[:57]),
		"signature without payload":   "ect_" + base64.RawURLEncoding.EncodeToString(decoded[57:]),
		"standard Base64 of the same": "ect_" + base64.StdEncoding.EncodeToString(decoded),
	}
	for name, f := range forged {
		_, err := tokens.Verify(f)
		require.ErrorIs(t, err, customerauth.ErrUnauthenticated, name)
	}

	_, err = customerauth.NewTokens([]byte("short"), clk)
	require.Error(t, err, "a key shorter than 32 bytes is refused")
}

func TestAnotherTenantsTokenIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mine := b.brand(t, miniApp)
	theirs := b.brand(t, otherApp)
	login, err := b.svc.Login(t.Context(), mine.ID, b.wx.IssueCode(miniApp, "o-mp-1", ""))
	require.NoError(t, err)
	tokens, err := customerauth.NewTokens(testTokenKey, b.clock)
	require.NoError(t, err)

	// Validly signed, but naming the other brand with this brand's customer: the customer is
	// not found in that brand, so the token is worth nothing there.
	crossed, _ := tokens.Issue(theirs.ID, login.CustomerID)
	_, err = b.svc.Authenticate(t.Context(), crossed)
	require.ErrorIs(t, err, customerauth.ErrUnauthenticated)

	ghost, _ := tokens.Issue(tenants.NewID(), login.CustomerID)
	_, err = b.svc.Authenticate(t.Context(), ghost)
	require.ErrorIs(t, err, customerauth.ErrUnauthenticated, "a brand this deployment does not have")

	who, err := b.svc.Authenticate(t.Context(), login.Token)
	require.NoError(t, err)
	require.Equal(t, mine.ID, who.Tenant.ID)

	_, err = b.dir.Suspend(t.Context(), mine.Slug)
	require.NoError(t, err)
	_, err = b.svc.Authenticate(t.Context(), login.Token)
	require.ErrorIs(t, err, tenants.ErrSuspended)
}

func TestDeriveKeyIsStableAndOwnToCustomerTokens(t *testing.T) {
	t.Parallel()
	k := customerauth.DeriveKey("egp_platform")
	require.Len(t, k, customerauth.MinKeyLen)
	require.Equal(t, k, customerauth.DeriveKey("egp_platform"))
	require.NotEqual(t, k, customerauth.DeriveKey("egp_other"))
}
