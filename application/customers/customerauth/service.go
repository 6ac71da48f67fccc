// Package customerauth is how a brand's customers sign in from its WeChat Mini Program: the
// wx.login code is exchanged with WeChat (code2session) for the user's OpenID and UnionID,
// which find the customer, merge them with the accounts they have in the brand's other WeChat
// apps, or create them; the customer gets a short-lived token bound to the brand and to
// themselves. It also links the phone number a customer shares through getPhoneNumber.
package customerauth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Errors of login and phone linking. Those caused by WeChat also wrap its *ports.ProviderError.
var (
	// ErrNotConfigured: the brand's Mini Program AppID or AppSecret is missing, or WeChat
	// refuses them.
	ErrNotConfigured = errors.New("the brand's Mini Program is not set up for login")
	// ErrInvalidCode: WeChat does not know the code, it expired, or it was used already.
	ErrInvalidCode = errors.New("the code is invalid, expired or already used")
	// ErrRateLimited: WeChat refuses the brand's Mini Program for calling too often this minute.
	ErrRateLimited = errors.New("WeChat limits the brand's Mini Program; retry in a minute")
	// ErrLoginBlocked: WeChat blocks the login of a user it rates as high risk.
	ErrLoginBlocked = errors.New("WeChat blocked this user's login")
	// ErrWeChatUnavailable: WeChat could not be reached or failed.
	ErrWeChatUnavailable = errors.New("WeChat is unavailable")
	// ErrUnusablePhone: WeChat's number is not one a profile can hold.
	ErrUnusablePhone = errors.New("the phone number WeChat gave is not a valid mobile number")
)

// Deps are what the service needs.
type Deps struct {
	Tx        ports.Transactor
	Accounts  ports.WeChatAccountRepository
	Customers *customers.Service
	// Channels gives the brand's Mini Program AppID and AppSecret.
	Channels *channels.Service
	WeChat   ports.WeChatMiniProgram
	// AccessTokens gives the Mini Program's access token (a cache, normally).
	AccessTokens ports.WeChatAccessTokens
	Tenants      *tenants.Directory
	Audit        ports.AuditLog
	// Publisher announces a customer's first login (customer.FirstLogin).
	Publisher ports.EventPublisher
	Clock     ports.Clock
	// TokenKey signs customer tokens; at least MinKeyLen bytes.
	TokenKey []byte
	// Links records logins on accounts; Sessions keeps the cut-offs of customers' tokens;
	// Families keeps which refresh token of each login is current.
	Links    ports.WeChatLinkRepository
	Sessions ports.CustomerSessions
	Families ports.CustomerRefreshFamilies
	// Production refuses development tokens.
	Production bool
}

// Service runs customer login, token refresh and phone linking.
type Service struct {
	d       Deps
	tokens  *Tokens
	refresh refreshTokens
}

// NewService returns the service, or an error for a token key that is too short.
func NewService(d Deps) (*Service, error) {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	tokens, err := NewTokens(d.TokenKey, d.Clock)
	if err != nil {
		return nil, err
	}
	return &Service{d: d, tokens: tokens, refresh: newRefreshTokens(d.TokenKey)}, nil
}

// Login is a signed-in customer: their token and when it expires, the refresh token that gets
// the next one and when that expires, and whether this login created them.
type Login struct {
	Token            string
	ExpiresAt        time.Time
	RefreshToken     string
	RefreshExpiresAt time.Time
	CustomerID       uuid.UUID
	New              bool
}

