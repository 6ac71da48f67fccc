package apikey_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/apikey"
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
	require.NoError(t, k.Check(token))
}

func TestCheckRefusesOtherTokensAndRevokedKeys(t *testing.T) {
	t.Parallel()
	k, token, err := apikey.New(uuid.New(), "bi", access.RoleAnalyst, time.Now())
	require.NoError(t, err)
	_, other, err := apikey.New(k.TenantID, "bi", access.RoleAnalyst, time.Now())
	require.NoError(t, err)
	require.ErrorIs(t, k.Check(other), apikey.ErrInvalid)

	k.Revoke(time.Now())
	require.ErrorIs(t, k.Check(token), apikey.ErrRevoked)
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
