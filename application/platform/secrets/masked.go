package secrets

import (
	"errors"
	"regexp"
	"time"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/tenants"
)

// Masked is how a secret is shown: its name, a hint of its value and which key sealed it,
// never the value itself.
type Masked struct {
	Name string `json:"name"`
	// Hint is "••••" followed by the value's last 4 characters when it has at least 12,
	// else "••••" alone.
	Hint      string    `json:"hint"`
	KeyID     string    `json:"key_id"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Limits on what a secret may be.
const (
	MaxValueBytes = 4096
	mask          = "••••"
	hintMinRunes  = 12
	hintRunes     = 4
)

var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_.]{2,63}$`)

// Validation errors, each wrapped in a *fielderr.Error naming its field.
var (
	ErrInvalidName  = errors.New("name must be 3-64 characters of lower-case letters, digits, '_' and '.', starting with a letter, e.g. smtp.password")
	ErrInvalidValue = errors.New("value must be 1-4096 bytes")
)

// hint shows the end of a value long enough that four characters give little away.
func hint(value string) string {
	r := []rune(value)
	if len(r) < hintMinRunes {
		return mask
	}
	return mask + string(r[len(r)-hintRunes:])
}

func validateName(name string) error {
	if !namePattern.MatchString(name) {
		return fielderr.New("name", ErrInvalidName)
	}
	return nil
}

func validateValue(value string) error {
	if len(value) == 0 || len(value) > MaxValueBytes {
		return fielderr.New("value", ErrInvalidValue)
	}
	return nil
}

// additionalData binds a sealed value to its tenant and name: a ciphertext copied to another
// tenant's row or another name does not open. Names hold no NUL, so the encoding is unambiguous.
func additionalData(tenant tenants.ID, name string) []byte {
	return []byte("engage.tenant_secret.v1\x00" + tenant.String() + "\x00" + name)
}
