// Package wechataccounts is what a brand's admins do with their customers' WeChat accounts:
// see the accounts linked to a customer, disconnect one, ask the customer to authorise again,
// move an account to another customer profile, and import the brand's Official Account fan
// tags onto the customers they belong to. It also stores the nickname and avatar a customer
// authorises in the Mini Program.
package wechataccounts

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Kinds of the app an account belongs to, from the brand's channel settings.
const (
	KindMiniProgram     = "mini_program"
	KindOfficialAccount = "official_account"
	// KindOther is an app the brand no longer has among its channels.
	KindOther = "other"
)

// Statuses of a link.
const (
	StatusActive = "active"
	// StatusReauthRequired: an admin asked the customer to log in from WeChat again.
	StatusReauthRequired = "reauth_required"
)

// Errors of the service.
var (
	// ErrAmbiguousOpenID: the OpenID is linked in several of the brand's apps; name the app.
	ErrAmbiguousOpenID = errors.New("the OpenID is linked in several apps; say which")
	// ErrNotConfigured: the brand has not set up the channel the action needs.
	ErrNotConfigured = errors.New("the brand's WeChat channel is not set up")
)

// TokenCutter stops a customer's current tokens (customerauth.Service).
type TokenCutter interface {
	CutOff(ctx context.Context, customer uuid.UUID) error
}

// Deps are what the service needs.
type Deps struct {
	Tx       ports.Transactor
	Accounts ports.WeChatAccountRepository
	Links    ports.WeChatLinkRepository
	Members  ports.MemberStatusReader
	Tokens   TokenCutter
	// Customers stores the imported avatar and nickname on the profile, audited.
	Customers *customers.Service
	// Channels tells which app is the Mini Program and which the Official Account, with its
	// AppSecret for the fan tag import.
	Channels        *channels.Service
	Imports         ports.FanTagImportRepository
	Jobs            ports.JobScheduler
	OfficialAccount ports.WeChatOfficialAccount
	AccessTokens    ports.WeChatAccessTokens
	Tags            ports.TagAssigner
	Tenants         *tenants.Directory
	Audit           ports.AuditLog
	Clock           ports.Clock
}

// Service runs the use cases.
type Service struct{ d Deps }

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{d: d}
}

// Link is a customer's WeChat account as admins see it.
type Link struct {
	ports.WeChatLink
	// Kind is the app's kind: mini_program, official_account or other.
	Kind   string
	Status string
}

// kinds maps the brand's app IDs to their kinds.
func (s *Service) kinds(ctx context.Context, tenant tenants.ID) (map[string]string, error) {
	set, err := s.d.Channels.Get(ctx, tenant)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	if set.OfficialAccount != nil {
		out[set.OfficialAccount.AppID] = KindOfficialAccount
	}
	if set.MiniProgram != nil {
		out[set.MiniProgram.AppID] = KindMiniProgram
	}
	return out, nil
}

func link(l ports.WeChatLink, kinds map[string]string) Link {
	out := Link{WeChatLink: l, Kind: kinds[l.AppID], Status: StatusActive}
	if out.Kind == "" {
		out.Kind = KindOther
	}
	if l.ReauthRequestedAt != nil {
		out.Status = StatusReauthRequired
	}
	return out
}

// List returns the WeChat accounts linked to a customer, or ports.ErrCustomerNotFound.
func (s *Service) List(ctx context.Context, tenant tenants.ID, customerID uuid.UUID) ([]Link, error) {
	kinds, err := s.kinds(ctx, tenant)
	if err != nil {
		return nil, err
	}
	links, err := ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) ([]ports.WeChatLink, error) {
		if _, err := s.d.Members.MemberStatus(ctx, customerID); err != nil {
			return nil, err
		}
		return s.d.Links.ListByCustomer(ctx, customerID)
	})
	if err != nil {
		return nil, err
	}
	out := make([]Link, len(links))
	for i, l := range links {
		out[i] = link(l, kinds)
	}
	return out, nil
}

// lock takes the locks a login of the account takes, so that a login and an admin's change of
// the same account happen one after the other.
func (s *Service) lock(ctx context.Context, a ports.WeChatAccount) error {
	if err := s.d.Accounts.Lock(ctx, "open:"+a.AppID+":"+a.OpenID); err != nil {
		return err
	}
	if a.UnionID != "" {
		return s.d.Accounts.Lock(ctx, "union:"+a.UnionID)
	}
	return nil
}

// customerAccount is the customer's account with openID, locked, or ErrWeChatAccountNotFound.
func (s *Service) customerAccount(ctx context.Context, customerID uuid.UUID, openID string) (ports.WeChatLink, error) {
	links, err := s.d.Links.ListByCustomer(ctx, customerID)
	if err != nil {
		return ports.WeChatLink{}, err
	}
	for _, l := range links {
		if l.OpenID == openID {
			return l, s.lock(ctx, l.WeChatAccount)
		}
	}
	return ports.WeChatLink{}, ports.ErrWeChatAccountNotFound
}