// Login exchanges a wx.login code from tenant's Mini Program for a customer token. The
// customer is the one whose account in the Mini Program has the code's OpenID; else, when
// WeChat gives a UnionID, the one whose account in another of the brand's apps (its Official
// Account) has it, and the Mini Program account is linked to them; else a new customer, created
// and linked. Finding, creating and linking happen in one tenant transaction, audited with
// the customer as the actor.
func (s *Service) Login(ctx context.Context, tenant tenants.ID, code string) (Login, error) {
	appID, secret, err := s.credentials(ctx, tenant)
	if err != nil {
		return Login{}, err
	}
	session, err := s.d.WeChat.Code2Session(ctx, appID, secret, code)
	if err != nil {
		return Login{}, wechatError(err)
	}

	var (
		out    Login
		family ports.RefreshFamily
	)
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		lock := "open:" + appID + ":" + session.OpenID
		if session.UnionID != "" {
			lock = "union:" + session.UnionID
		}
		if err := s.d.Accounts.Lock(ctx, lock); err != nil {
			return err
		}
		account, err := s.d.Accounts.Get(ctx, appID, session.OpenID)
		switch {
		case err == nil:
			out.CustomerID = account.CustomerID
			if account.UnionID == "" && session.UnionID != "" {
				if err := s.d.Accounts.SetUnionID(ctx, appID, session.OpenID, session.UnionID); err != nil {
					return err
				}
			}
			family, err = s.admit(ctx, appID, session.OpenID, out.CustomerID)
			return err
		case !errors.Is(err, ports.ErrWeChatAccountNotFound):
			return err
		}

		matched := "new_customer"
		if session.UnionID != "" {
			other, err := s.d.Accounts.FirstByUnionID(ctx, session.UnionID)
			switch {
			case err == nil:
				out.CustomerID, matched = other.CustomerID, "union_id"
			case !errors.Is(err, ports.ErrWeChatAccountNotFound):
				return err
			}
		}
		if out.CustomerID == uuid.Nil {
			out.CustomerID, out.New = uuid.New(), true
		}
		ctx = ports.WithActor(ctx, CustomerActor(ports.ActorFrom(ctx), out.CustomerID))
		if out.New {
			if _, err := s.d.Customers.CreateTx(ctx, out.CustomerID, customers.Patch{}); err != nil {
				return err
			}
		}
		if err := s.d.Accounts.Insert(ctx, ports.WeChatAccount{AppID: appID, OpenID: session.OpenID, UnionID: session.UnionID,
			CustomerID: out.CustomerID, LinkedAt: s.d.Clock.Now()}); err != nil {
			return err
		}
		if family, err = s.admit(ctx, appID, session.OpenID, out.CustomerID); err != nil {
			return err
		}
		if err := s.firstLogin(ctx, appID, out.CustomerID); err != nil {
			return err
		}
		// The trail keeps the app, not the OpenID: it is personal data an erasure removes.
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "customer.wechat_link", TargetType: "customer",
			TargetID: out.CustomerID.String(), After: map[string]any{"app_id": appID, "matched_by": matched}})
	})
	if err != nil {
		return Login{}, err
	}
	return s.issue(tenant, out, family), nil
}

// firstLogin announces the customer's first login through a Mini Program account, the one
// just linked to them.
func (s *Service) firstLogin(ctx context.Context, appID string, customerID uuid.UUID) error {
	if s.d.Publisher == nil {
		return nil
	}
	return s.d.Publisher.Publish(ctx, customer.FirstLogin, customer.FirstLoggedIn{CustomerID: customerID, AppID: appID})
}

// issue completes out with a customer token and the current refresh token of family.
func (s *Service) issue(tenant tenants.ID, out Login, family ports.RefreshFamily) Login {
	var claims Claims
	out.Token, claims = s.tokens.Issue(tenant, out.CustomerID)
	out.ExpiresAt = claims.ExpiresAt
	out.RefreshToken = s.refresh.issue(refreshClaims{TenantID: tenant.UUID(), FamilyID: family.ID, Generation: family.Generation})
	out.RefreshExpiresAt = family.ExpiresAt
	return out
}

// admit records a login through an account, which answers any request to authorise again, and
// starts the login's refresh token family.
func (s *Service) admit(ctx context.Context, appID, openID string, customer uuid.UUID) (ports.RefreshFamily, error) {
	if err := s.d.Links.RecordLogin(ctx, appID, openID, s.d.Clock.Now()); err != nil {
		return ports.RefreshFamily{}, err
	}
	return s.startFamily(ctx, customer)
}

// startFamily lets the customer's tokens issued from this second on through a cut-off an admin
// set, and starts a refresh token family for the login, purging the customer's families that
// are of no more use.
func (s *Service) startFamily(ctx context.Context, customer uuid.UUID) (ports.RefreshFamily, error) {
	now := s.d.Clock.Now()
	at := issuedAt(now)
	if err := s.d.Sessions.Admit(ctx, customer, at); err != nil {
		return ports.RefreshFamily{}, err
	}
	if err := s.d.Families.Purge(ctx, customer, now); err != nil {
		return ports.RefreshFamily{}, err
	}
	f := ports.RefreshFamily{ID: uuid.New(), CustomerID: customer, Generation: 1, AuthenticatedAt: at,
		ExpiresAt: refreshExpiry(now, at)}
	return f, s.d.Families.Insert(ctx, f)
}

// refreshExpiry is when a refresh token issued at now, of a login at authenticated, expires.
func refreshExpiry(now, authenticated time.Time) time.Time {
	end := now.Add(RefreshTTL)
	if last := authenticated.Add(RefreshFamilyTTL); last.Before(end) {
		end = last
	}
	return end.UTC().Truncate(time.Second)
}

// issuedAt is the issue time a token issued at now carries: tokens count in whole seconds.
func issuedAt(now time.Time) time.Time { return now.Add(TokenTTL).Truncate(time.Second).Add(-TokenTTL) }

// CutOff makes the customer's tokens issued until now stop working, in the caller's tenant
// transaction: an admin disconnected, re-authorised or moved one of their WeChat accounts.
func (s *Service) CutOff(ctx context.Context, customer uuid.UUID) error {
	// Tokens carry whole seconds: those of this second are cut off too.
	return s.d.Sessions.CutOff(ctx, customer, issuedAt(s.d.Clock.Now()).Add(time.Second))
}

// Customer is a customer authenticated by their token.
type Customer struct {
	Tenant     tenants.Tenant
	CustomerID uuid.UUID
	TokenID    uuid.UUID
}

