// Package wechatdev is WeChat in development: the stand-in the tests use (wechattest) on a
// loopback port, knowing the Mini Programs of the brands it is given, and two operations a
// developer calls in place of a Mini Program's wx.login and getPhoneNumber button to get the
// codes those would give. engage dev serves it for the demo brands; production never does.
package wechatdev

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/tenants"
)

// Server is the development WeChat.
type Server struct {
	wx *wechattest.Server

	mu     sync.RWMutex
	brands map[string]miniProgram // by slug and by ID
}

// miniProgram is a brand's Mini Program as the stand-in knows it.
type miniProgram struct {
	tenant tenants.Tenant
	appID  string
}

// Start starts the stand-in; Close stops it.
func Start() *Server { return &Server{wx: wechattest.Start(), brands: map[string]miniProgram{}} }

// URL is the base of the stand-in's WeChat API, in place of https://api.weixin.qq.com.
func (s *Server) URL() string { return s.wx.URL() }

// Close stops the stand-in.
func (s *Server) Close() { s.wx.Close() }

// AddMiniProgram registers brand t's Mini Program appID with its AppSecret, as WeChat knows it.
func (s *Server) AddMiniProgram(t tenants.Tenant, appID, secret string) {
	s.wx.AddApp(appID, secret)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.brands[t.Slug], s.brands[t.ID.String()] = miniProgram{tenant: t, appID: appID}, miniProgram{tenant: t, appID: appID}
}

// DemoAppID is the AppID development gives brand slug's Mini Program: wx and 16 hexadecimal
// characters, the same on every machine.
func DemoAppID(slug string) string {
	sum := sha256.Sum256([]byte("engage development mini program:" + slug))
	return "wx" + hex.EncodeToString(sum[:8])
}

// OpenID is the OpenID the stand-in gives user in the Mini Program appID: as WeChat's, 28
// characters, the same user and app always the same.
func OpenID(appID, user string) string {
	sum := sha256.Sum256([]byte("openid:" + appID + ":" + user))
	return "o" + base64.RawURLEncoding.EncodeToString(sum[:])[:27]
}

// UnionID is the UnionID the stand-in gives user across brand t's apps.
func UnionID(t tenants.Tenant, user string) string {
	sum := sha256.Sum256([]byte("unionid:" + t.ID.String() + ":" + user))
	return "u" + base64.RawURLEncoding.EncodeToString(sum[:])[:27]
}

func (s *Server) miniProgram(ctx context.Context, ref string) (miniProgram, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	mp, ok := s.brands[ref]
	if !ok {
		return mp, httpapi.NewProblem(ctx, http.StatusNotFound, "tenant_not_found", "the development WeChat knows no Mini Program of this brand",
			httpapi.Field("path.tenant", "not a demo brand with a Mini Program", ref))
	}
	return mp, nil
}

// API is the stand-in's operations: the codes a Mini Program gets from WeChat.
func (s *Server) API() httpapi.Module { return operations{s} }

type operations struct{ s *Server }

// DevLoginCode is a code as wx.login gives it.
type DevLoginCode struct {
	Code      string `json:"code" doc:"Send it to POST /v1/mini/{tenant}/login within 5 minutes; it works once"`
	OpenID    string `json:"openid" doc:"The user's OpenID in the brand's Mini Program"`
	UnionID   string `json:"unionid" doc:"The user's UnionID across the brand's WeChat apps"`
	ExpiresIn int    `json:"expires_in" doc:"Seconds the code stays valid"`
}

// DevPhoneCode is a code as the getPhoneNumber button gives it.
type DevPhoneCode struct {
	Code      string `json:"code" doc:"Send it to POST /v1/me/phone within 5 minutes; it works once"`
	ExpiresIn int    `json:"expires_in" doc:"Seconds the code stays valid"`
}

// DevLoginCodeRequest names the WeChat user wx.login runs for.
type DevLoginCodeRequest struct {
	User string `json:"user" minLength:"1" maxLength:"64" pattern:"^[A-Za-z0-9._-]+$" doc:"Any name for the WeChat user, e.g. alice"`
}

// DevPhoneCodeRequest is the number the user shares.
type DevPhoneCodeRequest struct {
	Phone string `json:"phone" minLength:"3" maxLength:"24" example:"13812345678" doc:"A mainland mobile, or +<country code> <number>"`
}

type loginCodeInput struct {
	Tenant string `path:"tenant" maxLength:"64" doc:"The demo brand's slug or ID"`
	Body   DevLoginCodeRequest
}

type phoneCodeInput struct {
	Tenant string `path:"tenant" maxLength:"64" doc:"The demo brand's slug or ID"`
	Body   DevPhoneCodeRequest
}

// RegisterAPI implements httpapi.Module.
func (o operations) RegisterAPI(api huma.API, _ *httpapi.Kit) {
	tags := []string{"Development"}
	expires := int(wechattest.CodeLifetime.Seconds())
	httpapi.Register(api, httpapi.Public(), huma.Operation{
		OperationID: "dev-wechat-login-code", Method: http.MethodPost, Path: "/dev/wechat/{tenant}/login-code", Tags: tags,
		Summary: "Development only: a wx.login code for a user of a demo brand's Mini Program",
		Description: "What wx.login gives a Mini Program, from the development WeChat (engage dev only). The same user name " +
			"is the same WeChat user: the same OpenID, so the same customer.",
	}, func(ctx context.Context, in *loginCodeInput) (*struct{ Body DevLoginCode }, error) {
		mp, err := o.s.miniProgram(ctx, in.Tenant)
		if err != nil {
			return nil, err
		}
		user := strings.ToLower(in.Body.User)
		b := DevLoginCode{OpenID: OpenID(mp.appID, user), UnionID: UnionID(mp.tenant, user), ExpiresIn: expires}
		b.Code = o.s.wx.IssueCode(mp.appID, b.OpenID, b.UnionID)
		return &struct{ Body DevLoginCode }{b}, nil
	})
	httpapi.Register(api, httpapi.Public(), huma.Operation{
		OperationID: "dev-wechat-phone-code", Method: http.MethodPost, Path: "/dev/wechat/{tenant}/phone-code", Tags: tags,
		Summary:     "Development only: a getPhoneNumber code for a demo brand's Mini Program",
		Description: "What the getPhoneNumber button gives a Mini Program when the user shares phone, from the development WeChat.",
	}, func(ctx context.Context, in *phoneCodeInput) (*struct{ Body DevPhoneCode }, error) {
		mp, err := o.s.miniProgram(ctx, in.Tenant)
		if err != nil {
			return nil, err
		}
		return &struct{ Body DevPhoneCode }{DevPhoneCode{Code: o.s.wx.IssuePhoneCode(mp.appID, in.Body.Phone), ExpiresIn: expires}}, nil
	})
}
