package secretbox_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/secretbox"
)

func keyring(t *testing.T, spec string) *secretbox.Keyring {
	t.Helper()
	k, err := secretbox.ParseKeyring(spec)
	require.NoError(t, err)
	return k
}

func TestSealOpenRoundTripWithAFreshNonceEachTime(t *testing.T) {
	t.Parallel()
	k := keyring(t, spec(t, "k1"))
	plain := []byte("wechat app secret 0123456789abcdef")
	aad := []byte("tenant-a/wechat.app_secret")

	id, a, err := k.Seal(plain, aad)
	require.NoError(t, err)
	require.Equal(t, "k1", id)
	require.Len(t, a, secretbox.NonceSize+len(plain)+16, "nonce, ciphertext and a 16-byte tag")
	require.False(t, bytes.Contains(a, plain))

	_, b, err := k.Seal(plain, aad)
	require.NoError(t, err)
	require.NotEqual(t, a[:secretbox.NonceSize], b[:secretbox.NonceSize], "a random nonce per seal")
	require.NotEqual(t, a, b)

	for _, sealed := range [][]byte{a, b} {
		got, err := k.Open(id, sealed, aad)
		require.NoError(t, err)
		require.Equal(t, plain, got)
	}
}

func TestOpenRefusesOtherAssociatedDataAndAlteredValues(t *testing.T) {
	t.Parallel()
	k := keyring(t, spec(t, "k1"))
	id, sealed, err := k.Seal([]byte("smtp password"), []byte("tenant-a/smtp.password"))
	require.NoError(t, err)

	_, err = k.Open(id, sealed, []byte("tenant-b/smtp.password"))
	require.ErrorIs(t, err, secretbox.ErrOpen, "a row moved to another tenant or name does not open")

	altered := bytes.Clone(sealed)
	altered[len(altered)-1] ^= 1
	_, err = k.Open(id, altered, []byte("tenant-a/smtp.password"))
	require.ErrorIs(t, err, secretbox.ErrOpen)

	_, err = k.Open(id, sealed[:secretbox.NonceSize+3], []byte("tenant-a/smtp.password"))
	require.ErrorIs(t, err, secretbox.ErrOpen)
	_, err = k.Open(id, nil, nil)
	require.ErrorIs(t, err, secretbox.ErrOpen)
}

func TestRotationOldKeysOpenOnlyTheCurrentSeals(t *testing.T) {
	t.Parallel()
	oldSpec, newSpec := spec(t, "old"), spec(t, "new")
	before := keyring(t, oldSpec)
	id, sealed, err := before.Seal([]byte("sms key"), []byte("aad"))
	require.NoError(t, err)
	require.Equal(t, "old", id)

	during := keyring(t, newSpec+","+oldSpec)
	require.Equal(t, "new", during.CurrentKeyID())
	plain, err := during.Open(id, sealed, []byte("aad"))
	require.NoError(t, err)
	require.Equal(t, "sms key", string(plain))
	id2, resealed, err := during.Seal(plain, []byte("aad"))
	require.NoError(t, err)
	require.Equal(t, "new", id2)

	after := keyring(t, newSpec)
	_, err = after.Open(id, sealed, []byte("aad"))
	require.ErrorIs(t, err, secretbox.ErrUnknownKey)
	require.ErrorContains(t, err, `"old"`)
	plain, err = after.Open(id2, resealed, []byte("aad"))
	require.NoError(t, err)
	require.Equal(t, "sms key", string(plain))
}

func TestAKeyIDDoesNotOpenAnotherKeysValue(t *testing.T) {
	t.Parallel()
	k := keyring(t, spec(t, "a")+","+spec(t, "b"))
	_, sealed, err := k.Seal([]byte("x"), nil)
	require.NoError(t, err)
	_, err = k.Open("b", sealed, nil)
	require.ErrorIs(t, err, secretbox.ErrOpen)
}
