package customersapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// MiniLoginBody is a customer signed in from the Mini Program.
type MiniLoginBody struct {
	Token     string    `json:"token" doc:"The customer token, ect_...: send it as Authorization: Bearer <token>"`
	ExpiresAt time.Time `json:"expires_at" doc:"When the token stops working (2 hours); get the next with the refresh token"`
	// RefreshToken gets the next customer token without WeChat.
	RefreshToken     string    `json:"refresh_token" doc:"The refresh token, ecr_...: send it once to POST /v1/mini/{tenant}/refresh for the next customer token and refresh token. Keep it in the Mini Program's storage, never in logs."`
	RefreshExpiresAt time.Time `json:"refresh_expires_at" doc:"When the refresh token stops working unused (30 days; at most 90 days after the login)"`
	CustomerID       string    `json:"customer_id" format:"uuid"`
	New              bool      `json:"new" doc:"Whether this login created the customer"`
}

// MiniLogin is a login as the API answers it.
func MiniLogin(l customerauth.Login) MiniLoginBody {
	return MiniLoginBody{Token: l.Token, ExpiresAt: l.ExpiresAt, RefreshToken: l.RefreshToken, RefreshExpiresAt: l.RefreshExpiresAt,
		CustomerID: l.CustomerID.String(), New: l.New}
}

// RefreshRequest is a refresh token to exchange.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token" minLength:"1" maxLength:"256" doc:"The latest refresh token the brand's login or refresh gave"`
}

type miniRefreshInput struct {
	Tenant string `path:"tenant" maxLength:"64" doc:"The brand's slug or ID"`
	Body   RefreshRequest
}

// loginCodeBody is a Mini Program login request.
type loginCodeBody struct {
	Code string `json:"code" minLength:"1" maxLength:"128" doc:"The code wx.login gave the Mini Program"`
}

type miniLoginInput struct {
	Tenant string `path:"tenant" maxLength:"64" doc:"The brand's slug or ID"`
	Body   loginCodeBody
}

// MeBody is the signed-in customer's own profile.
type MeBody struct {
	ID        string          `json:"id" format:"uuid"`
	Name      string          `json:"name"`
	Gender    string          `json:"gender" enum:"unknown,female,male,other"`
	BirthDate string          `json:"birth_date,omitempty" format:"date"`
	Phone     string          `json:"phone,omitempty" example:"+8613812345678" doc:"E.164; set through POST /v1/me/phone"`
	Email     string          `json:"email,omitempty"`
	AvatarURL string          `json:"avatar_url,omitempty"`
	Language  string          `json:"language" enum:"zh-CN,en"`
	Consents  map[string]bool `json:"consents"`
	CreatedAt time.Time       `json:"created_at"`
	// Address is the member's postal address, which they may change.
	Address customer.Address `json:"address"`
}

func meBody(c customer.Customer) MeBody {
	b := customerBody(c)
	return MeBody{ID: b.ID, Name: b.Name, Gender: b.Gender, BirthDate: b.BirthDate, Phone: b.Phone, Email: b.Email,
		AvatarURL: b.AvatarURL, Address: b.Address, Language: b.Language, Consents: b.Consents, CreatedAt: b.CreatedAt}
}

type meOutput struct{ Body MeBody }

// meFields is what customers may change on their own profile; absent fields stay.
type meFields struct {
	Name      *string         `json:"name,omitempty" maxLength:"100"`
	Gender    *string         `json:"gender,omitempty" enum:"unknown,female,male,other"`
	BirthDate *string         `json:"birth_date,omitempty" format:"date"`
	Language  *string         `json:"language,omitempty" enum:"zh-CN,en"`
	Consents  map[string]bool `json:"consents,omitempty" doc:"marketing_sms, marketing_email, marketing_wechat, data_analysis"`
	// Address and avatar are the member's too; the phone only comes from WeChat.
	Address   *customer.Address `json:"address,omitempty" doc:"Replaces the whole address"`
	AvatarURL *string           `json:"avatar_url,omitempty" maxLength:"500" doc:"An https URL; the Mini Program's chooseAvatar image once uploaded"`
}

// phoneCodeBody is a request to set the customer's phone from WeChat.
type phoneCodeBody struct {
	Code string `json:"code" minLength:"1" maxLength:"128" doc:"The code the Mini Program's getPhoneNumber button gave"`
}

