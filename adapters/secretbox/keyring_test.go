package secretbox_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/secretbox"
)

func spec(t *testing.T, id string) string {
	t.Helper()
	s, err := secretbox.GenerateSpec(id)
	require.NoError(t, err)
	return s
}

func TestGenerateSpecMakesAFreshParsableKey(t *testing.T) {
	t.Parallel()
	a, b := spec(t, "k1"), spec(t, "k1")
	require.NotEqual(t, a, b, "every call draws a new key")
	id, encoded, ok := strings.Cut(a, ":")
	require.True(t, ok)
	require.Equal(t, "k1", id)
	key, err := base64.StdEncoding.DecodeString(encoded)
	require.NoError(t, err)
	require.Len(t, key, secretbox.KeySize)

	k, err := secretbox.ParseKeyring(a)
	require.NoError(t, err)
	require.Equal(t, "k1", k.CurrentKeyID())

	_, err = secretbox.GenerateSpec("Bad ID")
	require.Error(t, err)
}

func TestParseKeyringFirstKeySealsTheRestOnlyOpen(t *testing.T) {
	t.Parallel()
	k, err := secretbox.ParseKeyring(" " + spec(t, "2025-06") + " , " + spec(t, "2024-01") + "," + spec(t, "a"))
	require.NoError(t, err)
	require.Equal(t, "2025-06", k.CurrentKeyID())
	require.Equal(t, []string{"2025-06", "2024-01", "a"}, k.KeyIDs())
}

func TestParseKeyringAcceptsPaddedAndUnpaddedBase64(t *testing.T) {
	t.Parallel()
	raw := make([]byte, secretbox.KeySize)
	for i := range raw {
		raw[i] = byte(i * 7)
	}
	padded := base64.StdEncoding.EncodeToString(raw)
	require.True(t, strings.HasSuffix(padded, "="), "a 32-byte key pads, so both forms are exercised")
	unpadded := base64.RawStdEncoding.EncodeToString(raw)

	a, err := secretbox.ParseKeyring("a:" + padded)
	require.NoError(t, err)
	b, err := secretbox.ParseKeyring("a:" + unpadded)
	require.NoError(t, err)

	// The same key either way: what one seals the other opens.
	id, sealed, err := a.Seal([]byte("x"), nil)
	require.NoError(t, err)
	plain, err := b.Open(id, sealed, nil)
	require.NoError(t, err)
	require.Equal(t, "x", string(plain))
}

func TestParseKeyringNamesTheFaultWithoutEchoingKeyMaterial(t *testing.T) {
	t.Parallel()
	good := spec(t, "good")
	_, goodKey, _ := strings.Cut(good, ":")
	short := base64.StdEncoding.EncodeToString([]byte("sixteen byte key"))
	cases := []struct {
		spec, want string
		secret     string // must not appear in the error
	}{
		{"", "no keys", ""},
		{"   ", "no keys", ""},
		{good + ",", "entry 2 is empty", goodKey},
		{"nocolon" + goodKey, "entry 1: expected keyID:base64key", goodKey},
		{"UPPER:" + goodKey, "entry 1: key ID must be", goodKey},
		{strings.Repeat("a", 33) + ":" + goodKey, "entry 1: key ID must be", goodKey},
		{":" + goodKey, "entry 1: key ID must be", goodKey},
		{good + "," + good, `entry 2: key ID "good" appears more than once`, goodKey},
		{"k:", `key "k": no key after the colon`, ""},
		{"k:" + short, `key "k": key is 16 bytes, want 32`, short},
		{"k:" + goodKey[:20] + "!!" + goodKey[22:], `key "k": key is not valid standard base64`, goodKey[22:]},
		{"k:" + strings.NewReplacer("+", "-", "/", "_").Replace(goodKey) + "-_", `key "k": key is not valid standard base64`, ""},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			_, err := secretbox.ParseKeyring(c.spec)
			require.ErrorContains(t, err, c.want)
			if c.secret != "" {
				require.NotContains(t, err.Error(), c.secret)
			}
		})
	}
}

func TestKeyringPrintsNoKeyMaterial(t *testing.T) {
	t.Parallel()
	s := spec(t, "cur")
	_, key, _ := strings.Cut(s, ":")
	k, err := secretbox.ParseKeyring(s)
	require.NoError(t, err)
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(format, k)
		require.NotContains(t, out, key)
		require.Contains(t, out, "cur")
	}
}