// Authenticate checks a customer token: its signature and expiry, that its brand exists and is
// active, that the customer is one of that brand's, and that it was not issued before an admin
// cut the customer's tokens off (one indexed read). It returns ErrUnauthenticated (or
// ErrTokenExpired) for any token that fails, ErrTokenRevoked for a cut-off one, and
// tenants.ErrSuspended for a suspended brand.
func (s *Service) Authenticate(ctx context.Context, token string) (Customer, error) {
	claims, err := s.tokens.Verify(token)
	if err != nil {
		return Customer{}, err
	}
	t, err := s.d.Tenants.Resolve(ctx, claims.TenantID)
	switch {
	case errors.Is(err, tenants.ErrNotFound):
		return Customer{}, ErrUnauthenticated
	case err != nil:
		return Customer{}, err
	case !t.Active():
		return Customer{}, tenants.ErrSuspended
	}
	var (
		exists    bool
		notBefore time.Time
	)
	err = s.d.Tx.ReadInTenant(ctx, t.ID, func(ctx context.Context) error {
		exists, notBefore, err = s.d.Sessions.NotBefore(ctx, claims.CustomerID)
		return err
	})
	switch {
	case err != nil:
		return Customer{}, err
	case !exists:
		return Customer{}, ErrUnauthenticated
	case claims.ExpiresAt.Add(-TokenTTL).Before(notBefore):
		return Customer{}, ErrTokenRevoked
	}
	return Customer{Tenant: t, CustomerID: claims.CustomerID, TokenID: claims.TokenID}, nil
}

// CustomerActor is base (the request's ID, address and agent) as the customer acting for
// themselves.
func CustomerActor(base ports.Actor, customerID uuid.UUID) ports.Actor {
	base.Kind, base.ID, base.Label = ports.ActorCustomer, customerID.String(), "customer"
	return base
}

// LinkPhone exchanges a getPhoneNumber code from tenant's Mini Program for the phone number the
// customer shares and sets it on their profile (audited, as customers.Service.Update does).
// The number is normalised to E.164; ports.ErrPhoneTaken when another customer has it.
func (s *Service) LinkPhone(ctx context.Context, tenant tenants.ID, customerID uuid.UUID, code string) (customer.Customer, error) {
	appID, secret, err := s.credentials(ctx, tenant)
	if err != nil {
		return customer.Customer{}, err
	}
	info, err := s.phoneNumber(ctx, appID, secret, code)
	if err != nil {
		return customer.Customer{}, err
	}
	raw := info.PhoneNumber
	if info.CountryCode != "" && info.PurePhoneNumber != "" {
		raw = "+" + info.CountryCode + info.PurePhoneNumber
	}
	phone, err := customer.NormalisePhone(raw)
	if err != nil {
		return customer.Customer{}, fmt.Errorf("%w: %w", ErrUnusablePhone, err)
	}
	return s.d.Customers.Update(ctx, tenant, customerID, customers.Patch{Phone: &phone})
}

// phoneNumber asks WeChat with the Mini Program's access token; a token WeChat no longer
// accepts (another process forced a new one) is refreshed once, which spends no code.
func (s *Service) phoneNumber(ctx context.Context, appID, secret, code string) (ports.WeChatPhone, error) {
	for force := false; ; force = true {
		token, _, err := s.d.AccessTokens.StableToken(ctx, appID, secret, force)
		if err != nil {
			return ports.WeChatPhone{}, wechatError(err)
		}
		info, err := s.d.WeChat.PhoneNumber(ctx, token, code)
		var pe *ports.ProviderError
		if !force && errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "42001") {
			continue
		}
		if err != nil {
			return ports.WeChatPhone{}, wechatError(err)
		}
		return info, nil
	}
}

// credentials are the AppID and AppSecret of tenant's Mini Program.
func (s *Service) credentials(ctx context.Context, tenant tenants.ID) (appID, secret string, err error) {
	appID, secret, err = s.d.Channels.WeChatCredentials(ctx, tenant, ports.ChannelWeChatMiniProgram)
	if errors.Is(err, ports.ErrChannelNotConfigured) || errors.Is(err, channels.ErrNoSecret) {
		return "", "", fmt.Errorf("%w: %w", ErrNotConfigured, err)
	}
	return appID, secret, err
}

// wechatError classifies a failed WeChat call by WeChat's errcode, keeping the original.
func wechatError(err error) error {
	var pe *ports.ProviderError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%w: %w", ErrWeChatUnavailable, err)
	}
	switch pe.Code {
	case "40029", "40163", "41008":
		return fmt.Errorf("%w: %w", ErrInvalidCode, err)
	case "45011":
		return fmt.Errorf("%w: %w", ErrRateLimited, err)
	case "40226":
		return fmt.Errorf("%w: %w", ErrLoginBlocked, err)
	case "40013", "40125", "41002", "41004":
		return fmt.Errorf("%w: %w", ErrNotConfigured, err)
	}
	return fmt.Errorf("%w: %w", ErrWeChatUnavailable, err)
}
