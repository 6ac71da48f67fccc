package channels

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// WeChatCredentials returns the AppID and AppSecret of the brand's Official Account or Mini
// Program (channel is ports.ChannelWeChatOfficialAccount or ports.ChannelWeChatMiniProgram),
// for use cases that call WeChat as the brand. It returns ports.ErrChannelNotConfigured when
// the app is not set up and ErrNoSecret when its secret was never stored.
func (s *Service) WeChatCredentials(ctx context.Context, tenant tenants.ID, channel string) (appID, secret string, err error) {
	if channel != ports.ChannelWeChatOfficialAccount && channel != ports.ChannelWeChatMiniProgram {
		return "", "", fmt.Errorf("channels: %q is not a WeChat app", channel)
	}
	stored, err := ports.ReadInTenant(ctx, s.tx, tenant, func(ctx context.Context) (ports.ChannelSettings, error) {
		return s.repo.Get(ctx, channel)
	})
	if err != nil {
		return "", "", err
	}
	var app WeChatApp
	if err := json.Unmarshal(stored.Config, &app); err != nil {
		return "", "", fmt.Errorf("channel %s: %w", channel, err)
	}
	secret, err = s.secrets.Reveal(ctx, tenant, secretNames[channel])
	switch {
	case errors.Is(err, ports.ErrSecretNotFound):
		return "", "", ErrNoSecret
	case err != nil:
		return "", "", err
	}
	return app.AppID, secret, nil
}
