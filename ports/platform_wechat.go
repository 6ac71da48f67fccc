package ports

import (
	"context"
	"time"
)

// WeChatAccessTokens gets WeChat access tokens for an app (Official Account or Mini Program)
// through the stable_token endpoint.
type WeChatAccessTokens interface {
	// StableToken returns the app's access token and how long it stays valid. forceRefresh asks
	// WeChat for a new one even if the current one is still valid.
	StableToken(ctx context.Context, appID, secret string, forceRefresh bool) (token string, expiresIn time.Duration, err error)
}
