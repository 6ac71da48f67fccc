package aliyuntest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/sms/aliyun"
	"github.com/engagehq/engage/adapters/sms/aliyun/aliyuntest"
	"github.com/engagehq/engage/ports"
)

func TestTimestampsAreJudgedAgainstTheStandInClock(t *testing.T) {
	t.Parallel()
	srv := aliyuntest.New(t)
	srv.AddAccount("id", "secret")
	srv.AddSign("品牌", aliyuntest.SignApproved)
	c, err := aliyun.New(srv.URL())
	require.NoError(t, err)
	account := ports.SMSAccount{Provider: "aliyun", AccessKeyID: "id", SignName: "品牌"}

	srv.SetClock(func() time.Time { return time.Now().Add(aliyuntest.MaxSkew - time.Minute) })
	require.NoError(t, c.Verify(context.Background(), account, "secret"))
	srv.SetClock(func() time.Time { return time.Now().Add(aliyuntest.MaxSkew + time.Minute) })
	err = c.Verify(context.Background(), account, "secret")
	require.ErrorContains(t, err, "InvalidTimeStamp.Expired")
}

func TestSentReturnsACopy(t *testing.T) {
	t.Parallel()
	srv := aliyuntest.New(t)
	srv.AddAccount("id", "secret")
	srv.AddSign("品牌", aliyuntest.SignApproved)
	srv.AddTemplate("SMS_1")
	c, err := aliyun.New(srv.URL())
	require.NoError(t, err)
	account := ports.SMSAccount{Provider: "aliyun", AccessKeyID: "id", SignName: "品牌"}
	_, err = c.Send(context.Background(), account, "secret", "+8613800138000", "SMS_1", nil)
	require.NoError(t, err)
	sent := srv.Sent()
	require.Len(t, sent, 1)
	require.Nil(t, sent[0].TemplateParam)
	sent[0].PhoneNumbers = "changed"
	require.Equal(t, "+8613800138000", srv.Sent()[0].PhoneNumbers)
}
