// Package membercode is the member QR code a customer shows at a store's counter to check in:
// a short string naming the brand, the customer and the minute it was made, signed with
// HMAC-SHA256 under a key only Engage holds. A code is valid in the minute it was made and
// the next, so the Mini Program shows a new one every minute and a photo of an old one is
// worth nothing.
package membercode

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Prefix starts every member code.
const Prefix = "EMC1"

// Period is how often a code changes; a code is valid for two periods.
const Period = time.Minute

// MinKeyLen is the shortest signing key accepted.
const MinKeyLen = sha256.Size

// macLen is how much of the HMAC a code carries: 128 bits keep forgery out of reach while the
// code stays short enough for a small QR code.
const macLen = 16

// payloadLen is the tenant ID, the customer ID and the minute (Unix minutes, 32 bits).
const payloadLen = 16 + 16 + 4

// Errors of reading a code.
var (
	ErrMalformed    = errors.New("not a member code")
	ErrBadSignature = errors.New("the member code's signature does not match")
	ErrExpired      = errors.New("the member code has expired; show the current one")
	ErrNotYetValid  = errors.New("the member code is from the future")
)

// Code is what a member code says.
type Code struct {
	TenantID   uuid.UUID
	CustomerID uuid.UUID
	// Minute is the Unix minute the code was made in.
	Minute int64
}

// Signer makes and reads member codes under one key.
type Signer struct{ key []byte }

// NewSigner returns a Signer with key, at least MinKeyLen bytes.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("membercode: the key must be at least %d bytes", MinKeyLen)
	}
	return &Signer{key: key}, nil
}

// DeriveKey derives the member code key from the customer token key, so that the two never
// coincide and one secret serves both.
func DeriveKey(tokenKey []byte) []byte {
	m := hmac.New(sha256.New, tokenKey)
	m.Write([]byte("engage member codes"))
	return m.Sum(nil)
}

// Issue returns the code of customer of tenant for the minute of now, and when it stops being
// valid (the end of the next minute).
func (s *Signer) Issue(tenant, customer uuid.UUID, now time.Time) (string, time.Time) {
	minute := now.Unix() / 60
	payload := make([]byte, payloadLen, payloadLen+macLen)
	copy(payload, tenant[:])
	copy(payload[16:], customer[:])
	binary.BigEndian.PutUint32(payload[32:], uint32(minute))
	code := Prefix + base64.RawURLEncoding.EncodeToString(append(payload, s.mac(payload)...))
	return code, time.Unix((minute+2)*60, 0).UTC()
}

// Read checks a code's form and signature, in constant time, and returns what it says; it does
// not check its time (see Code.Check). ErrMalformed or ErrBadSignature otherwise.
func (s *Signer) Read(code string) (Code, error) {
	encoded, ok := strings.CutPrefix(strings.TrimSpace(code), Prefix)
	if !ok {
		return Code{}, ErrMalformed
	}
	raw, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil || len(raw) != payloadLen+macLen {
		return Code{}, ErrMalformed
	}
	if !hmac.Equal(raw[payloadLen:], s.mac(raw[:payloadLen])) {
		return Code{}, ErrBadSignature
	}
	return Code{TenantID: uuid.UUID(raw[:16]), CustomerID: uuid.UUID(raw[16:32]),
		Minute: int64(binary.BigEndian.Uint32(raw[32:payloadLen]))}, nil
}

// Check reports whether the code is valid at now: made in now's minute or the one before.
func (c Code) Check(now time.Time) error {
	current := now.Unix() / 60
	switch {
	case c.Minute > current:
		return ErrNotYetValid
	case c.Minute < current-1:
		return ErrExpired
	}
	return nil
}

// EventID is the ID of the check-in a code records: the same for every use of one code, so a
// code checks in once however often it is sent.
func (c Code) EventID() string {
	b := make([]byte, payloadLen)
	copy(b, c.TenantID[:])
	copy(b[16:], c.CustomerID[:])
	binary.BigEndian.PutUint32(b[32:], uint32(c.Minute))
	sum := sha256.Sum256(b)
	return "checkin-" + hex.EncodeToString(sum[:16])
}

func (s *Signer) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(Prefix))
	m.Write(payload)
	return m.Sum(nil)[:macLen]
}
