package apikey_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/apikey"
)

func TestNewKeyTokenCarriesIDsAndChecks(t *testing.T) {
	t.Parallel()
	tenant := uuid.New()
	k, token, err := apikey.New(tenant, " POS integration ", access.RoleStoreStaff, time.Now())
	require.NoError(t, err)
	require.Equal(t, "POS integration", k.Name)
	require.True(t, strings.HasPrefix(token, k.DisplayPrefix()), "token %s starts with its display prefix %s", token, k.DisplayPrefix())
	require.NotContains(t, string(k.SecretHash), token)

	id, tn, err := apikey.Parse(token)
	require.NoError(t, err)
	require.Equal(t, k.ID, id)
	require.Equal(t, tenant, tn)
	require.NoError(t, k.Check(token, time.Now()))
}

func TestCheckRefusesOtherTokensAndRevokedKeys(t *testing.T) {
	t.Parallel()
	k, token, err := apikey.New(uuid.New(), "bi", access.RoleAnalyst, time.Now())
	require.NoError(t, err)
	_, other, err := apikey.New(k.TenantID, "bi", access.RoleAnalyst, time.Now())
	require.NoError(t, err)
	require.ErrorIs(t, k.Check(other, time.Now()), apikey.ErrInvalid)

	k.Revoke(time.Now())
	require.ErrorIs(t, k.Check(token, time.Now()), apikey.ErrRevoked)
}

func TestParseRefusesMalformedTokens(t *testing.T) {
	t.Parallel()
	for name, token := range map[string]string{
		"empty":          "",
		"no prefix":      "abc",
		"bad base64":     apikey.TokenPrefix + "!!!",
		"short payload":  apikey.TokenPrefix + "AAAA",
		"foreign prefix": "sk_live_" + strings.Repeat("A", 86),
	} {
		_, _, err := apikey.Parse(token)
		require.ErrorIs(t, err, apikey.ErrMalformed, name)
	}
}

func TestNewRefusesBadNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"", "   ", strings.Repeat("名", 101)} {
		_, _, err := apikey.New(uuid.New(), name, access.RoleAdmin, time.Now())
		require.ErrorIs(t, err, apikey.ErrName)
	}
}

func TestRotationKeepsTheOldKeyForTheOverlapOnly(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	old, oldToken, err := apikey.New(uuid.New(), "pos", access.RoleStoreStaff, now)
	require.NoError(t, err)
	next, nextToken, err := old.Successor(now, time.Hour)
	require.NoError(t, err)
	require.Equal(t, old.Name, next.Name)
	require.Equal(t, old.Role, next.Role)
	require.NotEqual(t, old.ID, next.ID)

	require.NoError(t, old.Check(oldToken, now.Add(59*time.Minute)))
	require.ErrorIs(t, old.Check(oldToken, now.Add(time.Hour)), apikey.ErrExpired)
	require.NoError(t, next.Check(nextToken, now.Add(30*24*time.Hour)))

	_, _, err = old.Successor(now.Add(2*time.Hour), time.Hour)
	require.ErrorIs(t, err, apikey.ErrExpired, "an expired key cannot be rotated")

	long, _, err := apikey.New(uuid.New(), "crm", access.RoleAdmin, now)
	require.NoError(t, err)
	_, _, err = long.Successor(now, 365*24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, now.Add(apikey.MaxOverlap), *long.ExpiresAt, "the overlap is capped")
}
