package aliyun_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/sms/aliyun"
	"github.com/engagehq/engage/adapters/sms/aliyun/aliyuntest"
	"github.com/engagehq/engage/ports"
)

const (
	keyID  = "LTAI5tBrandKey"
	secret = "brand-secret"
	sign   = "莲花茶饮"
)

// fixture starts a stand-in with one AccessKey, an approved sign name and a template.
func fixture(t *testing.T) (*aliyuntest.Server, ports.SMSAccount) {
	t.Helper()
	srv := aliyuntest.New(t)
	srv.AddAccount(keyID, secret)
	srv.AddSign(sign, aliyuntest.SignApproved)
	srv.AddSign("审核中品牌", aliyuntest.SignInReview)
	srv.AddSign("被拒品牌", aliyuntest.SignRejected)
	srv.AddTemplate("SMS_154950909", "code", "name")
	return srv, ports.SMSAccount{Provider: aliyun.Provider, AccessKeyID: keyID, SignName: sign, Region: "cn-hangzhou"}
}

// client returns a Client for srv with opts.
func client(t *testing.T, srv *aliyuntest.Server, opts ...aliyun.Option) *aliyun.Client {
	t.Helper()
	c, err := aliyun.New(srv.URL(), opts...)
	require.NoError(t, err)
	return c
}

// providerCode returns err's ProviderError code, failing the test if it is not one.
func providerCode(t *testing.T, err error) string {
	t.Helper()
	var pe *ports.ProviderError
	require.True(t, errors.As(err, &pe), "want a *ports.ProviderError, got %v", err)
	require.Equal(t, aliyun.Provider, pe.Provider)
	require.NotEmpty(t, pe.Message)
	return pe.Code
}

func TestVerify(t *testing.T) {
	t.Parallel()
	stale := func() time.Time { return time.Now().Add(-16 * time.Minute) }
	cases := []struct {
		name   string
		change func(*ports.SMSAccount, *string)
		opts   []aliyun.Option
		code   string // "" for success
	}{
		{name: "approved sign, right key", code: ""},
		{name: "wrong secret", change: func(_ *ports.SMSAccount, s *string) { *s = "not-the-secret" }, code: "SignatureDoesNotMatch"},
		{name: "unknown key", change: func(a *ports.SMSAccount, _ *string) { a.AccessKeyID = "LTAI5tNobody" }, code: "InvalidAccessKeyId.NotFound"},
		{name: "unknown sign", change: func(a *ports.SMSAccount, _ *string) { a.SignName = "没有的签名" }, code: "isv.SMS_SIGNATURE_ILLEGAL"},
		{name: "sign in review", change: func(a *ports.SMSAccount, _ *string) { a.SignName = "审核中品牌" }, code: aliyun.CodeSignNotApproved},
		{name: "sign rejected", change: func(a *ports.SMSAccount, _ *string) { a.SignName = "被拒品牌" }, code: aliyun.CodeSignNotApproved},
		{name: "stale timestamp", opts: []aliyun.Option{aliyun.WithClock(stale)}, code: "InvalidTimeStamp.Expired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, account := fixture(t)
			key := secret
			if tc.change != nil {
				tc.change(&account, &key)
			}
			err := client(t, srv, tc.opts...).Verify(context.Background(), account, key)
			if tc.code == "" {
				require.NoError(t, err)
				return
			}
			require.Equal(t, tc.code, providerCode(t, err))
		})
	}
}

func TestVerifyNamesTheSignStatus(t *testing.T) {
	t.Parallel()
	srv, account := fixture(t)
	account.SignName = "被拒品牌"
	err := client(t, srv).Verify(context.Background(), account, secret)
	require.ErrorContains(t, err, "SignStatus 2 (rejected)")
}

func TestVerifyRefusesAReplayedNonce(t *testing.T) {
	t.Parallel()
	srv, account := fixture(t)
	c := client(t, srv, aliyun.WithNonce(func() string { return "same-nonce" }))
	require.NoError(t, c.Verify(context.Background(), account, secret))
	require.Equal(t, "SignatureNonceUsed", providerCode(t, c.Verify(context.Background(), account, secret)))
}

func TestVerifyFailsWithoutProviderErrorWhenUnreachable(t *testing.T) {
	t.Parallel()
	srv, account := fixture(t)
	c := client(t, srv)
	srv.Close()
	err := c.Verify(context.Background(), account, secret)
	require.Error(t, err)
	var pe *ports.ProviderError
	require.False(t, errors.As(err, &pe))
}

func TestVerifyRefusesIncompleteAccountsLocally(t *testing.T) {
	t.Parallel()
	srv, account := fixture(t)
	c := client(t, srv)
	noSign := account
	noSign.SignName = ""
	require.Error(t, c.Verify(context.Background(), noSign, secret))
	require.Error(t, c.Verify(context.Background(), account, ""))
	other := account
	other.Provider = "tencent"
	require.Error(t, c.Verify(context.Background(), other, secret))
}

func TestSendIsRecordedWithItsParameters(t *testing.T) {
	t.Parallel()
	srv, account := fixture(t)
	bizID, err := client(t, srv).Send(context.Background(), account, secret, "13800138000", "SMS_154950909",
		map[string]string{"code": "4821", "name": "王 小明"})
	require.NoError(t, err)
	require.NotEmpty(t, bizID)
	require.Equal(t, []aliyuntest.Message{{
		AccessKeyID:   keyID,
		RegionID:      "cn-hangzhou",
		PhoneNumbers:  "13800138000",
		SignName:      sign,
		TemplateCode:  "SMS_154950909",
		TemplateParam: map[string]string{"code": "4821", "name": "王 小明"},
		BizID:         bizID,
	}}, srv.Sent())
}

func TestSendRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, phone, template string
		params                map[string]string
		signName              string
		code                  string
	}{
		{name: "bad phone", phone: "12345", template: "SMS_154950909", params: map[string]string{"code": "1", "name": "a"}, code: "isv.MOBILE_NUMBER_ILLEGAL"},
		{name: "unknown template", phone: "13800138000", template: "SMS_0", params: map[string]string{"code": "1"}, code: "isv.SMS_TEMPLATE_ILLEGAL"},
		{name: "missing variable", phone: "13800138000", template: "SMS_154950909", params: map[string]string{"code": "1"}, code: "isv.TEMPLATE_MISSING_PARAMETERS"},
		{name: "unapproved sign", phone: "13800138000", template: "SMS_154950909", params: map[string]string{"code": "1", "name": "a"}, signName: "审核中品牌", code: "isv.SMS_SIGNATURE_ILLEGAL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, account := fixture(t)
			if tc.signName != "" {
				account.SignName = tc.signName
			}
			_, err := client(t, srv).Send(context.Background(), account, secret, tc.phone, tc.template, tc.params)
			require.Equal(t, tc.code, providerCode(t, err))
			require.Empty(t, srv.Sent())
		})
	}
}

func TestNewRejectsRelativeURLs(t *testing.T) {
	t.Parallel()
	_, err := aliyun.New("dysmsapi.aliyuncs.com")
	require.Error(t, err)
	_, err = aliyun.New("")
	require.NoError(t, err)
}
