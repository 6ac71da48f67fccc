package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/engagehq/engage/ports"
)

// Session is code2session's answer: the user's OpenID in the app, their UnionID when the app is
// bound to an Open Platform account, and the session key.
type Session = ports.WeChatSession

// PhoneInfo is the phone number a getPhoneNumber code stands for.
type PhoneInfo = ports.WeChatPhone

var _ ports.WeChatMiniProgram = (*Client)(nil)

// sessionAnswer is the body of a jscode2session answer: a session, or an error code.
type sessionAnswer struct {
	errorAnswer
	OpenID     string `json:"openid"`
	UnionID    string `json:"unionid"`
	SessionKey string `json:"session_key"`
}

// Code2Session asks GET /sns/jscode2session to exchange code, which the Mini Program appID got
// from wx.login, for the user's session. WeChat refusing is a *ports.ProviderError with its
// errcode: 40029 for a code that is unknown, expired or another app's, 40163 for one already
// used, 45011 when the app calls too often, 40013 and 40125 for a wrong appid or secret.
// Neither the secret nor the code appears in any error.
func (c *Client) Code2Session(ctx context.Context, appID, secret, code string) (Session, error) {
	q := url.Values{"appid": {appID}, "secret": {secret}, "js_code": {code}, "grant_type": {"authorization_code"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/sns/jscode2session?"+q.Encode(), nil)
	if err != nil {
		return Session{}, fmt.Errorf("wechat: jscode2session request: %w", err)
	}
	req.Header.Set("Accept", "application/json")

	var ans sessionAnswer
	if err := c.do(req, &ans); err != nil {
		return Session{}, fmt.Errorf("wechat: jscode2session for %s: %w", appID, err)
	}
	if err := ans.refusal(); err != nil {
		return Session{}, err
	}
	if ans.OpenID == "" || ans.SessionKey == "" {
		return Session{}, fmt.Errorf("wechat: jscode2session for %s: answer has no openid or session_key", appID)
	}
	return Session{OpenID: ans.OpenID, UnionID: ans.UnionID, SessionKey: ans.SessionKey}, nil
}

// phoneAnswer is the body of a getuserphonenumber answer.
type phoneAnswer struct {
	errorAnswer
	PhoneInfo *struct {
		PhoneNumber     string      `json:"phoneNumber"`
		PurePhoneNumber string      `json:"purePhoneNumber"`
		CountryCode     countryCode `json:"countryCode"`
	} `json:"phone_info"`
}

// countryCode reads a calling code that WeChat documents as a string but shows as a number.
type countryCode string

// UnmarshalJSON accepts "86" and 86.
func (c *countryCode) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*c = countryCode(s)
		return nil
	}
	var n uint16
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("countryCode: %w", err)
	}
	*c = countryCode(strconv.Itoa(int(n)))
	return nil
}

// PhoneNumber asks POST /wxa/business/getuserphonenumber to exchange code, which the Mini
// Program got from a getPhoneNumber button, for the user's phone number. accessToken is the
// Mini Program's (see Tokens). WeChat refusing is a *ports.ProviderError with its errcode:
// 40001, 41001 or 42001 for the access token, 40029 for a code that is unknown, expired or
// another app's, 40163 for one already used, 45011 when the app calls too often. Neither the
// token nor the code appears in any error.
func (c *Client) PhoneNumber(ctx context.Context, accessToken, code string) (PhoneInfo, error) {
	body, err := json.Marshal(map[string]string{"code": code})
	if err != nil {
		return PhoneInfo{}, fmt.Errorf("wechat: getuserphonenumber request: %w", err)
	}
	endpoint := c.base + "/wxa/business/getuserphonenumber?" + url.Values{"access_token": {accessToken}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return PhoneInfo{}, fmt.Errorf("wechat: getuserphonenumber request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")

	var ans phoneAnswer
	if err := c.do(req, &ans); err != nil {
		return PhoneInfo{}, fmt.Errorf("wechat: getuserphonenumber: %w", err)
	}
	if err := ans.refusal(); err != nil {
		return PhoneInfo{}, err
	}
	if ans.PhoneInfo == nil || (ans.PhoneInfo.PhoneNumber == "" && ans.PhoneInfo.PurePhoneNumber == "") {
		return PhoneInfo{}, fmt.Errorf("wechat: getuserphonenumber: answer has no phone_info")
	}
	p := ans.PhoneInfo
	return PhoneInfo{PhoneNumber: p.PhoneNumber, PurePhoneNumber: p.PurePhoneNumber, CountryCode: string(p.CountryCode)}, nil
}
