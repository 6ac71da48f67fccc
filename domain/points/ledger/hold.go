package ledger

import "time"

// HeldUntil is the release time of a held lot: points credited pending until an admin decides
// on them (anti-fraud review), which no sweep releases.
var HeldUntil = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// Reasons of a review's decision on held points.
const (
	ReasonReviewApproved = "review_approved"
	ReasonReviewRejected = "review_rejected"
)

// Held reports whether the lot's points wait for a review.
func (l *Lot) Held() bool { return l.Pending && !l.AvailableAt.Before(HeldUntil) }

// Unhold ends the hold of l: its points count from availableAt (the release its credit would
// have had), at once, repaying a debt first, when that is not after the book's time. It reports
// whether it released them now.
func (a *Account) Unhold(op *Operation, l *Lot, availableAt time.Time) bool {
	if l == nil || !l.Held() || l.Remaining == 0 {
		return false
	}
	l.AvailableAt = availableAt
	if l.AvailableAt.Before(l.EarnedAt) {
		l.AvailableAt = l.EarnedAt
	}
	a.book.touch(l)
	if l.AvailableAt.After(a.book.now) {
		return false
	}
	a.releaseAs(op, l, ReasonReviewApproved)
	return true
}
