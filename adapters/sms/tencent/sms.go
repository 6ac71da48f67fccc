package tencent

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/engagehq/engage/ports"
)

var _ ports.SMSVerifier = (*Client)(nil)

// beijing is China Standard Time, in which SendStatusStatistics counts hours.
var beijing = time.FixedZone("CST", 8*3600)

// Verify checks a Tencent Cloud account with SendStatusStatistics for the account's
// SmsSdkAppId over the current hour: a documented read-only action (it changes nothing,
// unlike PullSmsSendStatus, which would consume delivery receipts) that Tencent answers only
// for a request signed with a valid SecretId and SecretKey and an SmsSdkAppId that exists.
// A refusal is a *ports.ProviderError with Tencent's code (AuthFailure.SecretIdNotFound,
// AuthFailure.SignatureFailure, AuthFailure.SignatureExpire,
// InvalidParameterValue.SdkAppIdNotExist, ...).
//
// Verify cannot confirm that the sign name is approved: the API's only sign read,
// DescribeSmsSignList, takes sign IDs (SignIdSet), not names, and ports.SMSAccount carries
// only the name. An unknown or unapproved name is refused by Send, as
// FailedOperation.SignatureIncorrectOrUnapproved; Verify only requires that there is one.
func (c *Client) Verify(ctx context.Context, account ports.SMSAccount, secretKey string) error {
	if strings.TrimSpace(account.SignName) == "" {
		return errors.New("tencent: account has no sign name")
	}
	now := c.now().In(beijing)
	payload := map[string]any{
		"SmsSdkAppId": strings.TrimSpace(account.SDKAppID),
		"BeginTime":   now.Format("2006010215"),
		"EndTime":     now.Add(time.Hour).Format("2006010215"),
		"Limit":       0,
		"Offset":      0,
	}
	var out struct {
		SendStatusStatistics *struct {
			RequestCount int `json:"RequestCount"`
		} `json:"SendStatusStatistics"`
	}
	if err := c.call(ctx, account, secretKey, "SendStatusStatistics", payload, &out); err != nil {
		return err
	}
	if out.SendStatusStatistics == nil {
		return errors.New("tencent: SendStatusStatistics: answer has no statistics")
	}
	return nil
}

// sendSms is SendSms's request body.
type sendSms struct {
	PhoneNumberSet   []string `json:"PhoneNumberSet"`
	SmsSdkAppID      string   `json:"SmsSdkAppId"`
	SignName         string   `json:"SignName"`
	TemplateID       string   `json:"TemplateId"`
	TemplateParamSet []string `json:"TemplateParamSet,omitempty"`
}

// sendStatus is one number's outcome in SendSms's SendStatusSet.
type sendStatus struct {
	SerialNo    string `json:"SerialNo"`
	PhoneNumber string `json:"PhoneNumber"`
	Code        string `json:"Code"`
	Message     string `json:"Message"`
}

// Send sends the template templateID with params, in order, as its variables to phone, a
// mainland mobile number (sent in E.164 form with +86), under the account's sign name and
// SmsSdkAppId, with SendSms. It returns Tencent's SerialNo for the send. A refusal, of the
// whole request or of the number, is a *ports.ProviderError with Tencent's code
// (FailedOperation.SignatureIncorrectOrUnapproved, FailedOperation.TemplateIncorrectOrUnapproved,
// InvalidParameterValue.IncorrectPhoneNumber, ...).
func (c *Client) Send(ctx context.Context, account ports.SMSAccount, secretKey, phone, templateID string, params []string) (serialNo string, err error) {
	phone, templateID = e164(phone), strings.TrimSpace(templateID)
	switch {
	case phone == "":
		return "", errors.New("tencent: no phone number")
	case templateID == "":
		return "", errors.New("tencent: no template ID")
	case strings.TrimSpace(account.SignName) == "":
		return "", errors.New("tencent: account has no sign name")
	}
	payload := sendSms{
		PhoneNumberSet:   []string{phone},
		SmsSdkAppID:      strings.TrimSpace(account.SDKAppID),
		SignName:         strings.TrimSpace(account.SignName),
		TemplateID:       templateID,
		TemplateParamSet: params,
	}
	var out struct {
		SendStatusSet []sendStatus `json:"SendStatusSet"`
	}
	if err := c.call(ctx, account, secretKey, "SendSms", payload, &out); err != nil {
		return "", err
	}
	if len(out.SendStatusSet) != 1 {
		return "", errors.New("tencent: SendSms: answer has no status for the number")
	}
	st := out.SendStatusSet[0]
	if st.Code != "Ok" {
		return "", &ports.ProviderError{Provider: Provider, Code: st.Code, Message: st.Message}
	}
	return st.SerialNo, nil
}

// e164 writes a mainland number as +86 followed by the number; a number that already starts
// with '+' is kept, and the 0086 or 86 prefix of a 13-digit number is replaced.
func e164(phone string) string {
	phone = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(phone))
	switch {
	case phone == "" || strings.HasPrefix(phone, "+"):
		return phone
	case strings.HasPrefix(phone, "0086"):
		return "+86" + phone[4:]
	case strings.HasPrefix(phone, "86") && len(phone) == 13:
		return "+" + phone
	}
	return "+86" + phone
}
