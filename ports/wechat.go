package ports

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// WeChatSession is what code2session answers for a Mini Program's wx.login code.
type WeChatSession struct {
	// OpenID identifies the WeChat user within the one app.
	OpenID string
	// UnionID identifies the user across the brand's apps (Official Account, Mini Programs)
	// when they are bound to one WeChat Open Platform account; empty otherwise.
	UnionID string
	// SessionKey decrypts data the Mini Program receives; it is never stored or logged.
	SessionKey string
}

// WeChatPhone is the phone number a Mini Program's getPhoneNumber code stands for.
type WeChatPhone struct {
	// PhoneNumber is the number as WeChat shows it, with the country code outside mainland China.
	PhoneNumber string
	// PurePhoneNumber is the number without its country code.
	PurePhoneNumber string
	// CountryCode is the calling code without "+", e.g. "86".
	CountryCode string
}

// WeChatMiniProgram is the part of WeChat's server API that logs Mini Program users in and
// reads the phone numbers they agree to share. A refusal is a *ProviderError with WeChat's
// errcode.
type WeChatMiniProgram interface {
	// Code2Session exchanges a wx.login code of the app for the user's session.
	Code2Session(ctx context.Context, appID, secret, code string) (WeChatSession, error)
	// PhoneNumber exchanges a getPhoneNumber code for the number, with the app's access token.
	PhoneNumber(ctx context.Context, accessToken, code string) (WeChatPhone, error)
}

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

// ActorCustomer is a brand's customer acting for themselves, through the Mini Program.
const ActorCustomer ActorKind = "customer"