// retryAfterWeChat is how long WeChat's per-minute limit (45011) lasts at most.
const retryAfterWeChat = "60"

// miniErrors answers refused logins and phone links.
var miniErrors = httpapi.ErrorTable{
	{Err: customerauth.ErrInvalidCode, Status: http.StatusUnprocessableEntity, Code: "invalid_code", Detail: "WeChat refused the code",
		Field: "body.code", Reason: "invalid, expired (after 5 minutes), already used or from another Mini Program"},
	{Err: customerauth.ErrRateLimited, Status: http.StatusTooManyRequests, Code: "wechat_rate_limited",
		Detail: "WeChat limits this brand's Mini Program; retry in a minute", Header: http.Header{"Retry-After": {retryAfterWeChat}}},
	{Err: customerauth.ErrLoginBlocked, Status: http.StatusForbidden, Code: "wechat_login_blocked",
		Detail: "WeChat blocked this login as high risk"},
	{Err: customerauth.ErrNotConfigured, Status: http.StatusServiceUnavailable, Code: "mini_program_not_configured",
		Detail: "this brand's Mini Program login is not set up; its admins must configure the Mini Program channel", Log: slog.LevelWarn},
	{Err: customerauth.ErrWeChatUnavailable, Status: http.StatusBadGateway, Code: "wechat_unavailable",
		Detail: "WeChat did not answer; retry later", Log: slog.LevelError},
	{Err: customerauth.ErrUnusablePhone, Status: http.StatusUnprocessableEntity, Code: "phone_invalid",
		Detail: "the number WeChat gave is not a valid mobile number", Field: "body.code", Reason: "stands for a number a profile cannot hold"},
	{Err: ports.ErrPhoneTaken, Status: http.StatusConflict, Code: "phone_taken", Detail: "another customer has this phone",
		Field: "body.code", Reason: "stands for a number another customer has"},
}

func (m *Module) miniError(ctx context.Context, err error) error {
	return m.kit.MapError(ctx, err, miniErrors, customerErrors)
}

// refreshErrors answers refused refresh tokens; every one means: log in again.
var refreshErrors = httpapi.ErrorTable{
	{Err: customerauth.ErrRefreshReused, Status: http.StatusUnauthorized, Code: "refresh_token_reused",
		Detail: "this refresh token was used already: every token of the customer is revoked; log in again",
		Field:  "body.refresh_token", Reason: "exchanged before"},
	{Err: customerauth.ErrRefreshRevoked, Status: http.StatusUnauthorized, Code: "refresh_token_revoked",
		Detail: "this refresh token was revoked; log in again", Field: "body.refresh_token", Reason: "revoked"},
	{Err: customerauth.ErrRefreshExpired, Status: http.StatusUnauthorized, Code: "refresh_token_expired",
		Detail: "this refresh token has expired; log in again", Field: "body.refresh_token", Reason: "expired"},
	{Err: customerauth.ErrRefreshInvalid, Status: http.StatusUnauthorized, Code: "refresh_token_invalid",
		Detail: "invalid refresh token; log in again", Field: "body.refresh_token", Reason: "unknown, forged or another brand's"},
}

// brand is the active brand of a Mini Program operation's path.
func (m *Module) brand(ctx context.Context, ref string) (tenants.Tenant, error) {
	t, err := m.deps.Tenants.Lookup(ctx, ref)
	if errors.Is(err, tenants.ErrNotFound) {
		return t, httpapi.NewProblem(ctx, http.StatusNotFound, "tenant_not_found", "no such brand", httpapi.Field("path.tenant", "no such brand", ref))
	}
	if err == nil && !t.Active() {
		err = tenants.ErrSuspended
	}
	if err != nil {
		return t, m.kit.MapError(ctx, err)
	}
	return t, nil
}

