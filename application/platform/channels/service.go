// Package channels is a brand's channel settings: its WeChat Official Account and Mini Program,
// its SMS provider and its mail server. Settings and their secrets are saved together in one
// audited transaction, and each channel can be tested against its provider.
package channels

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"

	"github.com/engagehq/engage/application/platform/secrets"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// WeChatApp is a WeChat Official Account or Mini Program.
type WeChatApp struct {
	AppID string `json:"app_id"`
}

// Settings is everything a brand set up, channel by channel, with the hints of their secrets.
type Settings struct {
	OfficialAccount *WeChatApp
	MiniProgram     *WeChatApp
	SMS             *ports.SMSAccount
	SMTP            *ports.SMTPAccount
	// Secrets maps a channel to the masked hint of its secret ("" when none is stored).
	Secrets map[string]string
	// Tests maps a channel to its last test, for channels that were tested.
	Tests map[string]TestResult
}

// secretNames is where each channel's secret is kept among the tenant's secrets.
var secretNames = map[string]string{
	ports.ChannelWeChatOfficialAccount: "wechat.official_account.app_secret",
	ports.ChannelWeChatMiniProgram:     "wechat.mini_program.app_secret",
	ports.ChannelSMS:                   "sms.access_key_secret",
	ports.ChannelSMTP:                  "smtp.password",
}

// Verifiers check channels with their providers.
type Verifiers struct {
	WeChat ports.WeChatAccessTokens
	SMS    ports.SMSVerifier
	SMTP   ports.SMTPVerifier
}

// Deps are what the service needs.
type Deps struct {
	Tx       ports.Transactor
	Settings ports.ChannelSettingsRepository
	// Secrets keeps each channel's credential.
	Secrets   *secrets.Service
	Audit     ports.AuditLog
	Verifiers Verifiers
	// Clock defaults to the wall clock.
	Clock ports.Clock
}

// Service runs the channel settings use cases.
type Service struct {
	tx       ports.Transactor
	repo     ports.ChannelSettingsRepository
	secrets  *secrets.Service
	audit    ports.AuditLog
	verifier Verifiers
	clock    ports.Clock
}

// NewService returns the channels service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{tx: d.Tx, repo: d.Settings, secrets: d.Secrets, audit: d.Audit, verifier: d.Verifiers, clock: d.Clock}
}

// Get returns tenant's channel settings.
func (s *Service) Get(ctx context.Context, tenant tenants.ID) (Settings, error) {
	out := Settings{Secrets: map[string]string{}, Tests: map[string]TestResult{}}
	stored, err := ports.ReadInTenant(ctx, s.tx, tenant, s.repo.List)
	if err != nil {
		return out, err
	}
	for _, c := range stored {
		var target any
		switch c.Channel {
		case ports.ChannelWeChatOfficialAccount:
			out.OfficialAccount = &WeChatApp{}
			target = out.OfficialAccount
		case ports.ChannelWeChatMiniProgram:
			out.MiniProgram = &WeChatApp{}
			target = out.MiniProgram
		case ports.ChannelSMS:
			out.SMS = &ports.SMSAccount{}
			target = out.SMS
		case ports.ChannelSMTP:
			out.SMTP = &ports.SMTPAccount{}
			target = out.SMTP
		}
		if err := json.Unmarshal(c.Config, target); err != nil {
			return out, fmt.Errorf("channel %s: %w", c.Channel, err)
		}
		if c.TestedAt != nil {
			out.Tests[c.Channel] = storedResult(c)
		}
	}
	masked, err := s.secrets.List(ctx, tenant)
	if err != nil {
		return out, err
	}
	for channel, name := range secretNames {
		for _, m := range masked {
			if m.Name == name {
				out.Secrets[channel] = m.Hint
			}
		}
	}
	return out, nil
}

