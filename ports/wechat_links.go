package ports

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// WeChatLink is a customer's WeChat account as admins manage it: the account and the state of
// its sign-in.
type WeChatLink struct {
	WeChatAccount
	// LastLoginAt is the account's last Mini Program login; nil for none (an Official Account
	// follower, or a link made before logins were recorded).
	LastLoginAt *time.Time
	// ReauthRequestedAt is when an admin asked the customer to authorise again; nil when not
	// asked, or once they have logged in since.
	ReauthRequestedAt *time.Time
}

// ErrWeChatAppTaken is returned when a customer has an account of the same app already.
var ErrWeChatAppTaken = errors.New("the customer has another account in this WeChat app")

// WeChatLinkRepository is what admins do with WeChat accounts, in the caller's tenant
// transaction.
type WeChatLinkRepository interface {
	// ListByCustomer returns the customer's accounts, oldest link first.
	ListByCustomer(ctx context.Context, customer uuid.UUID) ([]WeChatLink, error)
	// ByOpenID returns the accounts with openID, in any of the brand's apps (normally one:
	// OpenIDs differ between apps).
	ByOpenID(ctx context.Context, openID string) ([]WeChatLink, error)
	// Delete removes the account of openID in appID, or returns ErrWeChatAccountNotFound.
	Delete(ctx context.Context, appID, openID string) error
	// RequestReauth marks the account as needing authorisation again at at.
	RequestReauth(ctx context.Context, appID, openID string, at time.Time) error
	// Move links the account to customer from at on, or returns ErrWeChatAppTaken when customer
	// has another account of the same app.
	Move(ctx context.Context, appID, openID string, customer uuid.UUID, at time.Time) error
	// RecordLogin notes a login through the account at at and clears a re-authorisation request.
	RecordLogin(ctx context.Context, appID, openID string, at time.Time) error
	// SetProfile stores the nickname and avatar the customer authorised on their accounts of
	// appID.
	SetProfile(ctx context.Context, customer uuid.UUID, appID, nickname, avatarURL string) error
	// CustomersByOpenIDs maps those of openIDs of appID that are linked to their customers.
	CustomersByOpenIDs(ctx context.Context, appID string, openIDs []string) (map[string]uuid.UUID, error)
}

// CustomerSessions keeps when each customer's tokens were cut off, in the caller's tenant
// transaction.
type CustomerSessions interface {
	// NotBefore reports whether the customer exists and, when their tokens were cut off, the
	// moment tokens must have been issued at or after (zero when never cut off). It is on
	// every customer request's path: one indexed read.
	NotBefore(ctx context.Context, customer uuid.UUID) (exists bool, notBefore time.Time, err error)
	// CutOff refuses the customer's tokens issued before notBefore.
	CutOff(ctx context.Context, customer uuid.UUID, notBefore time.Time) error
	// Admit lowers the cut-off to at when it is later: the customer has just logged in.
	Admit(ctx context.Context, customer uuid.UUID, at time.Time) error
}

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

// WeChatFanTag is one of an Official Account's fan tags.
type WeChatFanTag struct {
	ID    int64
	Name  string
	Count int64
}

// WeChatFanPage is one page of the fans under a tag; Next is where the next page starts ("" at
// the end).
type WeChatFanPage struct {
	OpenIDs []string
	Next    string
}

// WeChatOfficialAccount is the part of WeChat's Official Account API that reads the fan tags.
// A refusal is a *ProviderError with WeChat's errcode (40001 invalid credential, 45009 quota,
// 48001 unauthorised API).
type WeChatOfficialAccount interface {
	// FanTags lists the account's tags.
	FanTags(ctx context.Context, accessToken string) ([]WeChatFanTag, error)
	// TagFans lists a page of the fans under tag, starting after next ("" for the first page).
	TagFans(ctx context.Context, accessToken string, tag int64, next string) (WeChatFanPage, error)
}

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
