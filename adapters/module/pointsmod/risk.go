package pointsmod

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/wechat"
	"github.com/engagehq/engage/application/customers/wechataccounts"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// wechatRisk asks WeChat's getuserriskrank about a customer's Mini Program identity, with the
// brand's Mini Program access token from the shared cache.
type wechatRisk struct {
	channels *channels.Service
	accounts *wechataccounts.Service
	tokens   ports.WeChatAccessTokens
	scorer   ports.RiskScorer
}

var _ points.RiskSource = wechatRisk{}

func riskSource(k *module.Kernel) wechatRisk {
	return wechatRisk{channels: module.Get[*channels.Service](k), accounts: module.Get[*wechataccounts.Service](k),
		tokens: module.Get[*wechat.Tokens](k), scorer: module.Get[*wechat.Client](k)}
}

// RiskRank implements points.RiskSource: a brand without a Mini Program, or a customer without
// an identity in it, is points.ErrNoRiskIdentity. A token WeChat no longer accepts is renewed
// once.
func (r wechatRisk) RiskRank(ctx context.Context, tenant tenants.ID, customer uuid.UUID, q ports.RiskQuery) (int, error) {
	appID, secret, err := r.channels.WeChatCredentials(ctx, tenant, ports.ChannelWeChatMiniProgram)
	if errors.Is(err, ports.ErrChannelNotConfigured) || errors.Is(err, channels.ErrNoSecret) {
		return 0, points.ErrNoRiskIdentity
	}
	if err != nil {
		return 0, err
	}
	links, err := r.accounts.List(ctx, tenant, customer)
	if err != nil {
		return 0, err
	}
	q.AppID = appID
	for _, l := range links {
		if l.AppID == appID {
			q.OpenID = l.OpenID
		}
	}
	if q.OpenID == "" {
		return 0, points.ErrNoRiskIdentity
	}
	for force := false; ; force = true {
		token, _, err := r.tokens.StableToken(ctx, appID, secret, force)
		if err != nil {
			return 0, err
		}
		rank, err := r.scorer.GetUserRiskRank(ctx, token, q)
		var pe *ports.ProviderError
		if !force && errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "42001") {
			continue
		}
		return rank, err
	}
}
