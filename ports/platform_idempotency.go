package ports

import (
	"context"
	"time"
)

// IdempotencyState is what a request with an Idempotency-Key finds when it arrives.
type IdempotencyState int

// States of an idempotency key.
const (
	// IdempotencyNew: the key is now held by this request, which must complete or release it.
	IdempotencyNew IdempotencyState = iota
	// IdempotencyDone: an earlier request with the same key and body finished; replay it.
	IdempotencyDone
	// IdempotencyInFlight: an earlier request with the same key is still running.
	IdempotencyInFlight
	// IdempotencyMismatch: the key was used with a different request.
	IdempotencyMismatch
)

// IdempotencyRecord is a stored response to replay.
type IdempotencyRecord struct {
	State  IdempotencyState
	Status int
	Body   []byte
}

// IdempotencyStore keeps Idempotency-Key records in the caller's tenant transaction.
type IdempotencyStore interface {
	// Claim records key for a request with fingerprint, held until lockedUntil, or reports
	// what an earlier request with the key left. An expired hold is taken over.
	Claim(ctx context.Context, key string, fingerprint []byte, lockedUntil time.Time) (IdempotencyRecord, error)
	// Complete stores the response to replay for key.
	Complete(ctx context.Context, key string, status int, body []byte) error
	// Release forgets key so the request may be retried.
	Release(ctx context.Context, key string) error
	// Purge deletes keys created before cutoff and returns how many.
	Purge(ctx context.Context, cutoff time.Time) (int64, error)
}