var (
	appIDPattern    = regexp.MustCompile(`^wx[0-9a-f]{16}$`)
	hostPattern     = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$`)
	regionPattern   = regexp.MustCompile(`^[a-z]{2}-[a-z0-9-]{2,30}$`)
	keyIDPattern    = regexp.MustCompile(`^[A-Za-z0-9]{8,64}$`)
	sdkAppIDPattern = regexp.MustCompile(`^[0-9]{6,12}$`)
)

func fieldErr(field, msg string) error {
	return fielderr.New(field, errors.New(msg))
}

// validate checks a channel's configuration and returns it as stored JSON.
func validate(channel string, cfg any) ([]byte, error) {
	var errs []error
	switch c := cfg.(type) {
	case WeChatApp:
		if !appIDPattern.MatchString(c.AppID) {
			errs = append(errs, fieldErr("app_id", "a WeChat AppID is wx followed by 16 hexadecimal characters"))
		}
	case ports.SMSAccount:
		if !slices.Contains([]string{"aliyun", "tencent"}, c.Provider) {
			errs = append(errs, fieldErr("provider", "provider must be aliyun or tencent"))
		}
		if !keyIDPattern.MatchString(c.AccessKeyID) {
			errs = append(errs, fieldErr("access_key_id", "an access key ID is 8-64 letters and digits"))
		}
		if n := len([]rune(strings.TrimSpace(c.SignName))); n < 2 || n > 12 {
			errs = append(errs, fieldErr("sign_name", "a signature name is 2-12 characters"))
		}
		if !regionPattern.MatchString(c.Region) {
			errs = append(errs, fieldErr("region", "a region looks like cn-hangzhou or ap-guangzhou"))
		}
		if c.Provider == "tencent" && !sdkAppIDPattern.MatchString(c.SDKAppID) {
			errs = append(errs, fieldErr("sdk_app_id", "Tencent Cloud SMS needs its SdkAppId, 6-12 digits"))
		}
	case ports.SMTPAccount:
		if !hostPattern.MatchString(c.Host) {
			errs = append(errs, fieldErr("host", "not a host name"))
		}
		if c.Port < 1 || c.Port > 65535 {
			errs = append(errs, fieldErr("port", "ports are 1-65535"))
		}
		if a, err := mail.ParseAddress(c.From); err != nil || a.Address == "" {
			errs = append(errs, fieldErr("from", "not an email address"))
		}
		if !slices.Contains([]string{"starttls", "tls", "none"}, c.TLS) {
			errs = append(errs, fieldErr("tls", "TLS is starttls, tls or none"))
		}
	default:
		return nil, fmt.Errorf("channels: no configuration type for %s", channel)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return json.Marshal(cfg)
}

// Save stores a channel's configuration and, when secret is not empty, its secret, in one
// audited transaction. An empty secret keeps the stored one.
func (s *Service) Save(ctx context.Context, tenant tenants.ID, channel string, cfg any, secret string) error {
	name, ok := secretNames[channel]
	if !ok {
		return fmt.Errorf("channels: unknown channel %q", channel)
	}
	raw, err := validate(channel, cfg)
	if err != nil {
		return err
	}
	return s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.repo.Get(ctx, channel)
		var prior any
		switch {
		case err == nil:
			prior = json.RawMessage(before.Config)
		case !errors.Is(err, ports.ErrChannelNotConfigured):
			return err
		}
		if err := s.repo.Put(ctx, ports.ChannelSettings{Channel: channel, Config: raw}); err != nil {
			return err
		}
		if secret != "" {
			if _, err := s.secrets.SetInTx(ctx, tenant, name, secret); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, ports.AuditEntry{Action: "channel.save", TargetType: "channel", TargetID: channel,
			Before: prior, After: json.RawMessage(raw)})
	})
}

// ErrNoSecret is returned when testing a channel whose secret was never stored.
var ErrNoSecret = errors.New("the channel's secret is not set")

// Test checks a channel with its provider and records the outcome, which it returns as a
// person is told it (the detail, for the log, in its Detail). The error is for a channel that
// cannot be tested: not configured (ports.ErrChannelNotConfigured), no secret (ErrNoSecret).
func (s *Service) Test(ctx context.Context, tenant tenants.ID, channel string) (TestResult, error) {
	settings, err := s.Get(ctx, tenant)
	if err != nil {
		return TestResult{}, err
	}
	secret, err := s.secrets.Reveal(ctx, tenant, secretNames[channel])
	if errors.Is(err, ports.ErrSecretNotFound) {
		return TestResult{}, ErrNoSecret
	}
	if err != nil {
		return TestResult{}, err
	}
	var outcome error
	switch channel {
	case ports.ChannelWeChatOfficialAccount, ports.ChannelWeChatMiniProgram:
		app := settings.OfficialAccount
		if channel == ports.ChannelWeChatMiniProgram {
			app = settings.MiniProgram
		}
		if app == nil {
			return TestResult{}, ports.ErrChannelNotConfigured
		}
		_, _, outcome = s.verifier.WeChat.StableToken(ctx, app.AppID, secret, false)
	case ports.ChannelSMS:
		if settings.SMS == nil {
			return TestResult{}, ports.ErrChannelNotConfigured
		}
		outcome = s.verifier.SMS.Verify(ctx, *settings.SMS, secret)
	case ports.ChannelSMTP:
		if settings.SMTP == nil {
			return TestResult{}, ports.ErrChannelNotConfigured
		}
		outcome = s.verifier.SMTP.Verify(ctx, *settings.SMTP, secret)
	default:
		return TestResult{}, fmt.Errorf("channels: unknown channel %q", channel)
	}
	result := resultOf(outcome, s.clock.Now())
	if err := s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		return s.repo.RecordTest(ctx, channel, result.At, result.stored())
	}); err != nil {
		return TestResult{}, err
	}
	return result, nil
}
