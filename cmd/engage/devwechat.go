package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/adapters/wechat/wechatdev"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/ports"
)

// devSignInLimits is the per-address rate of public operations (Mini Program login, the
// development WeChat's codes) under engage dev unless ENGAGE_SIGNIN_RATE_LIMIT says otherwise:
// one developer trying things out from one address is not an attack.
var devSignInLimits = ratelimit.Limits{Default: ratelimit.Rate{PerSecond: 2, Burst: 60}}

// withDevWeChat points cfg at the development WeChat: its API in place of WeChat's, and its
// operations served beside the API.
func withDevWeChat(cfg config, wx *wechatdev.Server) config {
	cfg.wechatAPI, cfg.extraAPI = wx.URL(), []httpapi.Module{wx.API()}
	if os.Getenv("ENGAGE_SIGNIN_RATE_LIMIT") == "" {
		cfg.signInLimits = devSignInLimits
	}
	return cfg
}

// devMiniPrograms gives each demo brand without a complete Mini Program channel the
// development one (the AppID wechatdev.DemoAppID and a new random AppSecret, stored as any
// brand's credentials are), registers every demo brand's Mini Program with the development
// WeChat, and describes them.
func devMiniPrograms(ctx context.Context, a *app, wx *wechatdev.Server) (string, error) {
	brands, err := demoTenants(ctx, a)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, t := range brands {
		appID, secret, err := a.Channels.WeChatCredentials(ctx, t.ID, ports.ChannelWeChatMiniProgram)
		if errors.Is(err, ports.ErrChannelNotConfigured) || errors.Is(err, channels.ErrNoSecret) {
			appID, secret = wechatdev.DemoAppID(t.Slug), randomHex(16)
			err = a.Channels.Save(ctx, t.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: appID}, secret)
		}
		if err != nil {
			return "", fmt.Errorf("the Mini Program of %s: %w", t.Slug, err)
		}
		wx.AddMiniProgram(t, appID, secret)
		fmt.Fprintf(&b, "  %-14s Mini Program %s\n", t.Slug+":", appID)
	}
	return b.String(), nil
}
