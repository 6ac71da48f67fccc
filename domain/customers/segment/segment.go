package segment

import (
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/bidi"
	"github.com/engagehq/engage/domain/fielderr"
)

// Segment is a brand's saved segment: a named tree whose members are kept materialised for
// targeting and auto-tag rules.
type Segment struct {
	ID          uuid.UUID
	Name        string
	Description string
	// Definition is the tree as saved (Tree's JSON): checked against the brand's catalogue
	// when saved, and again with ParseJSON when evaluated, since attributes may change.
	Definition json.RawMessage
	// Members is how many customers matched at the last refresh.
	Members   int64
	CreatedAt time.Time
	UpdatedAt time.Time
	// RefreshedAt is when the membership was last computed in full; zero before.
	RefreshedAt time.Time
}

// Counting reports whether the segment's members are being computed: its tree changed (or it
// was made) after their last full computation, which a job does for a save that matches many
// customers. Until then Members is the count of before (zero for a new segment).
func (s Segment) Counting() bool { return s.RefreshedAt.Before(s.UpdatedAt) }

// Errors of segments and rules.
var (
	ErrName = errors.New("1-100 characters, " + bidi.Rule)
	ErrDesc = errors.New("at most 1,000 characters")
	ErrTag  = errors.New("1-40 characters, no control characters or characters that change the direction of text")
)

// Check normalises the segment's name and description and reports what is wrong with them.
func (s *Segment) Check() error {
	s.Name, s.Description = strings.TrimSpace(s.Name), strings.TrimSpace(s.Description)
	var errs []error
	if s.Name == "" || utf8.RuneCountInString(s.Name) > 100 || bidi.Contains(s.Name) {
		errs = append(errs, fielderr.New("name", ErrName))
	}
	if utf8.RuneCountInString(s.Description) > 1000 {
		errs = append(errs, fielderr.New("description", ErrDesc))
	}
	return errors.Join(errs...)
}

// TagRule is an auto-tag rule: customers who match Tree get Tag (with source "rule"); those
// who stop matching lose it, unless they got it some other way.
type TagRule struct {
	ID  uuid.UUID
	Tag string
	// Definition is the tree as saved, like Segment's.
	Definition json.RawMessage
	Enabled    bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Check normalises the rule's tag and reports what is wrong with it.
func (r *TagRule) Check() error {
	r.Tag = strings.TrimSpace(r.Tag)
	if !ValidTag(r.Tag) {
		return fielderr.New("tag", ErrTag)
	}
	return nil
}

// ValidTag reports whether t may be a customer's tag.
func ValidTag(t string) bool {
	if t == "" || utf8.RuneCountInString(t) > 40 || !utf8.ValidString(t) || bidi.Contains(t) {
		return false
	}
	for _, r := range t {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return false
		}
	}
	return true
}
