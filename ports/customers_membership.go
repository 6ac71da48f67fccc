package ports

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// MemberStatus is what a customer's membership is, as the check-in and membership summary show
// it.
type MemberStatus struct {
	Name           string
	LifecycleStage string
	LifecycleSince time.Time
	MemberSince    time.Time
}

// MemberStatusReader reads customers' membership status in the caller's tenant scope.
type MemberStatusReader interface {
	// MemberStatus returns the customer's status or ErrCustomerNotFound.
	MemberStatus(ctx context.Context, customer uuid.UUID) (MemberStatus, error)
}

// MemberSection is one module's part of a member's summary ("tier", "points", "rewards",
// "challenges"), ready to encode as JSON.
type MemberSection struct {
	Name string
	Data any
}

// MemberSummaryProvider is a module's contribution to the membership summary the Mini Program
// shows (points, tier, gamification add theirs as they land). It runs in the caller's tenant
// scope; ok false leaves the section out rather than showing made-up zeros.
type MemberSummaryProvider interface {
	MemberSection(ctx context.Context, customer uuid.UUID) (section MemberSection, ok bool, err error)
}
