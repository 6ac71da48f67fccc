package wechattest

import (
	"encoding/json"
	"io"
	"net/http"
)

// WeChat's error codes of getuserriskrank.
const (
	ErrSystemBusy       = -1      // try again later
	ErrInvalidScene     = 40129   // scene is neither 0 nor 1
	ErrOpenIDOfOtherApp = 43104   // the openid is not a user of the appid
	ErrEmptyPostData    = 44002   // no body
	ErrRiskTestMode     = 9410009 // is_test asked of an app WeChat has not put in test mode
)

func init() {
	messages[ErrSystemBusy] = "system error"
	messages[ErrInvalidScene] = "invalid scene"
	messages[ErrOpenIDOfOtherApp] = "appid not match openid"
	messages[ErrEmptyPostData] = "empty post data"
	messages[ErrRiskTestMode] = "test mode not supported"
}

// SetRiskRank makes getuserriskrank rank openID, a user of appID (IssueCode registers users
// too), at rank; users nobody ranked are 0.
func (s *Server) SetRiskRank(appID, openID string, rank int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[openID] = appID
	s.ranks[openID] = rank
}

// Busy makes getuserriskrank answer -1 "system error" while busy is true, as WeChat does when
// it is overloaded.
func (s *Server) Busy(busy bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy = busy
}

// riskRank answers POST /wxa/getuserriskrank as WeChat does. Refusals, in the order they are
// checked: 43002 for another method, the access token's 41001, 40001 or 42001 (see
// CheckToken), -1 while Busy, 44002 for an empty body, 47001 for a body that is not JSON or has
// no client_ip, 40003 for an openid no user has, 43104 for an openid of another app than the
// token's (or an appid other than it), 40129 for a scene other than 0 and 1, 9410009 for
// is_test.
func (s *Server) riskRank(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, ErrRequirePOST)
		return
	}
	appID, errcode := s.CheckToken(r)
	if errcode != 0 {
		writeError(w, errcode)
		return
	}
	s.mu.Lock()
	busy := s.busy
	s.mu.Unlock()
	if busy {
		writeError(w, ErrSystemBusy)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || len(body) == 0 {
		writeError(w, ErrEmptyPostData)
		return
	}
	var req struct {
		AppID    string `json:"appid"`
		OpenID   string `json:"openid"`
		Scene    *int   `json:"scene"`
		ClientIP string `json:"client_ip"`
		IsTest   bool   `json:"is_test"`
	}
	if json.Unmarshal(body, &req) != nil || req.ClientIP == "" || req.Scene == nil {
		writeError(w, ErrDataFormat)
		return
	}
	s.mu.Lock()
	owner, known := s.users[req.OpenID]
	rank := s.ranks[req.OpenID]
	s.apiCalls[r.URL.Path]++
	s.mu.Unlock()
	switch {
	case !known:
		writeError(w, ErrInvalidOpenID)
	case owner != appID || req.AppID != appID:
		writeError(w, ErrOpenIDOfOtherApp)
	case *req.Scene != 0 && *req.Scene != 1:
		writeError(w, ErrInvalidScene)
	case req.IsTest:
		writeError(w, ErrRiskTestMode)
	default:
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "getuserriskrank succ", "risk_rank": rank, "unoin_id": 0})
	}
}
