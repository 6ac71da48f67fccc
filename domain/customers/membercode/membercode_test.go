package membercode_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/membercode"
)

var key = []byte("a member code key of 32 bytes...")

func TestCodeIsValidInItsMinuteAndTheNext(t *testing.T) {
	t.Parallel()
	s, err := membercode.NewSigner(key)
	require.NoError(t, err)
	tenant, customer := uuid.New(), uuid.New()
	at := time.Date(2026, 5, 1, 9, 0, 30, 0, time.UTC)
	code, until := s.Issue(tenant, customer, at)
	require.True(t, strings.HasPrefix(code, membercode.Prefix))
	require.Less(t, len(code), 80, "short enough for a small QR code")
	require.Equal(t, time.Date(2026, 5, 1, 9, 2, 0, 0, time.UTC), until)

	c, err := s.Read(code)
	require.NoError(t, err)
	require.Equal(t, tenant, c.TenantID)
	require.Equal(t, customer, c.CustomerID)
	require.NoError(t, c.Check(at))
	require.NoError(t, c.Check(at.Add(89*time.Second)), "09:01:59 is the next minute")
	require.ErrorIs(t, c.Check(at.Add(90*time.Second)), membercode.ErrExpired)
	require.ErrorIs(t, c.Check(at.Add(-31*time.Second)), membercode.ErrNotYetValid)

	again, _ := s.Issue(tenant, customer, at.Add(29*time.Second))
	require.Equal(t, code, again, "one code per minute")
	next, _ := s.Issue(tenant, customer, at.Add(30*time.Second))
	require.NotEqual(t, code, next, "a new one the next minute")
	n, err := s.Read(next)
	require.NoError(t, err)
	require.NotEqual(t, c.EventID(), n.EventID())
	require.Equal(t, c.EventID(), c.EventID())
}

func TestForgedCodesAreRefused(t *testing.T) {
	t.Parallel()
	s, err := membercode.NewSigner(key)
	require.NoError(t, err)
	other, err := membercode.NewSigner(membercode.DeriveKey([]byte("another deployment")))
	require.NoError(t, err)
	code, _ := s.Issue(uuid.New(), uuid.New(), time.Now())
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(code, membercode.Prefix))
	require.NoError(t, err)
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 1
		return membercode.Prefix + base64.RawURLEncoding.EncodeToString(b)
	}
	theirs, _ := other.Issue(uuid.New(), uuid.New(), time.Now())
	cases := map[string]error{
		theirs:                           membercode.ErrBadSignature,
		flip(0):                          membercode.ErrBadSignature, // tenant
		flip(20):                         membercode.ErrBadSignature, // customer
		flip(35):                         membercode.ErrBadSignature, // minute
		flip(len(raw) - 1):               membercode.ErrBadSignature,
		"":                               membercode.ErrMalformed,
		"EMC1":                           membercode.ErrMalformed,
		strings.TrimPrefix(code, "EMC1"): membercode.ErrMalformed,
		code[:len(code)-2]:               membercode.ErrMalformed,
		code + "AA":                      membercode.ErrMalformed,
		"EMC1" + strings.Repeat("*", 70): membercode.ErrMalformed,
	}
	for c, want := range cases {
		_, err := s.Read(c)
		require.ErrorIs(t, err, want, c)
	}
	_, err = membercode.NewSigner([]byte("short"))
	require.Error(t, err)
	require.Len(t, membercode.DeriveKey(key), 32)
	require.NotEqual(t, key, membercode.DeriveKey(key))
}
