package ports

import (
	"context"
	"errors"
	"time"
)

// SMSAccount is a brand's SMS provider account, without its secret.
type SMSAccount struct {
	// Provider is "aliyun" or "tencent".
	Provider string
	// AccessKeyID is Aliyun's AccessKey ID or Tencent Cloud's SecretId.
	AccessKeyID string
	// SignName is the approved signature shown in messages, e.g. 【莲花茶饮】.
	SignName string
	// SDKAppID is Tencent Cloud's SMS application ID (Tencent only).
	SDKAppID string
	// Region is the provider region, e.g. cn-hangzhou or ap-guangzhou.
	Region string
}

// SMSVerifier checks an SMS account: that the provider accepts its signed request and that the
// signature name is approved.
type SMSVerifier interface {
	Verify(ctx context.Context, account SMSAccount, secret string) error
}

// SMTPAccount is a brand's mail server, without its password.
type SMTPAccount struct {
	Host     string
	Port     int
	Username string
	From     string
	// TLS is "starttls", "tls" (implicit) or "none".
	TLS string
}

// SMTPVerifier checks a mail server: that it answers, speaks the TLS mode, and accepts the login.
type SMTPVerifier interface {
	Verify(ctx context.Context, account SMTPAccount, password string) error
}

// Channels a brand configures.
const (
	ChannelWeChatOfficialAccount = "wechat_official_account"
	ChannelWeChatMiniProgram     = "wechat_mini_program"
	ChannelSMS                   = "sms"
	ChannelSMTP                  = "smtp"
)

// ChannelSettings is one channel's stored configuration and the outcome of its last test.
type ChannelSettings struct {
	Channel   string
	Config    []byte // JSON of the channel's account type
	TestedAt  *time.Time
	TestError string
	UpdatedAt time.Time
}

// ErrChannelNotConfigured is returned for a channel a brand has not set up.
var ErrChannelNotConfigured = errors.New("channel not configured")

// ChannelSettingsRepository keeps a tenant's channel settings in its tenant transaction.
type ChannelSettingsRepository interface {
	List(ctx context.Context) ([]ChannelSettings, error)
	// Get returns a channel's settings or ErrChannelNotConfigured.
	Get(ctx context.Context, channel string) (ChannelSettings, error)
	Put(ctx context.Context, s ChannelSettings) error
	// RecordTest stores the outcome of a connection test ("" for success).
	RecordTest(ctx context.Context, channel string, at time.Time, testError string) error
}
