// Package program is a brand's loyalty points program: its wallets (spendable points 积分,
// status points 成长值 that tiers qualify on, and any the brand adds), how purchases earn into
// each (the base rate), when earned points expire (in the brand's time zone), how long purchase
// points are held before they count, and what a refund takes back.
package program

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
)

// RefundPolicy says what a refunded purchase takes back of the points it earned.
type RefundPolicy string

// Refund policies (as Talon.One's return policies).
const (
	// RefundPendingOnly takes back only points still pending; points that count stay.
	RefundPendingOnly RefundPolicy = "pending_only"
	// RefundActiveToZero also takes back points that count, down to a balance of zero.
	RefundActiveToZero RefundPolicy = "active_to_zero"
	// RefundAllowNegative takes back everything; what the balance lacks is a debt, an entry
	// of its own that never expires and is repaid by the next points credited.
	RefundAllowNegative RefundPolicy = "allow_negative"
)

// RefundPolicies are the refund policies, for API enums.
var RefundPolicies = []RefundPolicy{RefundPendingOnly, RefundActiveToZero, RefundAllowNegative}

// Limits of a program.
const (
	MaxWallets     = 8
	MaxPendingDays = 365
	MaxWarningDays = 365
	// MaxApprovalAbove bounds the approval threshold (an adjustment's largest size).
	MaxApprovalAbove = 100_000_000
	// MaxValueFen and MaxValuePoints bound a point's value.
	MaxValueFen, MaxValuePoints = 1_000_000, 1_000_000
)

// Wallet is one of a brand's wallets and its rules.
type Wallet struct {
	Key ledger.Wallet
	// Label names the wallet on the console and reports ("咖啡豆", "Coffee beans"); the built-in
	// wallets have names of their own when it is empty.
	Label Label
	// Spendable wallets may be redeemed from; status points only count towards tiers.
	Spendable bool
	Rate      Rate
	Expiry    Expiry
}

// MaxLabel is the longest name of a wallet, in characters.
const MaxLabel = 40

// Label is a wallet's name in Chinese and English; either may be empty.
type Label struct{ ZH, EN string }

// In is the label in lang ("en" or Chinese), the other language's when that one is empty.
func (l Label) In(lang string) string {
	first, other := l.ZH, l.EN
	if strings.HasPrefix(lang, "en") {
		first, other = l.EN, l.ZH
	}
	if first != "" {
		return first
	}
	return other
}

// check returns the label's fields at fault under at ("wallets[2].label.").
func (l Label) check(at string) []error {
	var errs []error
	for _, p := range []struct{ field, text string }{{"zh_cn", l.ZH}, {"en", l.EN}} {
		if !utf8.ValidString(p.text) || utf8.RuneCountInString(p.text) > MaxLabel || strings.TrimSpace(p.text) != p.text ||
			strings.ContainsFunc(p.text, unicode.IsControl) {
			errs = append(errs, invalid(at+p.field, fmt.Sprintf("at most %d characters, no control characters or spaces around", MaxLabel)))
		}
	}
	return errs
}

// Settings are a brand's points program.
type Settings struct {
	RefundPolicy RefundPolicy
	// PendingDays holds purchase points this many days after the purchase; 0 credits them at once.
	PendingDays int
	// WarningDays announces an expiry (points.expiring) this many days ahead; 0 never.
	WarningDays int
	// Wallets are the brand's wallets, in the order they are shown.
	Wallets []Wallet
	// ApprovalAbove is the size of a manual adjustment (points either way) above which a
	// second admin must approve it; 0 never asks.
	ApprovalAbove int64
	// Value is what a point is worth to the brand, for the liability reports.
	Value PointValue
}

// PointValue is what points are worth: Fen for every Points points (1 fen a point: 100 points
// are one yuan).
type PointValue struct {
	Fen, Points int64
}

// FenOf returns what points are worth, in fen, rounded half away from zero.
func (v PointValue) FenOf(points int64) int64 {
	if v.Points <= 0 {
		return 0
	}
	n := points * v.Fen
	if n < 0 {
		return -((-n + v.Points/2) / v.Points)
	}
	return (n + v.Points/2) / v.Points
}

