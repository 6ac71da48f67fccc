package ports

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// WeChatAccount is a customer's identity in one of the brand's WeChat apps.
type WeChatAccount struct {
	AppID      string
	OpenID     string
	UnionID    string // empty when WeChat gave none
	CustomerID uuid.UUID
	Nickname   string
	AvatarURL  string
	LinkedAt   time.Time
}

// Errors of the WeChat account repository.
var (
	ErrWeChatAccountNotFound = errors.New("wechat account not found")
	ErrWeChatAccountLinked   = errors.New("the wechat account is linked to a customer already")
)

// WeChatAccountRepository keeps the WeChat accounts linked to a tenant's customers, in the
// caller's tenant transaction.
type WeChatAccountRepository interface {
	// Lock holds key until the transaction ends, so that two logins of one WeChat user at once
	// cannot both create a customer.
	Lock(ctx context.Context, key string) error
	// Get returns the account of openID in appID, or ErrWeChatAccountNotFound.
	Get(ctx context.Context, appID, openID string) (WeChatAccount, error)
	// FirstByUnionID returns the earliest linked account with unionID in any of the brand's
	// apps, or ErrWeChatAccountNotFound.
	FirstByUnionID(ctx context.Context, unionID string) (WeChatAccount, error)
	// Insert links a new account, or returns ErrWeChatAccountLinked.
	Insert(ctx context.Context, a WeChatAccount) error
	// SetUnionID records the UnionID WeChat now gives for an account linked without one.
	SetUnionID(ctx context.Context, appID, openID, unionID string) error
}

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
