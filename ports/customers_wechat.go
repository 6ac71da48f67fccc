package ports

import "context"

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
