package receipts

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/fielderr"
)

// Status is where a receipt is: pending (being read, or waiting for an admin), approved
// (it earned points as a purchase) or rejected (with a reason).
type Status string

// Statuses.
const (
	Pending  Status = "pending"
	Approved Status = "approved"
	Rejected Status = "rejected"
)

// Statuses are every status, in order.
var Statuses = []Status{Pending, Approved, Rejected}

// Flag is a check a receipt failed: why it waits for an admin, or why it was refused.
type Flag string

// Flags.
const (
	// FlagUnreadable: the photo's text gave no amount, date or number.
	FlagUnreadable Flag = "unreadable"
	// FlagDuplicateImage: the brand has this photo already (the same bytes).
	FlagDuplicateImage Flag = "duplicate_image"
	// FlagDuplicateNumber: a receipt with this store and number was approved or is pending.
	FlagDuplicateNumber Flag = "duplicate_number"
	// FlagStale: the receipt is older than the brand accepts.
	FlagStale Flag = "stale"
	// FlagFuture: the receipt is dated after today.
	FlagFuture Flag = "future"
	// FlagUnknownStore: the store is none of the brand's stores.
	FlagUnknownStore Flag = "unknown_store"
	// FlagBelowMinimum and FlagAboveMaximum: the amount is outside the brand's limits.
	FlagBelowMinimum Flag = "below_minimum"
	FlagAboveMaximum Flag = "above_maximum"
	// FlagAboveAutoApprove: the amount is more than the brand approves without a look.
	FlagAboveAutoApprove Flag = "above_auto_approve"
	// FlagManualReview: the brand approves no receipt automatically.
	FlagManualReview Flag = "manual_review"
	// FlagOCRFailed: the photo could not be read at all.
	FlagOCRFailed Flag = "ocr_failed"
)

// Flags are every flag, in order.
var Flags = []Flag{FlagUnreadable, FlagDuplicateImage, FlagDuplicateNumber, FlagStale, FlagFuture, FlagUnknownStore,
	FlagBelowMinimum, FlagAboveMaximum, FlagAboveAutoApprove, FlagManualReview, FlagOCRFailed}

// Reason is why an admin (or the checks) rejected a receipt, as the customer is told.
type Reason string

// Reasons.
const (
	ReasonDuplicate    Reason = "duplicate"
	ReasonUnreadable   Reason = "unreadable"
	ReasonNotAReceipt  Reason = "not_a_receipt"
	ReasonStale        Reason = "stale"
	ReasonUnknownStore Reason = "unknown_store"
	ReasonAmount       Reason = "amount"
	ReasonOther        Reason = "other"
)

// Reasons are every reason, in order.
var Reasons = []Reason{ReasonDuplicate, ReasonUnreadable, ReasonNotAReceipt, ReasonStale, ReasonUnknownStore, ReasonAmount, ReasonOther}

// Store is one of the brand's stores as receipts print it: Name is matched against the
// receipt's store line; Code is the store as the activity stream names it (a purchase's store).
type Store struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Settings are a brand's receipt rules.
type Settings struct {
	// AutoApprove approves a receipt that passes every check without an admin.
	AutoApprove bool `json:"auto_approve"`
	// MaxAgeDays is how many days old (in the brand's calendar) a receipt may be.
	MaxAgeDays int `json:"max_age_days"`
	// MinAmountFen and MaxAmountFen bound a receipt's amount; MaxAmountFen 0 sets no bound.
	MinAmountFen int64 `json:"min_amount_fen"`
	MaxAmountFen int64 `json:"max_amount_fen"`
	// AutoApproveMaxFen is the largest amount approved without an admin; 0 sets no bound.
	AutoApproveMaxFen int64 `json:"auto_approve_max_fen"`
	// Stores are the brand's stores; a receipt from a store not among them waits for an admin.
	Stores []Store `json:"stores"`
}

// Defaults are the settings of a brand that set none: every receipt is looked at by an admin,
// receipts up to 7 days old, 1 fen to 50,000 元.
func Defaults() Settings {
	return Settings{MaxAgeDays: 7, MinAmountFen: 1, MaxAmountFen: 5_000_000, Stores: []Store{}}
}

// Limits of the settings.
const (
	MaxAgeDaysLimit = 366
	MaxStores       = 500
	MaxAmountLimit  = 100_000_000_00
)

