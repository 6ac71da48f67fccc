package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/engagehq/engage/ports"
)

var _ ports.WeChatOfficialAccount = (*Client)(nil)

// fanTagsAnswer is the body of a tags/get answer.
type fanTagsAnswer struct {
	errorAnswer
	Tags []struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Count int64  `json:"count"`
	} `json:"tags"`
}

// FanTags asks GET /cgi-bin/tags/get for the Official Account's fan tags. accessToken is the
// account's (see Tokens). WeChat refusing is a *ports.ProviderError with its errcode: 40001,
// 41001 or 42001 for the access token, 45009 when the daily quota is spent, 48001 when the
// account may not use the API (not verified). The token appears in no error.
func (c *Client) FanTags(ctx context.Context, accessToken string) ([]ports.WeChatFanTag, error) {
	endpoint := c.base + "/cgi-bin/tags/get?" + url.Values{"access_token": {accessToken}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("wechat: tags/get request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	var ans fanTagsAnswer
	if err := c.do(req, &ans); err != nil {
		return nil, fmt.Errorf("wechat: tags/get: %w", err)
	}
	if err := ans.refusal(); err != nil {
		return nil, err
	}
	out := make([]ports.WeChatFanTag, len(ans.Tags))
	for i, t := range ans.Tags {
		out[i] = ports.WeChatFanTag{ID: t.ID, Name: t.Name, Count: t.Count}
	}
	return out, nil
}

// tagFansAnswer is the body of a user/tag/get answer.
type tagFansAnswer struct {
	errorAnswer
	Count int `json:"count"`
	Data  struct {
		OpenID []string `json:"openid"`
	} `json:"data"`
	NextOpenID string `json:"next_openid"`
}

// TagFans asks POST /cgi-bin/user/tag/get for a page of the fans under tag, starting after the
// OpenID next ("" for the first page). WeChat answers up to 10,000 OpenIDs a page; the page
// after the last is empty. Refusals are as FanTags's, and 45159 for a tag the account does not
// have, 40003 for a next that is not one of its fans.
func (c *Client) TagFans(ctx context.Context, accessToken string, tag int64, next string) (ports.WeChatFanPage, error) {
	body, err := json.Marshal(map[string]any{"tagid": tag, "next_openid": next})
	if err != nil {
		return ports.WeChatFanPage{}, fmt.Errorf("wechat: user/tag/get request: %w", err)
	}
	endpoint := c.base + "/cgi-bin/user/tag/get?" + url.Values{"access_token": {accessToken}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return ports.WeChatFanPage{}, fmt.Errorf("wechat: user/tag/get request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	var ans tagFansAnswer
	if err := c.do(req, &ans); err != nil {
		return ports.WeChatFanPage{}, fmt.Errorf("wechat: user/tag/get: %w", err)
	}
	if err := ans.refusal(); err != nil {
		return ports.WeChatFanPage{}, err
	}
	return ports.WeChatFanPage{OpenIDs: ans.Data.OpenID, Next: ans.NextOpenID}, nil
}
