package ports

import (
	"context"
	"time"
)

// JobArgs are the arguments of a background job; Kind names its worker. Args of tenant work
// carry the tenant ID so the worker can open its own tenant transaction.
type JobArgs interface {
	Kind() string
}

// JobOptions adjust when and where a job runs; the zero value runs it now on the default queue.
type JobOptions struct {
	// RunAt schedules the job for later.
	RunAt time.Time
	// Queue overrides the queue the job runs on.
	Queue string
}

// JobScheduler enqueues jobs inside the caller's tenant transaction: if the transaction
// commits the job exists, if it rolls back it does not.
type JobScheduler interface {
	Enqueue(ctx context.Context, args JobArgs, opts JobOptions) error
}
