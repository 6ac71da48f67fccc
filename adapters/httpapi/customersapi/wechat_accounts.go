package customersapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/application/customers/wechataccounts"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

// WeChatAccountBody is a customer's account in one of the brand's WeChat apps.
type WeChatAccountBody struct {
	OpenID            string     `json:"open_id"`
	UnionID           string     `json:"union_id,omitempty"`
	AppID             string     `json:"app_id"`
	AppKind           string     `json:"app_kind" enum:"mini_program,official_account,other" doc:"other: an app the brand no longer has among its channels"`
	CustomerID        string     `json:"customer_id" format:"uuid"`
	Nickname          string     `json:"nickname,omitempty"`
	AvatarURL         string     `json:"avatar_url,omitempty"`
	LinkedAt          time.Time  `json:"linked_at"`
	LastLoginAt       *time.Time `json:"last_login_at,omitempty"`
	Status            string     `json:"status" enum:"active,reauth_required" doc:"reauth_required: the member must log in from WeChat again"`
	ReauthRequestedAt *time.Time `json:"reauth_requested_at,omitempty"`
}

func wechatAccountBody(l wechataccounts.Link) WeChatAccountBody {
	return WeChatAccountBody{OpenID: l.OpenID, UnionID: l.UnionID, AppID: l.AppID, AppKind: l.Kind, CustomerID: l.CustomerID.String(),
		Nickname: l.Nickname, AvatarURL: l.AvatarURL, LinkedAt: l.LinkedAt, LastLoginAt: l.LastLoginAt, Status: l.Status,
		ReauthRequestedAt: l.ReauthRequestedAt}
}

type wechatAccountsOutput struct {
	Body struct {
		Items []WeChatAccountBody `json:"items"`
	}
}

// wechatAccountPath names a customer's account.
type wechatAccountPath struct {
	CustomerPath
	OpenID string `path:"openid" minLength:"1" maxLength:"128"`
}

// moveAccountBody names the profile an account moves to.
type moveAccountBody struct {
	CustomerID string `json:"customer_id" format:"uuid" doc:"The CRM profile the WeChat login belongs to"`
	AppID      string `json:"app_id,omitempty" maxLength:"32" doc:"The app of the OpenID; needed only when the OpenID is linked in several"`
}

// FanTagImportBody is an import of the brand's Official Account fan tags.
type FanTagImportBody struct {
	ID          string     `json:"id" format:"uuid"`
	Status      string     `json:"status" enum:"queued,running,done,failed"`
	RequestedAt time.Time  `json:"requested_at"`
	FinishedAt  *time.Time `json:"finished_at,omitempty"`
	Tags        int        `json:"tags" doc:"The Official Account's fan tags"`
	Fans        int        `json:"fans" doc:"Fans listed under them (a fan with two tags counts twice)"`
	Matched     int        `json:"matched" doc:"Of those, fans linked to a customer, who now carry the tag (source wechat)"`
	ErrorCode   string     `json:"error_code,omitempty" doc:"Why it failed: not_configured, or wechat_<errcode> (48001 API unauthorised, 45009 quota spent)"`
}

func fanTagImportBody(i ports.FanTagImport) FanTagImportBody {
	return FanTagImportBody{ID: i.ID.String(), Status: i.Status, RequestedAt: i.RequestedAt, FinishedAt: i.FinishedAt, Tags: i.Tags,
		Fans: i.Fans, Matched: i.Matched, ErrorCode: i.ErrorCode}
}

// wechatAccountErrors answers refusals of the WeChat account operations.
var wechatAccountErrors = httpapi.ErrorTable{
	{Err: ports.ErrWeChatAccountNotFound, Status: http.StatusNotFound, Code: "wechat_account_not_found",
		Detail: "no such WeChat account linked here"},
	{Err: ports.ErrWeChatAppTaken, Status: http.StatusConflict, Code: "wechat_app_taken",
		Detail: "the customer has another account in this WeChat app; disconnect it first",
		Field:  "body.customer_id", Reason: "has another account in the app"},
	{Err: wechataccounts.ErrAmbiguousOpenID, Status: http.StatusUnprocessableEntity, Code: "app_id_required",
		Detail: "the OpenID is linked in several apps", Field: "body.app_id", Reason: "say which app"},
	{Err: wechataccounts.ErrNotConfigured, Status: http.StatusConflict, Code: "official_account_not_configured",
		Detail: "set up the brand's WeChat Official Account first"},
	{Err: ports.ErrFanTagImportNotFound, Status: http.StatusNotFound, Code: "fan_tag_import_not_found", Detail: "no such import"},
}

func (m *Module) wechatAccountError(ctx context.Context, err error) error {
	return m.kit.MapError(ctx, err, wechatAccountErrors, customerErrors)
}