// Defaults is the program of a brand that set none: a point and a status point for every
// whole yuan, credited at once, never expiring; a refund takes back what it can down to zero.
func Defaults() Settings {
	rate := Rate{Points: 1, PerFen: 100}
	return Settings{RefundPolicy: RefundActiveToZero, WarningDays: 30, Value: PointValue{Fen: 1, Points: 1}, Wallets: []Wallet{
		{Key: ledger.Points, Spendable: true, Rate: rate, Expiry: NeverExpire},
		{Key: ledger.Status, Rate: rate, Expiry: NeverExpire},
	}}
}

// Wallet returns the wallet named key.
func (s Settings) Wallet(key ledger.Wallet) (Wallet, bool) {
	i := slices.IndexFunc(s.Wallets, func(w Wallet) bool { return w.Key == key })
	if i < 0 {
		return Wallet{}, false
	}
	return s.Wallets[i], true
}

// Keys returns the wallets' keys, in order.
func (s Settings) Keys() []ledger.Wallet {
	out := make([]ledger.Wallet, len(s.Wallets))
	for i, w := range s.Wallets {
		out[i] = w.Key
	}
	return out
}

// invalid names the setting at fault ("wallets[1].rate.per_fen").
func invalid(field, reason string) error { return fielderr.New(field, errors.New(reason)) }

// ErrBuiltinWallet refuses a program without the spendable and the status wallet.
var ErrBuiltinWallet = errors.New("the points and status wallets are always there")

// Check returns every setting at fault, each a *fielderr.Error, joined.
func (s Settings) Check() error {
	var errs []error
	if !slices.Contains(RefundPolicies, s.RefundPolicy) {
		errs = append(errs, invalid("refund_policy", "one of pending_only, active_to_zero, allow_negative"))
	}
	if s.PendingDays < 0 || s.PendingDays > MaxPendingDays {
		errs = append(errs, invalid("pending_days", fmt.Sprintf("between 0 and %d", MaxPendingDays)))
	}
	if s.WarningDays < 0 || s.WarningDays > MaxWarningDays {
		errs = append(errs, invalid("warning_days", fmt.Sprintf("between 0 and %d", MaxWarningDays)))
	}
	if s.ApprovalAbove < 0 || s.ApprovalAbove > MaxApprovalAbove {
		errs = append(errs, invalid("adjustment_approval_above", fmt.Sprintf("between 0 (never) and %d", MaxApprovalAbove)))
	}
	if s.Value.Fen < 0 || s.Value.Fen > MaxValueFen {
		errs = append(errs, invalid("point_value.fen", fmt.Sprintf("between 0 and %d", MaxValueFen)))
	}
	if s.Value.Points < 1 || s.Value.Points > MaxValuePoints {
		errs = append(errs, invalid("point_value.points", fmt.Sprintf("between 1 and %d", MaxValuePoints)))
	}
	if len(s.Wallets) > MaxWallets {
		errs = append(errs, invalid("wallets", fmt.Sprintf("at most %d wallets", MaxWallets)))
	}
	seen := map[ledger.Wallet]bool{}
	for i, w := range s.Wallets {
		at := fmt.Sprintf("wallets[%d].", i)
		switch {
		case !ledger.ValidWallet(w.Key):
			errs = append(errs, invalid(at+"key", "2-40 lower-case letters, digits and underscores, starting with a letter"))
		case seen[w.Key]:
			errs = append(errs, invalid(at+"key", "named twice"))
		}
		seen[w.Key] = true
		errs = append(errs, w.Label.check(at+"label.")...)
		errs = append(errs, w.Rate.Check(at+"rate.")...)
		errs = append(errs, w.Expiry.Check(at+"expiry.")...)
	}
	for _, key := range []ledger.Wallet{ledger.Points, ledger.Status} {
		if !seen[key] {
			errs = append(errs, fielderr.New("wallets", fmt.Errorf("%w: %s is missing", ErrBuiltinWallet, key)))
		}
	}
	return errors.Join(errs...)
}

// NeedsApproval reports whether an adjustment of points (either way) needs a second admin.
func (s Settings) NeedsApproval(points int64) bool {
	return s.ApprovalAbove > 0 && (points > s.ApprovalAbove || -points > s.ApprovalAbove)
}
