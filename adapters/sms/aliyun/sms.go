package aliyun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/engagehq/engage/ports"
)

// signApproved is QuerySmsSign's SignStatus for an approved sign name.
const signApproved = 1

// signStatusText names QuerySmsSign's SignStatus values.
var signStatusText = map[int]string{0: "in review", 1: "approved", 2: "rejected", 10: "review cancelled"}

var _ ports.SMSVerifier = (*Client)(nil)

// Verify checks an Aliyun account by asking QuerySmsSign for the account's sign name: Aliyun
// answers only a request signed with a valid AccessKey, and says whether the name is approved.
// A refusal is a *ports.ProviderError with Aliyun's code (InvalidAccessKeyId.NotFound,
// SignatureDoesNotMatch, isv.SMS_SIGNATURE_ILLEGAL for an unknown name, ...); a known name
// that is not approved is a *ports.ProviderError with code CodeSignNotApproved.
func (c *Client) Verify(ctx context.Context, account ports.SMSAccount, secret string) error {
	name := strings.TrimSpace(account.SignName)
	if name == "" {
		return errors.New("aliyun: account has no sign name")
	}
	var out struct {
		SignStatus int    `json:"SignStatus"`
		Reason     string `json:"Reason"`
	}
	if err := c.call(ctx, account, secret, "QuerySmsSign", map[string]string{"SignName": name}, &out); err != nil {
		return err
	}
	if out.SignStatus == signApproved {
		return nil
	}
	text, ok := signStatusText[out.SignStatus]
	if !ok {
		text = "unknown status"
	}
	msg := fmt.Sprintf("sign name %q has SignStatus %d (%s)", name, out.SignStatus, text)
	if out.Reason != "" {
		msg += ": " + out.Reason
	}
	return &ports.ProviderError{Provider: Provider, Code: CodeSignNotApproved, Message: msg}
}

// Send sends the template templateCode (e.g. "SMS_154950909") with params as its variables
// to phone, a mainland mobile number, under the account's sign name, with SendSms. It returns
// Aliyun's BizId for the send. A refusal is a *ports.ProviderError with Aliyun's code
// (isv.MOBILE_NUMBER_ILLEGAL, isv.SMS_TEMPLATE_ILLEGAL, isv.TEMPLATE_MISSING_PARAMETERS, ...).
func (c *Client) Send(ctx context.Context, account ports.SMSAccount, secret, phone, templateCode string, params map[string]string) (bizID string, err error) {
	phone, templateCode = strings.TrimSpace(phone), strings.TrimSpace(templateCode)
	switch {
	case phone == "":
		return "", errors.New("aliyun: no phone number")
	case templateCode == "":
		return "", errors.New("aliyun: no template code")
	case strings.TrimSpace(account.SignName) == "":
		return "", errors.New("aliyun: account has no sign name")
	}
	query := map[string]string{
		"PhoneNumbers": phone,
		"SignName":     strings.TrimSpace(account.SignName),
		"TemplateCode": templateCode,
	}
	if len(params) > 0 {
		raw, err := json.Marshal(params)
		if err != nil {
			return "", fmt.Errorf("aliyun: template parameters: %w", err)
		}
		query["TemplateParam"] = string(raw)
	}
	var out struct {
		BizID string `json:"BizId"`
	}
	if err := c.call(ctx, account, secret, "SendSms", query, &out); err != nil {
		return "", err
	}
	return out.BizID, nil
}