func (m *Module) registerWeChatAccounts(api huma.API) {
	tags := []string{"WeChat accounts"}

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "list-customer-wechat-accounts", Method: http.MethodGet, Path: "/v1/customers/{id}/wechat-accounts", Tags: tags,
		Summary: "A customer's WeChat accounts", Description: "Their OpenID, UnionID and app in each of the brand's WeChat apps.",
	}, func(ctx context.Context, in *CustomerPath) (*wechatAccountsOutput, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		links, err := m.deps.WeChatAccounts.List(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.wechatAccountError(ctx, err)
		}
		out := &wechatAccountsOutput{}
		out.Body.Items = make([]WeChatAccountBody, len(links))
		for i, l := range links {
			out.Body.Items[i] = wechatAccountBody(l)
		}
		return out, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), huma.Operation{
		OperationID: "disconnect-customer-wechat-account", Method: http.MethodDelete, Path: "/v1/customers/{id}/wechat-accounts/{openid}",
		Tags: tags, Summary: "Disconnect a customer's WeChat account", DefaultStatus: http.StatusNoContent,
		Description: "Removes the link and stops the customer's current tokens. The next login with that WeChat account is a first " +
			"login: it finds the customer through another of their accounts with the same UnionID, or creates a new one.",
	}, func(ctx context.Context, in *wechatAccountPath) (*struct{}, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		if err := m.deps.WeChatAccounts.Disconnect(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, in.OpenID); err != nil {
			return nil, m.wechatAccountError(ctx, err)
		}
		return nil, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), huma.Operation{
		OperationID: "reauthorize-customer-wechat-account", Method: http.MethodPost,
		Path: "/v1/customers/{id}/wechat-accounts/{openid}/reauthorize", Tags: tags, DefaultStatus: http.StatusNoContent,
		Summary:     "Ask the customer to authorise their WeChat account again",
		Description: "Their current tokens stop working; their next Mini Program login refreshes the session and clears the request.",
	}, func(ctx context.Context, in *wechatAccountPath) (*struct{}, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		if err := m.deps.WeChatAccounts.Reauthorize(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id, in.OpenID); err != nil {
			return nil, m.wechatAccountError(ctx, err)
		}
		return nil, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), huma.Operation{
		OperationID: "link-wechat-account", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/wechat-accounts/{openid}/link", Tags: tags,
		Summary: "Map a WeChat login to an existing customer profile",
		Description: "Moves the WeChat account to the customer (a CRM profile made before the member logged in); the profile the " +
			"login had stays, and its tokens stop. Refused when the customer has another account in the same app.",
	}, func(ctx context.Context, in *struct {
		OpenID string `path:"openid" minLength:"1" maxLength:"128"`
		Body   moveAccountBody
	}) (*struct{ Body WeChatAccountBody }, error) {
		target, err := httpapi.ParseUUID(ctx, "body.customer_id", in.Body.CustomerID)
		if err != nil {
			return nil, err
		}
		l, err := m.deps.WeChatAccounts.Move(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, in.Body.AppID, in.OpenID, target)
		if errors.Is(err, ports.ErrCustomerNotFound) {
			return nil, httpapi.NewProblem(ctx, http.StatusUnprocessableEntity, "customer_not_found", "no such customer",
				httpapi.Field("body.customer_id", "no such customer", in.Body.CustomerID))
		}
		if err != nil {
			return nil, m.wechatAccountError(ctx, err)
		}
		return &struct{ Body WeChatAccountBody }{Body: wechatAccountBody(l)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermWrite), httpapi.Idempotent(huma.Operation{
		OperationID: "import-wechat-fan-tags", Errors: []int{http.StatusConflict}, Method: http.MethodPost, Path: "/v1/wechat/fan-tags/import", Tags: tags,
		Summary: "Import the Official Account's fan tags", DefaultStatus: http.StatusAccepted,
		Description: "Queues a job that reads the brand's Official Account fan tags and the fans under each, and tags the fans " +
			"linked to a customer with the tag's name (source wechat). Follow it with GET /v1/wechat/fan-tags/imports/{id}.",
	}), func(ctx context.Context, _ *struct{}) (*struct{ Body FanTagImportBody }, error) {
		imp, err := m.deps.WeChatAccounts.RequestFanTagImport(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID)
		if err != nil {
			return nil, m.wechatAccountError(ctx, err)
		}
		return &struct{ Body FanTagImportBody }{Body: fanTagImportBody(imp)}, nil
	})

	httpapi.Register(api, httpapi.Tenant(customer.PermRead), huma.Operation{
		OperationID: "get-wechat-fan-tag-import", Method: http.MethodGet, Path: "/v1/wechat/fan-tags/imports/{id}", Tags: tags,
		Summary: "A fan tag import and what it found",
	}, func(ctx context.Context, in *struct {
		ID string `path:"id" format:"uuid"`
	}) (*struct{ Body FanTagImportBody }, error) {
		id, err := httpapi.ParseUUID(ctx, "path.id", in.ID)
		if err != nil {
			return nil, err
		}
		imp, err := m.deps.WeChatAccounts.FanTagImport(ctx, httpapi.PrincipalFrom(ctx).Tenant.ID, id)
		if err != nil {
			return nil, m.wechatAccountError(ctx, err)
		}
		return &struct{ Body FanTagImportBody }{Body: fanTagImportBody(imp)}, nil
	})
}
