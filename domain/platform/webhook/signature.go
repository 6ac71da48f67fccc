package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// secretPrefix starts every signing secret, as Standard Webhooks writes them.
const secretPrefix = "whsec_"

// secretSize is the number of random bytes of a signing secret.
const secretSize = 32

// Secret is an endpoint's signing secret in its shown form, "whsec_" and base64.
type Secret string

// ErrSecret is returned for a secret not of the form whsec_<base64>.
var ErrSecret = errors.New("a signing secret is whsec_ followed by base64")

// NewSecret returns a fresh random secret.
func NewSecret() Secret {
	key := make([]byte, secretSize)
	_, _ = rand.Read(key) // crypto/rand.Read never fails
	return Secret(secretPrefix + base64.StdEncoding.EncodeToString(key))
}

// key is the HMAC key: the bytes the base64 after the prefix encodes.
func (s Secret) key() ([]byte, error) {
	raw, ok := strings.CutPrefix(string(s), secretPrefix)
	if !ok {
		return nil, ErrSecret
	}
	k, err := base64.StdEncoding.DecodeString(raw)
	if err != nil || len(k) == 0 {
		return nil, ErrSecret
	}
	return k, nil
}

// Sign returns the v1 signature of a message: "v1," and the base64 of
// HMAC-SHA256(key, id + "." + timestamp + "." + body), per Standard Webhooks.
func (s Secret) Sign(id string, at time.Time, body []byte) (string, error) {
	k, err := s.key()
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte(id + "." + strconv.FormatInt(at.Unix(), 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// Standard Webhooks' headers.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// Headers are the headers of one delivery attempt of message id at time at, signed with each
// of secrets (the current one, and a rotated-out one while it still signs), space-separated.
func Headers(id string, at time.Time, body []byte, secrets ...Secret) (map[string]string, error) {
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		sig, err := s.Sign(id, at, body)
		if err != nil {
			return nil, err
		}
		sigs = append(sigs, sig)
	}
	return map[string]string{
		HeaderID:        id,
		HeaderTimestamp: strconv.FormatInt(at.Unix(), 10),
		HeaderSignature: strings.Join(sigs, " "),
		"Content-Type":  "application/json",
	}, nil
}

// NewMessageID returns a fresh webhook-id.
func NewMessageID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "msg_" + hex.EncodeToString(b)
}