// Check refuses settings that make no sense, naming each field at fault.
func (s Settings) Check() error {
	var errs []error
	if s.MaxAgeDays < 1 || s.MaxAgeDays > MaxAgeDaysLimit {
		errs = append(errs, fielderr.Errorf("max_age_days", "1 to %d days", MaxAgeDaysLimit))
	}
	if s.MinAmountFen < 0 || s.MinAmountFen > MaxAmountLimit {
		errs = append(errs, fielderr.Errorf("min_amount_fen", "0 to %d fen", int64(MaxAmountLimit)))
	}
	if s.MaxAmountFen < 0 || s.MaxAmountFen > MaxAmountLimit {
		errs = append(errs, fielderr.Errorf("max_amount_fen", "0 (no limit) to %d fen", int64(MaxAmountLimit)))
	} else if s.MaxAmountFen > 0 && s.MaxAmountFen < s.MinAmountFen {
		errs = append(errs, fielderr.Errorf("max_amount_fen", "at least min_amount_fen (%d)", s.MinAmountFen))
	}
	if s.AutoApproveMaxFen < 0 || s.AutoApproveMaxFen > MaxAmountLimit {
		errs = append(errs, fielderr.Errorf("auto_approve_max_fen", "0 (no limit) to %d fen", int64(MaxAmountLimit)))
	}
	if len(s.Stores) > MaxStores {
		errs = append(errs, fielderr.Errorf("stores", "at most %d stores", MaxStores))
	}
	names := map[string]bool{}
	for i, st := range s.Stores {
		at := fmt.Sprintf("stores[%d].", i)
		if c := strings.TrimSpace(st.Code); c == "" || utf8.RuneCountInString(c) > 100 || c != st.Code {
			errs = append(errs, fielderr.Errorf(at+"code", "1-100 characters, no spaces around"))
		}
		n := matchable(st.Name)
		switch {
		case utf8.RuneCountInString(n) < 2 || utf8.RuneCountInString(st.Name) > 100:
			errs = append(errs, fielderr.Errorf(at+"name", "2-100 characters as the receipt prints them"))
		case names[n]:
			errs = append(errs, fielderr.Errorf(at+"name", "listed twice"))
		}
		names[n] = true
	}
	return errors.Join(errs...)
}

// matchable is a store name without spaces, brackets and punctuation, letters in upper case:
// "全家便利店 (南京西路店)" and "全家便利店南京西路店" match.
func matchable(s string) string {
	var b strings.Builder
	for _, r := range normalize(s) {
		for _, c := range r {
			if unicode.IsLetter(c) || unicode.IsDigit(c) {
				b.WriteRune(unicode.ToUpper(c))
			}
		}
	}
	return b.String()
}

// StoreOf returns the brand's store a receipt's store line names: the one whose name the
// line contains (the longest name when several do).
func (s Settings) StoreOf(line string) (Store, bool) {
	l := matchable(line)
	best, found := Store{}, false
	if l == "" {
		return best, false
	}
	for _, st := range s.Stores {
		if n := matchable(st.Name); n != "" && strings.Contains(l, n) && (!found || len(n) > len(matchable(best.Name))) {
			best, found = st, true
		}
	}
	return best, found
}

// Receipt is one uploaded receipt.
type Receipt struct {
	ID        uuid.UUID
	Customer  uuid.UUID
	Status    Status
	ImageKey  string
	ImageHash []byte
	// ContentType is the photo's type, sniffed from its bytes.
	ContentType string
	ImageBytes  int
	// Text is what OCR read; Read says whether OCR ran.
	Text   string
	Read   bool
	Fields Fields
	// StoreCode is the brand's store the receipt is from, when known.
	StoreCode string
	Flags     []Flag
	Reason    Reason
	Note      string
	// PurchaseID is the purchase an approved receipt earned points as.
	PurchaseID string
	Points     int64
	Credited   bool
	// DecidedKind and DecidedBy are the actor of the decision: ports' actor kind ("user",
	// "system") and ID.
	DecidedKind string
	DecidedBy   string
	CreatedAt   time.Time
	ReadAt      time.Time
	DecidedAt   time.Time
}

// Checked is what the checks found on a read receipt.
type Checked struct {
	Status    Status
	Flags     []Flag
	Reason    Reason
	StoreCode string
}

// Decide checks a read receipt: dupNumber says the brand has another receipt (approved or
// pending) with the same store and number. A duplicate is rejected; a receipt failing another
// check, or of a brand that approves none automatically, waits for an admin (pending, with the
// flags saying why); the others are approved. now and loc are the brand's clock and zone.
func (s Settings) Decide(f Fields, dupNumber bool, now time.Time, loc *time.Location) Checked {
	c := Checked{Status: Approved}
	if dupNumber {
		return Checked{Status: Rejected, Flags: []Flag{FlagDuplicateNumber}, Reason: ReasonDuplicate}
	}
	if f.AmountFen == 0 || f.Date.IsZero() || f.Number == "" {
		c.Flags = append(c.Flags, FlagUnreadable)
	}
	if !f.Date.IsZero() {
		today := civil(now.In(loc))
		day := civil(f.Date.In(loc))
		switch {
		case day.After(today):
			c.Flags = append(c.Flags, FlagFuture)
		case day.AddDate(0, 0, s.MaxAgeDays).Before(today):
			c.Flags = append(c.Flags, FlagStale)
		}
	}
	if st, ok := s.StoreOf(f.Store); ok {
		c.StoreCode = st.Code
	} else {
		c.Flags = append(c.Flags, FlagUnknownStore)
	}
	if f.AmountFen > 0 {
		switch {
		case f.AmountFen < s.MinAmountFen:
			c.Flags = append(c.Flags, FlagBelowMinimum)
		case s.MaxAmountFen > 0 && f.AmountFen > s.MaxAmountFen:
			c.Flags = append(c.Flags, FlagAboveMaximum)
		case s.AutoApproveMaxFen > 0 && f.AmountFen > s.AutoApproveMaxFen:
			c.Flags = append(c.Flags, FlagAboveAutoApprove)
		}
	}
	if !s.AutoApprove {
		c.Flags = append(c.Flags, FlagManualReview)
	}
	if len(c.Flags) > 0 {
		c.Status = Pending
	}
	return c
}

func civil(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// ValidReason reports whether r is one of Reasons.
func ValidReason(r Reason) bool { return slices.Contains(Reasons, r) }
