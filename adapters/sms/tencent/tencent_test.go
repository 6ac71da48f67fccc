package tencent_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/sms/tencent"
	"github.com/engagehq/engage/adapters/sms/tencent/tencenttest"
	"github.com/engagehq/engage/ports"
)

const (
	secretID  = "AKIDbrand0000000000000000000000000000"
	secretKey = "brand-secret-key"
	appID     = "1400787878"
	sign      = "莲花茶饮"
)

// fixture starts a stand-in with one API key, an app, sign names and a two-variable template.
func fixture(t *testing.T) (*tencenttest.Server, ports.SMSAccount) {
	t.Helper()
	srv := tencenttest.New(t)
	srv.AddAccount(secretID, secretKey)
	srv.AddApp(appID)
	srv.AddSign(sign, tencenttest.SignApproved)
	srv.AddSign("审核中品牌", tencenttest.SignInReview)
	srv.AddTemplate("1110", 2)
	return srv, ports.SMSAccount{Provider: tencent.Provider, AccessKeyID: secretID, SignName: sign, SDKAppID: appID, Region: "ap-guangzhou"}
}

// client returns a Client for srv with opts.
func client(t *testing.T, srv *tencenttest.Server, opts ...tencent.Option) *tencent.Client {
	t.Helper()
	c, err := tencent.New(srv.URL(), opts...)
	require.NoError(t, err)
	return c
}

// providerCode returns err's ProviderError code, failing the test if it is not one.
func providerCode(t *testing.T, err error) string {
	t.Helper()
	var pe *ports.ProviderError
	require.True(t, errors.As(err, &pe), "want a *ports.ProviderError, got %v", err)
	require.Equal(t, tencent.Provider, pe.Provider)
	require.NotEmpty(t, pe.Message)
	return pe.Code
}

func TestVerify(t *testing.T) {
	t.Parallel()
	stale := func() time.Time { return time.Now().Add(-6 * time.Minute) }
	cases := []struct {
		name   string
		change func(*ports.SMSAccount, *string)
		opts   []tencent.Option
		code   string // "" for success
	}{
		{name: "right key and app", code: ""},
		{name: "wrong secret", change: func(_ *ports.SMSAccount, k *string) { *k = "not-the-key" }, code: "AuthFailure.SignatureFailure"},
		{name: "unknown SecretId", change: func(a *ports.SMSAccount, _ *string) { a.AccessKeyID = "AKIDnobody" }, code: "AuthFailure.SecretIdNotFound"},
		{name: "unknown app", change: func(a *ports.SMSAccount, _ *string) { a.SDKAppID = "1400000000" }, code: "InvalidParameterValue.SdkAppIdNotExist"},
		{name: "unsupported region", change: func(a *ports.SMSAccount, _ *string) { a.Region = "eu-frankfurt" }, code: "UnsupportedRegion"},
		{name: "stale timestamp", opts: []tencent.Option{tencent.WithClock(stale)}, code: "AuthFailure.SignatureExpire"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, account := fixture(t)
			key := secretKey
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

func TestVerifyRefusesIncompleteAccountsLocally(t *testing.T) {
	t.Parallel()
	srv, account := fixture(t)
	c := client(t, srv)
	for _, change := range []func(*ports.SMSAccount){
		func(a *ports.SMSAccount) { a.SignName = "" },
		func(a *ports.SMSAccount) { a.SDKAppID = "" },
		func(a *ports.SMSAccount) { a.AccessKeyID = "" },
		func(a *ports.SMSAccount) { a.Provider = "aliyun" },
	} {
		bad := account
		change(&bad)
		require.Error(t, c.Verify(context.Background(), bad, secretKey))
	}
	require.Error(t, c.Verify(context.Background(), account, ""))
}

func TestVerifyFailsWithoutProviderErrorWhenUnreachable(t *testing.T) {
	t.Parallel()
	srv, account := fixture(t)
	c := client(t, srv)
	srv.Close()
	err := c.Verify(context.Background(), account, secretKey)
	require.Error(t, err)
	var pe *ports.ProviderError
	require.False(t, errors.As(err, &pe))
}

func TestSendIsRecordedWithItsParameters(t *testing.T) {
	t.Parallel()
	srv, account := fixture(t)
	serial, err := client(t, srv).Send(context.Background(), account, secretKey, "13800138000", "1110", []string{"4821", "5"})
	require.NoError(t, err)
	require.NotEmpty(t, serial)
	require.Equal(t, []tencenttest.Message{{
		SecretID:       secretID,
		Region:         "ap-guangzhou",
		SDKAppID:       appID,
		PhoneNumber:    "+8613800138000",
		SignName:       sign,
		TemplateID:     "1110",
		TemplateParams: []string{"4821", "5"},
		SerialNo:       serial,
	}}, srv.Sent())
}

func TestSendRefusals(t *testing.T) {
	t.Parallel()
	stale := func() time.Time { return time.Now().Add(-6 * time.Minute) }
	cases := []struct {
		name, phone, template, signName string
		params                          []string
		opts                            []tencent.Option
		code                            string
	}{
		{name: "unapproved sign", signName: "审核中品牌", code: "FailedOperation.SignatureIncorrectOrUnapproved"},
		{name: "unknown sign", signName: "没有的签名", code: "FailedOperation.SignatureIncorrectOrUnapproved"},
		{name: "unknown template", template: "9999", code: "FailedOperation.TemplateIncorrectOrUnapproved"},
		{name: "wrong variable count", params: []string{"4821"}, code: "FailedOperation.TemplateParamSetNotMatchApprovedTemplate"},
		{name: "bad phone", phone: "12345", code: "InvalidParameterValue.IncorrectPhoneNumber"},
		{name: "stale timestamp", opts: []tencent.Option{tencent.WithClock(stale)}, code: "AuthFailure.SignatureExpire"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, account := fixture(t)
			phone, template, params := "13800138000", "1110", []string{"4821", "5"}
			if tc.phone != "" {
				phone = tc.phone
			}
			if tc.template != "" {
				template = tc.template
			}
			if tc.params != nil {
				params = tc.params
			}
			if tc.signName != "" {
				account.SignName = tc.signName
			}
			_, err := client(t, srv, tc.opts...).Send(context.Background(), account, secretKey, phone, template, params)
			require.Equal(t, tc.code, providerCode(t, err))
			require.Empty(t, srv.Sent())
		})
	}
}

func TestVerifyCountsNothingAndSendsNothing(t *testing.T) {
	t.Parallel()
	srv, account := fixture(t)
	require.NoError(t, client(t, srv).Verify(context.Background(), account, secretKey))
	require.Empty(t, srv.Sent())
}

func TestNewRejectsRelativeURLs(t *testing.T) {
	t.Parallel()
	_, err := tencent.New("sms.tencentcloudapi.com")
	require.Error(t, err)
	_, err = tencent.New("")
	require.NoError(t, err)
}
