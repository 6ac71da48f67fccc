package wechattest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// CodeLifetime is how long a wx.login or getPhoneNumber code can be exchanged, as WeChat's
// five minutes.
const CodeLifetime = 5 * time.Minute

// code is one code the Mini Program issued: a login code (openID set) or a phone code (phone
// set).
type code struct {
	appID    string
	issuedAt time.Time
	used     bool

	openID, unionID string

	phone, purePhone, countryCode string
}

// IssueCode returns a code as wx.login gives the Mini Program appID for a user: jscode2session
// exchanges it once, within CodeLifetime, for openID and unionID ("" for an app bound to no
// Open Platform account, whose answers have no unionid).
func (s *Server) IssueCode(appID, openID, unionID string) string {
	s.mu.Lock()
	s.users[openID] = appID
	s.mu.Unlock()
	return s.issue(&code{appID: appID, openID: openID, unionID: unionID})
}

// IssuePhoneCode returns a code as a getPhoneNumber button gives the Mini Program appID for a
// user who shares phone: getuserphonenumber exchanges it once, within CodeLifetime. phone is a
// mainland mobile ("13812345678", country code 86) or "+<country code> <number>"
// ("+852 61234567").
func (s *Server) IssuePhoneCode(appID, phone string) string {
	c := &code{appID: appID, phone: phone, purePhone: phone, countryCode: "86"}
	if rest, international := strings.CutPrefix(phone, "+"); international {
		cc, pure, _ := strings.Cut(rest, " ")
		c.phone, c.purePhone, c.countryCode = "+"+cc+pure, pure, cc
	}
	return s.issue(c)
}

func (s *Server) issue(c *code) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	c.issuedAt = s.now()
	s.codes[token] = c
	return token
}

// Throttle makes jscode2session and getuserphonenumber refuse appID with 45011 "api
// minute-quota reach limit", as WeChat does when an app calls them too often. Unthrottle lifts
// it.
func (s *Server) Throttle(appID string) { s.setThrottled(appID, true) }

// Unthrottle lifts Throttle, as the next minute does.
func (s *Server) Unthrottle(appID string) { s.setThrottled(appID, false) }

func (s *Server) setThrottled(appID string, throttled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[appID]; ok {
		a.throttled = throttled
	}
}

// redeem spends a code of appID of the kind login (or phone) says, and returns it, or the
// errcode WeChat refuses it with: 40029 for a code it never issued, issued to another app or
// for the other kind, or older than CodeLifetime; 40163 for one already spent. Callers hold
// s.mu.
func (s *Server) redeem(appID, token string, login bool) (*code, int) {
	c, ok := s.codes[token]
	switch {
	case !ok || c.appID != appID || (c.openID != "") != login || !s.now().Before(c.issuedAt.Add(CodeLifetime)):
		return nil, ErrInvalidCode
	case c.used:
		return nil, ErrCodeUsed
	}
	c.used = true
	return c, 0
}

// jscode2session answers GET /sns/jscode2session as WeChat does. Refusals, in the order they
// are checked: 41002/40013 for a missing/unknown appid, 41004/40125 for a missing/wrong
// secret, 40002 unless grant_type is authorization_code, 45011 while the app is Throttle-d,
// 41008 for no js_code, then the code's own 40029 or 40163 (see IssueCode). A session answer
// has openid, session_key and, when the code carried one, unionid.
func (s *Server) jscode2session(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	appID, secret := q.Get("appid"), q.Get("secret")
	s.mu.Lock()
	defer s.mu.Unlock()
	a, known := s.apps[appID]
	switch {
	case appID == "":
		writeError(w, ErrAppIDMissing)
	case !known:
		writeError(w, ErrInvalidAppID)
	case secret == "":
		writeError(w, ErrAppSecretMissing)
	case subtle.ConstantTimeCompare([]byte(secret), []byte(a.secret)) != 1:
		writeError(w, ErrInvalidAppSecret)
	case q.Get("grant_type") != "authorization_code":
		writeError(w, ErrInvalidGrantType)
	case a.throttled:
		writeError(w, ErrMinuteQuota)
	case q.Get("js_code") == "":
		writeError(w, ErrCodeMissing)
	default:
		c, errcode := s.redeem(appID, q.Get("js_code"), true)
		if errcode != 0 {
			writeError(w, errcode)
			return
		}
		answer := map[string]any{"openid": c.openID, "session_key": sessionKey()}
		if c.unionID != "" {
			answer["unionid"] = c.unionID
		}
		writeJSON(w, answer)
	}
}

// phoneNumber answers POST /wxa/business/getuserphonenumber as WeChat does. Refusals, in the
// order they are checked: 43002 for another method, the access token's 41001, 40001 or 42001
// (see CheckToken), 47001 for a body that is not {"code": "..."}, 41008 for no code, 45011
// while the app is Throttle-d, then the code's own 40029 or 40163 (see IssuePhoneCode).
func (s *Server) phoneNumber(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, ErrRequirePOST)
		return
	}
	appID, errcode := s.CheckToken(r)
	if errcode != 0 {
		writeError(w, errcode)
		return
	}
	var req struct {
		Code string `json:"code"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(body, &req) != nil {
		writeError(w, ErrDataFormat)
		return
	}
	if req.Code == "" {
		writeError(w, ErrCodeMissing)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.apps[appID].throttled {
		writeError(w, ErrMinuteQuota)
		return
	}
	c, errcode := s.redeem(appID, req.Code, false)
	if errcode != 0 {
		writeError(w, errcode)
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "phone_info": map[string]any{
		"phoneNumber": c.phone, "purePhoneNumber": c.purePhone, "countryCode": c.countryCode,
		"watermark": map[string]any{"timestamp": s.now().Unix(), "appid": appID},
	}})
}

// sessionKey is a random session key as WeChat gives: 16 bytes in standard Base64.
func sessionKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
