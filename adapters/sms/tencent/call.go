package tencent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/engagehq/engage/ports"
)

// head is what every API 3.0 answer's Response carries; Error only on failure.
type head struct {
	Error *struct {
		Code    string `json:"Code"`
		Message string `json:"Message"`
	} `json:"Error"`
	RequestID string `json:"RequestId"`
}

// call sends action with payload as its JSON body, signed with the account's SecretId and
// secretKey, and decodes the answer's Response into out. An answer with Response.Error is a
// *ports.ProviderError.
func (c *Client) call(ctx context.Context, account ports.SMSAccount, secretKey, action string, payload, out any) error {
	if err := checkAccount(account, secretKey); err != nil {
		return err
	}
	region := strings.TrimSpace(account.Region)
	if region == "" {
		region = DefaultRegion
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("tencent: %s: %w", action, err)
	}
	at := c.now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("tencent: %s: %w", action, err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-TC-Action", action)
	req.Header.Set("X-TC-Version", apiVersion)
	req.Header.Set("X-TC-Timestamp", strconv.FormatInt(at.Unix(), 10))
	req.Header.Set("X-TC-Region", region)
	req.Header.Set("Authorization", authorization(account.AccessKeyID, secretKey, c.host, body, at))
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("tencent: %s: %w", action, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("tencent: %s: reading answer: %w", action, err)
	}
	var env struct {
		Response json.RawMessage `json:"Response"`
	}
	var h head
	if json.Unmarshal(raw, &env) != nil || len(env.Response) == 0 || json.Unmarshal(env.Response, &h) != nil {
		return fmt.Errorf("tencent: %s: HTTP %d: unreadable answer %q", action, resp.StatusCode, clip(raw))
	}
	if h.Error != nil {
		return &ports.ProviderError{Provider: Provider, Code: h.Error.Code, Message: h.Error.Message}
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("tencent: %s: HTTP %d", action, resp.StatusCode)
	}
	if err := json.Unmarshal(env.Response, out); err != nil {
		return fmt.Errorf("tencent: %s: decoding answer: %w", action, err)
	}
	return nil
}

// checkAccount refuses, before any request, an account that cannot be a Tencent Cloud one.
func checkAccount(account ports.SMSAccount, secretKey string) error {
	switch {
	case account.Provider != "" && account.Provider != Provider:
		return fmt.Errorf("tencent: account is for provider %q", account.Provider)
	case strings.TrimSpace(account.AccessKeyID) == "":
		return errors.New("tencent: account has no SecretId")
	case secretKey == "":
		return errors.New("tencent: no SecretKey")
	case strings.TrimSpace(account.SDKAppID) == "":
		return errors.New("tencent: account has no SmsSdkAppId")
	}
	return nil
}

// clip shortens an unreadable answer for an error message.
func clip(body []byte) string {
	const max = 200
	if len(body) > max {
		return string(body[:max]) + "…"
	}
	return string(body)
}