// Disconnect removes the customer's account with openID and stops the customer's current
// tokens, audited. The customer's next login with that WeChat account is a first login again:
// it finds the customer through another of their accounts with the same UnionID, or creates a
// new customer.
func (s *Service) Disconnect(ctx context.Context, tenant tenants.ID, customerID uuid.UUID, openID string) error {
	return s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		a, err := s.customerAccount(ctx, customerID, openID)
		if err != nil {
			return err
		}
		if err := s.d.Links.Delete(ctx, a.AppID, a.OpenID); err != nil {
			return err
		}
		if err := s.d.Tokens.CutOff(ctx, customerID); err != nil {
			return err
		}
		// The trail keeps the app, not the OpenID, as login does.
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "customer.wechat_disconnect", TargetType: "customer",
			TargetID: customerID.String(), Before: map[string]any{"app_id": a.AppID}})
	})
}

// Reauthorize marks the customer's account with openID as needing authorisation again and
// stops the customer's current tokens, audited: the Mini Program must log in again, which
// clears the mark.
func (s *Service) Reauthorize(ctx context.Context, tenant tenants.ID, customerID uuid.UUID, openID string) error {
	return s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		a, err := s.customerAccount(ctx, customerID, openID)
		if err != nil {
			return err
		}
		if err := s.d.Links.RequestReauth(ctx, a.AppID, a.OpenID, s.d.Clock.Now()); err != nil {
			return err
		}
		if err := s.d.Tokens.CutOff(ctx, customerID); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "customer.wechat_reauthorize", TargetType: "customer",
			TargetID: customerID.String(), After: map[string]any{"app_id": a.AppID}})
	})
}

// Move links the account with openID (in appID, or in whichever app has it when appID is
// empty) to customer target, audited: an admin maps a WeChat login to the customer's CRM
// profile. The previous customer's tokens stop. It returns ports.ErrWeChatAccountNotFound,
// ErrAmbiguousOpenID, ports.ErrCustomerNotFound for an unknown target, and
// ports.ErrWeChatAppTaken when the target has another account in the same app.
func (s *Service) Move(ctx context.Context, tenant tenants.ID, appID, openID string, target uuid.UUID) (Link, error) {
	kinds, err := s.kinds(ctx, tenant)
	if err != nil {
		return Link{}, err
	}
	var out ports.WeChatLink
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		found, err := s.d.Links.ByOpenID(ctx, openID)
		if err != nil {
			return err
		}
		var matches []ports.WeChatLink
		for _, l := range found {
			if appID == "" || l.AppID == appID {
				matches = append(matches, l)
			}
		}
		switch len(matches) {
		case 0:
			return ports.ErrWeChatAccountNotFound
		case 1:
		default:
			return ErrAmbiguousOpenID
		}
		out = matches[0]
		if err := s.lock(ctx, out.WeChatAccount); err != nil {
			return err
		}
		if _, err := s.d.Members.MemberStatus(ctx, target); err != nil {
			return err
		}
		from := out.CustomerID
		if from == target {
			return nil
		}
		now := s.d.Clock.Now()
		if err := s.d.Links.Move(ctx, out.AppID, out.OpenID, target, now); err != nil {
			return err
		}
		if err := s.d.Tokens.CutOff(ctx, from); err != nil {
			return err
		}
		out.CustomerID, out.LinkedAt, out.ReauthRequestedAt = target, now, nil
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "customer.wechat_move", TargetType: "customer", TargetID: target.String(),
			Before: map[string]any{"customer_id": from.String()}, After: map[string]any{"customer_id": target.String(), "app_id": out.AppID}})
	})
	if err != nil {
		return Link{}, err
	}
	return link(out, kinds), nil
}

// ImportProfile stores the nickname and avatar a customer authorised in the Mini Program: on
// their Mini Program account, and on their profile (the avatar always, the nickname as their
// name only while the profile has none). Field errors are *fielderr.Error.
func (s *Service) ImportProfile(ctx context.Context, tenant tenants.ID, customerID uuid.UUID, nickname, avatarURL string) (customer.Customer, error) {
	nickname, err := customer.CheckWeChatProfile(nickname, avatarURL)
	if err != nil {
		return customer.Customer{}, err
	}
	set, err := s.d.Channels.Get(ctx, tenant)
	if err != nil {
		return customer.Customer{}, err
	}
	if set.MiniProgram == nil {
		return customer.Customer{}, ErrNotConfigured
	}
	current, err := s.d.Customers.Get(ctx, tenant, customerID)
	if err != nil {
		return customer.Customer{}, err
	}
	patch := customers.Patch{AvatarURL: &avatarURL}
	if current.Name == "" {
		patch.Name = &nickname
	}
	updated, err := s.d.Customers.Update(ctx, tenant, customerID, patch)
	if err != nil {
		return customer.Customer{}, err
	}
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		err := s.d.Links.SetProfile(ctx, customerID, set.MiniProgram.AppID, nickname, avatarURL)
		if errors.Is(err, ports.ErrWeChatAccountNotFound) {
			return nil // an admin moved their Mini Program account away meanwhile
		}
		return err
	})
	return updated, err
}
