package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Alerts email a brand's owners and admins, through the brand's own mail server, when one of
// its endpoints is disabled. The zero value sends no email; the audit entry and the console's
// notice alert them anyway.
type Alerts struct {
	// Mail is the brand's mail server (the channels service).
	Mail interface {
		SMTPCredentials(ctx context.Context, tenant tenants.ID) (ports.SMTPAccount, string, error)
	}
	// Admins lists the brand's members (the access service).
	Admins interface {
		Members(ctx context.Context, tenant tenants.ID) ([]ports.Membership, error)
	}
	Email ports.EmailSender
}

func (a Alerts) enabled() bool { return a.Mail != nil && a.Admins != nil && a.Email != nil }

// AlertArgs is the job that emails the admins about a disabled endpoint.
type AlertArgs struct {
	TenantID   uuid.UUID `json:"tenant_id"`
	EndpointID uuid.UUID `json:"endpoint_id"`
	Reason     string    `json:"reason"`
}

// Kind names the job.
func (AlertArgs) Kind() string { return "webhook_disabled_alert" }

// reasons say why an endpoint was disabled, in Chinese and English.
var reasons = map[string][2]string{
	webhook.ReasonGone:    {"接收方返回 410 Gone", "the receiver answered 410 Gone"},
	webhook.ReasonFailing: {"持续推送失败", "deliveries kept failing"},
}

// Alert emails the brand's owners and admins that an endpoint was disabled: the job's work.
// A brand without a mail server, or without an owner or admin, gets no email. The message
// names the endpoint's host only: the rest of a URL may carry the receiver's token.
func (s *Service) Alert(ctx context.Context, args AlertArgs) error {
	if !s.d.Alerts.enabled() {
		return nil
	}
	t, err := s.d.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return err
	}
	e, err := s.Get(ctx, t.ID, args.EndpointID)
	if errors.Is(err, ports.ErrWebhookNotFound) {
		return nil // deleted since
	}
	if err != nil {
		return err
	}
	account, password, err := s.d.Alerts.Mail.SMTPCredentials(ctx, t.ID)
	if errors.Is(err, ports.ErrChannelNotConfigured) {
		return nil
	}
	if err != nil {
		return err
	}
	members, err := s.d.Alerts.Admins.Members(ctx, t.ID)
	if err != nil {
		return err
	}
	var to []string
	for _, m := range members {
		if slices.Contains(m.Roles, access.RoleOwner) || slices.Contains(m.Roles, access.RoleAdmin) {
			to = append(to, m.Email)
		}
	}
	if len(to) == 0 {
		return nil
	}
	host := ""
	if u, err := url.Parse(e.URL); err == nil {
		host = u.Host
	}
	why := reasons[args.Reason]
	text := fmt.Sprintf("品牌「%s」的 Webhook 接收地址 %s 已被停用：%s。修复接收方后，请在控制台的 Webhooks 页面点击“恢复”；停用期间的事件不会补发。\n\n"+
		"The webhook endpoint %s of %s was disabled: %s. Fix the receiver, then resume it on the console's Webhooks page; "+
		"events from while it was disabled are not sent.\n", t.Name, host, why[0], host, t.Name, why[1])
	return s.d.Alerts.Email.SendEmail(ctx, account, password, ports.Email{To: to,
		Subject: "Webhook 接收地址已停用 / Webhook endpoint disabled: " + host, Text: text})
}
