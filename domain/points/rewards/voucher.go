package rewards

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
)

// State is where a voucher is in its life.
type State string

// States of a voucher.
const (
	// StateIssued vouchers may be used until they expire.
	StateIssued State = "issued"
	// StateUsed vouchers were redeemed at a store.
	StateUsed State = "used"
	// StateExpired vouchers passed their expiry unused.
	StateExpired State = "expired"
	// StateCancelled vouchers were withdrawn: their points and stock went back.
	StateCancelled State = "cancelled"
)

// States are every state.
var States = []State{StateIssued, StateUsed, StateExpired, StateCancelled}

// Voucher is what a claim issues: a code staff type in or a QR code they scan.
type Voucher struct {
	ID           uuid.UUID
	RedemptionID uuid.UUID
	RewardID     uuid.UUID
	Customer     uuid.UUID
	// Code is the readable code, Alphabet in groups: "7KQ2-M9XD-4RTW".
	Code      string
	State     State
	IssuedAt  time.Time
	ExpiresAt time.Time
	// UsedAt and UsedBy (the actor) and Store say where it was used; CancelledAt and Reason
	// why it was withdrawn.
	UsedAt      time.Time
	UsedBy      string
	Store       string
	CancelledAt time.Time
	Reason      string
}

// StateAt is the voucher's state at now: an issued voucher past its expiry is expired, swept
// or not.
func (v Voucher) StateAt(now time.Time) State {
	if v.State == StateIssued && !now.Before(v.ExpiresAt) {
		return StateExpired
	}
	return v.State
}

// Errors of using or cancelling a voucher.
var (
	ErrVoucherUsed      = errors.New("this voucher was used already")
	ErrVoucherExpired   = errors.New("this voucher has expired")
	ErrVoucherCancelled = errors.New("this voucher was cancelled")
)

// Usable returns nil when the voucher may be used or cancelled at now, or why not.
func (v Voucher) Usable(now time.Time) error {
	switch v.StateAt(now) {
	case StateUsed:
		return ErrVoucherUsed
	case StateExpired:
		return ErrVoucherExpired
	case StateCancelled:
		return ErrVoucherCancelled
	}
	return nil
}

// Alphabet is Crockford's base 32 digits: no I, L, O or U, so a code read aloud or off a
// receipt is not mistaken.
const Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// CodeLen is how many characters a code has: 60 random bits, beyond guessing by trying
// (verifying is rate-limited and needs a staff credential besides).
const CodeLen = 12

// NewCode returns a random code, grouped by four.
func NewCode() string {
	var b [CodeLen]byte
	_, _ = rand.Read(b[:])
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(Alphabet[c&31])
	}
	return sb.String()
}

// NormalizeCode returns a code as typed (lower case, spaces, dashes, O for 0, I or L for 1)
// in its stored form, or "" when it cannot be one.
func NormalizeCode(s string) string {
	var out []byte
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 127 || strings.IndexByte(Alphabet, byte(r)) < 0 {
			return ""
		}
		out = append(out, byte(r))
	}
	if len(out) != CodeLen {
		return ""
	}
	return string(out[0:4]) + "-" + string(out[4:8]) + "-" + string(out[8:12])
}

// QRPrefix starts every voucher QR payload.
const QRPrefix = "EVC1"

// macLen is how much of the HMAC a payload carries: 128 bits.
const macLen = 16

// MinKeyLen is the shortest signing key accepted.
const MinKeyLen = 32

// ErrBadQR refuses a scanned payload that is not a voucher's or whose signature does not match.
var ErrBadQR = errors.New("not a voucher of this brand")

// SignQR returns the QR payload of the voucher id with code, of tenant, signed with the
// tenant's key: "EVC1.<voucher id>.<mac>", base64url without padding.
func SignQR(key []byte, tenant, id uuid.UUID, code string) string {
	enc := base64.RawURLEncoding
	return QRPrefix + "." + enc.EncodeToString(id[:]) + "." + enc.EncodeToString(mac(key, tenant, id, code))
}

func mac(key []byte, tenant, id uuid.UUID, code string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(QRPrefix))
	m.Write(tenant[:])
	m.Write(id[:])
	m.Write([]byte(code))
	return m.Sum(nil)[:macLen]
}

// ParseQR returns the voucher ID a payload names, unverified: VerifyQR checks it once the
// voucher's code is known.
func ParseQR(payload string) (uuid.UUID, error) {
	parts := strings.Split(strings.TrimSpace(payload), ".")
	if len(parts) != 3 || parts[0] != QRPrefix {
		return uuid.Nil, ErrBadQR
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || len(raw) != 16 {
		return uuid.Nil, ErrBadQR
	}
	return uuid.UUID(raw), nil
}

// VerifyQR reports whether payload is the signed payload of voucher id with code of tenant.
func VerifyQR(key []byte, tenant, id uuid.UUID, code, payload string) bool {
	parts := strings.Split(strings.TrimSpace(payload), ".")
	if len(parts) != 3 {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(parts[2])
	return err == nil && hmac.Equal(got, mac(key, tenant, id, code))
}
