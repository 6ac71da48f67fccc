package sms_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/sms"
	"github.com/engagehq/engage/adapters/sms/aliyun"
	"github.com/engagehq/engage/adapters/sms/aliyun/aliyuntest"
	"github.com/engagehq/engage/adapters/sms/tencent"
	"github.com/engagehq/engage/adapters/sms/tencent/tencenttest"
	"github.com/engagehq/engage/ports"
)

// verifier starts both stand-ins, each knowing one account, and returns a Verifier on them.
func verifier(t *testing.T) *sms.Verifier {
	t.Helper()
	a := aliyuntest.New(t)
	a.AddAccount("LTAI5tKey", "ali-secret")
	a.AddSign("莲花茶饮", aliyuntest.SignApproved)
	tc := tencenttest.New(t)
	tc.AddAccount("AKIDkey", "tc-secret")
	tc.AddApp("1400787878")
	ac, err := aliyun.New(a.URL())
	require.NoError(t, err)
	tcc, err := tencent.New(tc.URL())
	require.NoError(t, err)
	return sms.NewVerifier(ac, tcc)
}

func TestVerifierRoutesByProvider(t *testing.T) {
	t.Parallel()
	v := verifier(t)
	ctx := context.Background()
	ali := ports.SMSAccount{Provider: "aliyun", AccessKeyID: "LTAI5tKey", SignName: "莲花茶饮"}
	ten := ports.SMSAccount{Provider: "tencent", AccessKeyID: "AKIDkey", SignName: "莲花茶饮", SDKAppID: "1400787878"}
	require.NoError(t, v.Verify(ctx, ali, "ali-secret"))
	require.NoError(t, v.Verify(ctx, ten, "tc-secret"))

	var pe *ports.ProviderError
	require.True(t, errors.As(v.Verify(ctx, ali, "wrong"), &pe))
	require.Equal(t, ports.ProviderError{Provider: "aliyun", Code: "SignatureDoesNotMatch", Message: pe.Message}, *pe)
	require.True(t, errors.As(v.Verify(ctx, ten, "wrong"), &pe))
	require.Equal(t, ports.ProviderError{Provider: "tencent", Code: "AuthFailure.SignatureFailure", Message: pe.Message}, *pe)
}

func TestVerifierRefusesOtherProviders(t *testing.T) {
	t.Parallel()
	v := verifier(t)
	for _, provider := range []string{"", "huawei", "Aliyun"} {
		err := v.Verify(context.Background(), ports.SMSAccount{Provider: provider, AccessKeyID: "x", SignName: "y"}, "s")
		require.ErrorIs(t, err, sms.ErrUnknownProvider, provider)
	}
	err := sms.NewVerifier(nil, nil).Verify(context.Background(), ports.SMSAccount{Provider: "aliyun"}, "s")
	require.ErrorIs(t, err, sms.ErrUnknownProvider)
}
