package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/application/customerauth"
	"github.com/engagehq/engage/domain/customer"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// MiniLoginBody is a customer signed in from the Mini Program.
type MiniLoginBody struct {
	Token      string    `json:"token" doc:"The customer token, ect_...: send it as Authorization: Bearer <token>"`
	ExpiresAt  time.Time `json:"expires_at" doc:"When the token stops working (2 hours); log in again with a new wx.login code"`
	CustomerID string    `json:"customer_id" format:"uuid"`
	New        bool      `json:"new" doc:"Whether this login created the customer"`
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

// miniError maps login and phone-linking refusals to problems.
func (s *Server) miniError(ctx context.Context, err error) error {
	codeField := func(msg string) *FieldDetail { return field("body.code", msg, nil) }
	switch {
	case errors.Is(err, customerauth.ErrInvalidCode):
		return problem(ctx, http.StatusUnprocessableEntity, "invalid_code", "WeChat refused the code",
			codeField("invalid, expired (after 5 minutes), already used or from another Mini Program"))
	case errors.Is(err, customerauth.ErrRateLimited):
		return huma.ErrorWithHeaders(problem(ctx, http.StatusTooManyRequests, "wechat_rate_limited",
			"WeChat limits this brand's Mini Program; retry in a minute"), http.Header{"Retry-After": {retryAfterWeChat}})
	case errors.Is(err, customerauth.ErrLoginBlocked):
		return problem(ctx, http.StatusForbidden, "wechat_login_blocked", "WeChat blocked this login as high risk")
	case errors.Is(err, customerauth.ErrNotConfigured):
		s.deps.Logger.WarnContext(ctx, "mini program not configured", "request_id", RequestID(ctx), "error", err)
		return problem(ctx, http.StatusServiceUnavailable, "mini_program_not_configured",
			"this brand's Mini Program login is not set up; its admins must configure the Mini Program channel")
	case errors.Is(err, customerauth.ErrWeChatUnavailable):
		s.deps.Logger.ErrorContext(ctx, "wechat unavailable", "request_id", RequestID(ctx), "error", err)
		return problem(ctx, http.StatusBadGateway, "wechat_unavailable", "WeChat did not answer; retry later")
	case errors.Is(err, customerauth.ErrUnusablePhone):
		return problem(ctx, http.StatusUnprocessableEntity, "phone_invalid", "the number WeChat gave is not a valid mobile number",
			codeField("stands for a number a profile cannot hold"))
	case errors.Is(err, ports.ErrPhoneTaken):
		return problem(ctx, http.StatusConflict, "phone_taken", "another customer has this phone",
			codeField("stands for a number another customer has"))
	}
	return s.customerError(ctx, err)
}

// registerMini registers the Mini Program's operations: login, and the signed-in customer's
// own profile. auth checks customer tokens; nil refuses them (the OpenAPI document alone).
func (s *Server) registerMini(auth *customerauth.Service) {
	s.api.OpenAPI().Components.SecuritySchemes[schemeCustomer] = &huma.SecurityScheme{Type: "http", Scheme: "bearer",
		Description: "A customer token, ect_..., from POST /v1/mini/{tenant}/login; valid 2 hours"}
	tags := []string{"Mini Program"}

	huma.Register(s.api, publicOperation(huma.Operation{
		OperationID: "mini-login", Method: http.MethodPost, Path: "/v1/mini/{tenant}/login", Tags: tags,
		Summary: "Log a customer in from the brand's Mini Program",
		Description: "Exchanges the code from `wx.login` (with the brand's AppID and AppSecret, through WeChat's code2session) for " +
			"a customer token. The customer is found by their OpenID, or by their UnionID in the brand's other WeChat apps, " +
			"or created. Rate limited per client address.",
	}), func(ctx context.Context, in *miniLoginInput) (*struct{ Body MiniLoginBody }, error) {
		t, err := s.deps.Tenants.Lookup(ctx, in.Tenant)
		switch {
		case errors.Is(err, tenants.ErrNotFound):
			return nil, problem(ctx, http.StatusNotFound, "tenant_not_found", "no such brand", field("path.tenant", "no such brand", in.Tenant))
		case err != nil:
			return nil, mapError(ctx, s.deps.Logger, err)
		case !t.Active():
			return nil, problem(ctx, http.StatusForbidden, "tenant_suspended", "this brand's account is suspended")
		}
		login, err := auth.Login(ctx, t.ID, in.Body.Code)
		if err != nil {
			return nil, s.miniError(ctx, err)
		}
		return &struct{ Body MiniLoginBody }{Body: MiniLoginBody{Token: login.Token, ExpiresAt: login.ExpiresAt,
			CustomerID: login.CustomerID.String(), New: login.New}}, nil
	})

	huma.Register(s.api, customerOperation(huma.Operation{
		OperationID: "get-me", Method: http.MethodGet, Path: "/v1/me", Tags: tags, Summary: "The signed-in customer's profile",
	}, auth), func(ctx context.Context, _ *struct{}) (*meOutput, error) {
		p := principalFrom(ctx)
		c, err := s.deps.Customers.Get(ctx, p.Tenant.ID, p.CustomerID)
		if err != nil {
			return nil, s.customerError(ctx, err)
		}
		return &meOutput{Body: meBody(c)}, nil
	})

	huma.Register(s.api, customerOperation(huma.Operation{
		OperationID: "update-me", Method: http.MethodPatch, Path: "/v1/me", Tags: tags,
		Summary: "Change the signed-in customer's profile", Description: "Name, gender, birth date, address, language, consents and " +
			"avatar. The phone is set through POST /v1/me/phone only.",
	}, auth), func(ctx context.Context, in *struct{ Body meFields }) (*meOutput, error) {
		f := in.Body
		patch, err := customerFields{Name: f.Name, Gender: f.Gender, BirthDate: f.BirthDate, Language: f.Language, Consents: f.Consents,
			Address: f.Address, AvatarURL: f.AvatarURL}.patch(ctx)
		if err != nil {
			return nil, err
		}
		p := principalFrom(ctx)
		c, err := s.deps.Customers.Update(ctx, p.Tenant.ID, p.CustomerID, patch)
		if err != nil {
			return nil, s.customerError(ctx, err)
		}
		return &meOutput{Body: meBody(c)}, nil
	})

	huma.Register(s.api, customerOperation(huma.Operation{
		OperationID: "link-my-phone", Method: http.MethodPost, Path: "/v1/me/phone", Tags: tags,
		Summary:     "Set the signed-in customer's phone from WeChat",
		Description: "Exchanges the code of the Mini Program's getPhoneNumber button for the number the customer shares, and sets it.",
	}, auth), func(ctx context.Context, in *struct{ Body phoneCodeBody }) (*meOutput, error) {
		p := principalFrom(ctx)
		c, err := auth.LinkPhone(ctx, p.Tenant.ID, p.CustomerID, in.Body.Code)
		if err != nil {
			return nil, s.miniError(ctx, err)
		}
		return &meOutput{Body: meBody(c)}, nil
	})
}
