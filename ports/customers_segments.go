package ports

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/segment"
)

// Errors of the segment repositories.
var (
	ErrSegmentNotFound  = errors.New("segment not found")
	ErrSegmentNameTaken = errors.New("another segment has this name")
	ErrTagRuleNotFound  = errors.New("tag rule not found")
	ErrTagRuleTaken     = errors.New("another rule sets this tag")
)

// SegmentRepository keeps a tenant's saved segments in its tenant transaction.
type SegmentRepository interface {
	Insert(ctx context.Context, s segment.Segment) error
	// Get returns the segment or ErrSegmentNotFound.
	Get(ctx context.Context, id uuid.UUID) (segment.Segment, error)
	// List returns segments by name; the position is a segment ID.
	List(ctx context.Context, page Page) ([]segment.Segment, error)
	// All returns every segment, for refreshing them.
	All(ctx context.Context) ([]segment.Segment, error)
	// Update saves the name, description and definition, or returns ErrSegmentNotFound.
	Update(ctx context.Context, s segment.Segment) error
	// Delete removes the segment and its membership, or returns ErrSegmentNotFound.
	Delete(ctx context.Context, id uuid.UUID) error
}

// TagRuleRepository keeps a tenant's auto-tag rules in its tenant transaction.
type TagRuleRepository interface {
	Insert(ctx context.Context, r segment.TagRule) error
	// Get returns the rule or ErrTagRuleNotFound.
	Get(ctx context.Context, id uuid.UUID) (segment.TagRule, error)
	// List returns every rule, by tag.
	List(ctx context.Context) ([]segment.TagRule, error)
	// Update saves tag, definition and enabled, or returns ErrTagRuleNotFound.
	Update(ctx context.Context, r segment.TagRule) error
	// Delete removes the rule, or returns ErrTagRuleNotFound.
	Delete(ctx context.Context, id uuid.UUID) error
}

// CustomerFilter picks customers for an export: the listing's filters, and optionally a saved
// segment's materialised members or a tree they must also match.
type CustomerFilter struct {
	Query   CustomerQuery
	Segment uuid.UUID
	Tree    *segment.Tree
}

// SegmentEvaluator evaluates checked trees against a tenant's customers, at time now (the
// start of event windows), in the tenant scope of ctx. Writers need InTenant.
type SegmentEvaluator interface {
	// Count returns how many customers match.
	Count(ctx context.Context, t segment.Tree, now time.Time) (int64, error)
	// Preview returns up to limit matching customers, newest first.
	Preview(ctx context.Context, t segment.Tree, now time.Time, limit int) ([]customer.Customer, error)
	// RefreshMembers makes the members of segment id among customers (every customer when
	// nil) those that match t, and returns who entered and who left, in ID order. With
	// customers nil it also records the member count and the time of the refresh. Running it
	// twice changes nothing.
	RefreshMembers(ctx context.Context, id uuid.UUID, t segment.Tree, now time.Time, customers []uuid.UUID) (entered, left []uuid.UUID, err error)
	// ApplyTagRule gives tag (source rule) to those of customers (every customer when nil)
	// that match t and takes it from the others that got it from a rule.
	ApplyTagRule(ctx context.Context, tag string, t segment.Tree, now time.Time, customers []uuid.UUID) error
	// RemoveRuleTags takes tag from every customer who got it from a rule.
	RemoveRuleTags(ctx context.Context, tag string) error
	// Members returns a page of the segment's materialised members, newest customer first;
	// the position is a customer ID.
	Members(ctx context.Context, id uuid.UUID, page Page) ([]customer.Customer, error)
	// Export calls fn with every customer that f picks, newest first, as the rows are read,
	// and returns how many there were.
	Export(ctx context.Context, f CustomerFilter, now time.Time, fn func(customer.Customer) error) (int64, error)
}

// SegmentMembership is the customer's side of materialised segment membership.
type SegmentMembership interface {
	// SegmentsOf returns the IDs and names of the segments the customer is in.
	SegmentsOf(ctx context.Context, customer uuid.UUID) (map[uuid.UUID]string, error)
	// Forget removes the customer from every segment.
	Forget(ctx context.Context, customer uuid.UUID) error
}

// SegmentValues are the values present in a brand's own data that segment conditions pick
// from, by what they fill: a field's value ("city", "region", "preferred_store", "tag",
// "joined_campaign") or a window field's parameter ("store", "category"). Each list holds the
// most frequent values first.
type SegmentValues map[string][]string

// SegmentValueReader reads lists of SegmentValues, in the tenant scope of ctx: those named
// (a name it does not know has no list), at most limit values of each.
type SegmentValueReader interface {
	Values(ctx context.Context, names []string, limit int) (SegmentValues, error)
}
