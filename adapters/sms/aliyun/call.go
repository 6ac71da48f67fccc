package aliyun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/engagehq/engage/ports"
)

// answer is what every Dysmsapi answer carries: Code is "OK" on success, else the error code.
type answer struct {
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	RequestID string `json:"RequestId"`
}

// call sends action with params, signed with the account's AccessKey, and decodes a successful
// answer into out. An answer whose Code is not "OK" is a *ports.ProviderError.
func (c *Client) call(ctx context.Context, account ports.SMSAccount, secret, action string, params map[string]string, out any) error {
	if err := checkAccount(account, secret); err != nil {
		return err
	}
	region := strings.TrimSpace(account.Region)
	if region == "" {
		region = DefaultRegion
	}
	all := map[string]string{
		"AccessKeyId":      account.AccessKeyID,
		"Action":           action,
		"Format":           "JSON",
		"RegionId":         region,
		"SignatureMethod":  "HMAC-SHA1",
		"SignatureNonce":   c.nonce(),
		"SignatureVersion": "1.0",
		"Timestamp":        c.now().UTC().Format("2006-01-02T15:04:05Z"),
		"Version":          apiVersion,
	}
	for name, value := range params {
		all[name] = value
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/?"+signedQuery(all, secret), nil)
	if err != nil {
		return fmt.Errorf("aliyun: %s: %w", action, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("aliyun: %s: %w", action, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("aliyun: %s: reading answer: %w", action, err)
	}
	var a answer
	if err := json.Unmarshal(body, &a); err != nil || a.Code == "" {
		return fmt.Errorf("aliyun: %s: HTTP %d: unreadable answer %q", action, resp.StatusCode, clip(body))
	}
	if a.Code != "OK" {
		return &ports.ProviderError{Provider: Provider, Code: a.Code, Message: a.Message}
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return fmt.Errorf("aliyun: %s: decoding answer: %w", action, err)
		}
	}
	return nil
}

// checkAccount refuses, before any request, an account that cannot be an Aliyun one.
func checkAccount(account ports.SMSAccount, secret string) error {
	if account.Provider != "" && account.Provider != Provider {
		return fmt.Errorf("aliyun: account is for provider %q", account.Provider)
	}
	if strings.TrimSpace(account.AccessKeyID) == "" {
		return errors.New("aliyun: account has no AccessKey ID")
	}
	if secret == "" {
		return errors.New("aliyun: no AccessKey secret")
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