// registerMini registers the Mini Program's operations: login, and the signed-in customer's
// own profile.
func (m *Module) registerMini(api huma.API) {
	tags := []string{"Mini Program"}

	httpapi.Register(api, httpapi.Public(), huma.Operation{
		OperationID: "mini-login", Errors: []int{http.StatusConflict, http.StatusForbidden, http.StatusServiceUnavailable, http.StatusBadGateway}, Method: http.MethodPost, Path: "/v1/mini/{tenant}/login", Tags: tags,
		Summary: "Log a customer in from the brand's Mini Program",
		Description: "Exchanges the code from `wx.login` (with the brand's AppID and AppSecret, through WeChat's code2session) for " +
			"a customer token. The customer is found by their OpenID, or by their UnionID in the brand's other WeChat apps, " +
			"or created. Rate limited per client address.",
	}, func(ctx context.Context, in *miniLoginInput) (*struct{ Body MiniLoginBody }, error) {
		t, err := m.brand(ctx, in.Tenant)
		if err != nil {
			return nil, err
		}
		login, err := m.deps.CustomerAuth.Login(ctx, t.ID, in.Body.Code)
		if err != nil {
			return nil, m.miniError(ctx, err)
		}
		return &struct{ Body MiniLoginBody }{Body: MiniLogin(login)}, nil
	})

	httpapi.Register(api, httpapi.Public(), huma.Operation{
		OperationID: "mini-refresh", Errors: []int{http.StatusUnauthorized}, Method: http.MethodPost, Path: "/v1/mini/{tenant}/refresh", Tags: tags,
		Summary: "Get the next customer token with a refresh token",
		Description: "Exchanges the refresh token of a login (or of the previous refresh) for a new customer token and a new " +
			"refresh token, without WeChat. A refresh token works once: keep the new one. A refresh token that comes back " +
			"after it was exchanged was copied, so it revokes every token of the customer (`refresh_token_reused`); send " +
			"one refresh at a time. Every 401 here means: log in again with wx.login. Rate limited per client address.",
	}, func(ctx context.Context, in *miniRefreshInput) (*struct{ Body MiniLoginBody }, error) {
		t, err := m.brand(ctx, in.Tenant)
		if err != nil {
			return nil, err
		}
		login, err := m.deps.CustomerAuth.Refresh(ctx, t.ID, in.Body.RefreshToken)
		if err != nil {
			return nil, m.kit.MapError(ctx, err, refreshErrors)
		}
		return &struct{ Body MiniLoginBody }{Body: MiniLogin(login)}, nil
	})

	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "get-me", Method: http.MethodGet, Path: "/v1/me", Tags: tags, Summary: "The signed-in customer's profile",
	}, func(ctx context.Context, _ *struct{}) (*meOutput, error) {
		p := httpapi.PrincipalFrom(ctx)
		c, err := m.deps.Customers.Get(ctx, p.Tenant.ID, p.CustomerID)
		if err != nil {
			return nil, m.customerError(ctx, err)
		}
		return &meOutput{Body: meBody(c)}, nil
	})

	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "update-me", Errors: []int{http.StatusConflict}, Method: http.MethodPatch, Path: "/v1/me", Tags: tags,
		Summary: "Change the signed-in customer's profile", Description: "Name, gender, birth date, address, language, consents and " +
			"avatar. The phone is set through POST /v1/me/phone only.",
	}, func(ctx context.Context, in *struct{ Body meFields }) (*meOutput, error) {
		f := in.Body
		patch, err := customerFields{Name: f.Name, Gender: f.Gender, BirthDate: f.BirthDate, Language: f.Language, Consents: f.Consents,
			Address: f.Address, AvatarURL: f.AvatarURL}.patch(ctx)
		if err != nil {
			return nil, err
		}
		p := httpapi.PrincipalFrom(ctx)
		c, err := m.deps.Customers.Update(ctx, p.Tenant.ID, p.CustomerID, patch)
		if err != nil {
			return nil, m.customerError(ctx, err)
		}
		return &meOutput{Body: meBody(c)}, nil
	})

	httpapi.Register(api, httpapi.Customer(m), huma.Operation{
		OperationID: "link-my-phone", Errors: []int{http.StatusConflict, http.StatusServiceUnavailable, http.StatusBadGateway}, Method: http.MethodPost, Path: "/v1/me/phone", Tags: tags,
		Summary:     "Set the signed-in customer's phone from WeChat",
		Description: "Exchanges the code of the Mini Program's getPhoneNumber button for the number the customer shares, and sets it.",
	}, func(ctx context.Context, in *struct{ Body phoneCodeBody }) (*meOutput, error) {
		p := httpapi.PrincipalFrom(ctx)
		c, err := m.deps.CustomerAuth.LinkPhone(ctx, p.Tenant.ID, p.CustomerID, in.Body.Code)
		if err != nil {
			return nil, m.miniError(ctx, err)
		}
		return &meOutput{Body: meBody(c)}, nil
	})
}
