package ports

import (
	"context"
	"errors"
	"time"
)

// Logo is a brand's logo image.
type Logo struct {
	ContentType string
	Data        []byte
	UpdatedAt   time.Time
}

// ErrNoLogo is returned for a brand without a logo.
var ErrNoLogo = errors.New("no logo")

// LogoRepository keeps the brand's logo in its tenant transaction.
type LogoRepository interface {
	Get(ctx context.Context) (Logo, error)
	Put(ctx context.Context, l Logo) error
}
