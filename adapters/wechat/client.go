// Package wechat talks to WeChat's server API (api.weixin.qq.com) for brands' Official
// Accounts and Mini Programs. Client gets access tokens from the stable_token endpoint, logs
// Mini Program users in with jscode2session and reads the phone numbers they share; Tokens
// keeps access tokens per process so that callers ask WeChat only when one is about to expire.
package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/engagehq/engage/ports"
)

// DefaultBaseURL is WeChat's server API.
const DefaultBaseURL = "https://api.weixin.qq.com"

// defaultTimeout bounds one request when New is given no HTTP client.
const defaultTimeout = 10 * time.Second

// maxBody is the most of an answer Client reads; WeChat's token answers are a few hundred bytes.
const maxBody = 1 << 20

// Client is the ports.WeChatAccessTokens that asks WeChat's stable_token endpoint every time
// (wrap it in Tokens to reuse tokens until they are about to expire), and the
// ports.WeChatMiniProgram.
type Client struct {
	base string
	http *http.Client
}

var _ ports.WeChatAccessTokens = (*Client)(nil)

// New returns a Client for the API at baseURL (DefaultBaseURL when empty, a stand-in's URL in
// tests). httpClient nil means a client with a 10 s timeout.
func New(baseURL string, httpClient *http.Client) *Client {
	baseURL = strings.TrimRight(strings.TrimSpace(baseURL), "/")
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: defaultTimeout}
	}
	return &Client{base: baseURL, http: httpClient}
}

// errorAnswer is the errcode and errmsg every WeChat answer may carry; errcode 0 is success.
type errorAnswer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// refusal is WeChat's refusal as a *ports.ProviderError, or nil when errcode is 0.
func (a errorAnswer) refusal() error {
	if a.ErrCode == 0 {
		return nil
	}
	return &ports.ProviderError{Provider: "wechat", Code: strconv.Itoa(a.ErrCode), Message: a.ErrMsg}
}

// stableTokenAnswer is the body of a stable_token answer: a token, or an error code.
type stableTokenAnswer struct {
	errorAnswer
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

// StableToken asks POST /cgi-bin/stable_token for appID's access token. WeChat refusing (a
// non-zero errcode, which it sends with HTTP 200) is a *ports.ProviderError with Provider
// "wechat", the errcode as Code (e.g. "40125") and the errmsg. Failing to reach WeChat, an
// HTTP status other than 200, or an answer it cannot read are returned as wrapped errors. The
// secret travels only in the request body and appears in no error.
func (c *Client) StableToken(ctx context.Context, appID, secret string, forceRefresh bool) (string, time.Duration, error) {
	body, err := json.Marshal(map[string]any{
		"grant_type":    "client_credential",
		"appid":         appID,
		"secret":        secret,
		"force_refresh": forceRefresh,
	})
	if err != nil {
		return "", 0, fmt.Errorf("wechat: stable_token request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/cgi-bin/stable_token", bytes.NewReader(body))
	if err != nil {
		return "", 0, fmt.Errorf("wechat: stable_token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")

	var ans stableTokenAnswer
	if err := c.do(req, &ans); err != nil {
		return "", 0, fmt.Errorf("wechat: stable_token for %s: %w", appID, err)
	}
	if err := ans.refusal(); err != nil {
		return "", 0, err
	}
	if ans.AccessToken == "" || ans.ExpiresIn <= 0 {
		return "", 0, fmt.Errorf("wechat: stable_token for %s: answer has no access_token or expires_in", appID)
	}
	return ans.AccessToken, time.Duration(ans.ExpiresIn) * time.Second, nil
}

// do sends req and decodes WeChat's JSON answer into v. It fails for a transport error, a
// status other than 200 (WeChat answers its own errors with 200), or a body that is not JSON.
// A transport error names the method and path but not the query, which can hold an AppSecret
// or an access token.
func (c *Client) do(req *http.Request, v any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, ue.Err)
		}
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("reading answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP status %d", resp.StatusCode)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("answer is not JSON: %w", err)
	}
	return nil
}
