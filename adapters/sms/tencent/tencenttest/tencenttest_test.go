package tencenttest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/sms/tencent"
	"github.com/engagehq/engage/adapters/sms/tencent/tencenttest"
	"github.com/engagehq/engage/ports"
)

// setup starts a stand-in knowing one key, app, sign and template, and a client for it.
func setup(t *testing.T) (*tencenttest.Server, *tencent.Client, ports.SMSAccount) {
	t.Helper()
	srv := tencenttest.New(t)
	srv.AddAccount("AKIDid", "key")
	srv.AddApp("1400000001")
	srv.AddSign("品牌", tencenttest.SignApproved)
	srv.AddTemplate("7", 0)
	c, err := tencent.New(srv.URL())
	require.NoError(t, err)
	return srv, c, ports.SMSAccount{Provider: "tencent", AccessKeyID: "AKIDid", SDKAppID: "1400000001", SignName: "品牌"}
}

func TestTimestampsAreJudgedAgainstTheStandInClock(t *testing.T) {
	t.Parallel()
	srv, c, account := setup(t)
	srv.SetClock(func() time.Time { return time.Now().Add(-tencenttest.MaxSkew + time.Minute) })
	require.NoError(t, c.Verify(context.Background(), account, "key"))
	srv.SetClock(func() time.Time { return time.Now().Add(-tencenttest.MaxSkew - time.Minute) })
	require.ErrorContains(t, c.Verify(context.Background(), account, "key"), "AuthFailure.SignatureExpire")
}

func TestSendsWithoutVariablesAreRecorded(t *testing.T) {
	t.Parallel()
	srv, c, account := setup(t)
	serial, err := c.Send(context.Background(), account, "key", "008613800138000", "7", nil)
	require.NoError(t, err)
	sent := srv.Sent()
	require.Len(t, sent, 1)
	require.Equal(t, serial, sent[0].SerialNo)
	require.Equal(t, "+8613800138000", sent[0].PhoneNumber)
	require.Empty(t, sent[0].TemplateParams)
	require.Equal(t, "ap-guangzhou", sent[0].Region)
}
