package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/engagehq/engage/ports"
)

var _ ports.RiskScorer = (*Client)(nil)

// riskAnswer is the body of a getuserriskrank answer (WeChat spells the union ID "unoin_id").
type riskAnswer struct {
	errorAnswer
	RiskRank *int  `json:"risk_rank"`
	UnionID  int64 `json:"unoin_id"`
}

// GetUserRiskRank asks POST /wxa/getuserriskrank how risky the Mini Program user q names is,
// from 0 (normal) to 4. WeChat refusing is a *ports.ProviderError with its errcode: -1 when it
// is busy, 40001 for the access token, 40003 for an openid it does not know, 40129 for a scene
// other than 0 and 1, 43104 for an openid of another app, 44002 for an empty body, 47001 for a
// body it cannot read (no client_ip), 48001 for an app not allowed the API, 61010 for an
// expired code. The token appears in no error.
func (c *Client) GetUserRiskRank(ctx context.Context, accessToken string, q ports.RiskQuery) (int, error) {
	req := map[string]any{"appid": q.AppID, "openid": q.OpenID, "scene": q.Scene, "client_ip": q.ClientIP}
	if q.Mobile != "" {
		req["mobile_no"] = q.Mobile
	}
	if q.Email != "" {
		req["email_address"] = q.Email
	}
	body, err := json.Marshal(req)
	if err != nil {
		return 0, fmt.Errorf("wechat: getuserriskrank request: %w", err)
	}
	endpoint := c.base + "/wxa/getuserriskrank?" + url.Values{"access_token": {accessToken}}.Encode()
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("wechat: getuserriskrank request: %w", err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json")
	var ans riskAnswer
	if err := c.do(r, &ans); err != nil {
		return 0, fmt.Errorf("wechat: getuserriskrank: %w", err)
	}
	if err := ans.refusal(); err != nil {
		return 0, err
	}
	if ans.RiskRank == nil || *ans.RiskRank < 0 || *ans.RiskRank > 4 {
		return 0, fmt.Errorf("wechat: getuserriskrank: answer has no risk_rank from 0 to 4")
	}
	return *ans.RiskRank, nil
}
