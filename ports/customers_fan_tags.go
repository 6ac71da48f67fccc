package ports

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// FanTagImport is one import of the brand's WeChat Official Account fan tags.
type FanTagImport struct {
	ID          uuid.UUID
	Status      string // queued, running, done, failed
	RequestedAt time.Time
	FinishedAt  *time.Time
	// Tags, Fans and Matched count the Official Account's tags, the fans listed under them and
	// those linked to a customer, who were tagged.
	Tags, Fans, Matched int
	// ErrorCode says why a failed import failed.
	ErrorCode string
}

// ErrFanTagImportNotFound is returned for an import the tenant does not have.
var ErrFanTagImportNotFound = errors.New("fan tag import not found")

// FanTagImportRepository keeps the tenant's fan tag imports in its tenant transaction.
type FanTagImportRepository interface {
	Insert(ctx context.Context, imp FanTagImport) error
	// Get returns the import or ErrFanTagImportNotFound.
	Get(ctx context.Context, id uuid.UUID) (FanTagImport, error)
	// Latest returns the most recent imports, newest first.
	Latest(ctx context.Context, limit int) ([]FanTagImport, error)
	// Save stores the import's status, counts and outcome.
	Save(ctx context.Context, imp FanTagImport) error
}
