package wechattest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
)

// WeChat's error codes the stand-in answers with.
const (
	ErrInvalidCredential = 40001 // access_token unknown, not the latest, or of another app
	ErrInvalidGrantType  = 40002 // grant_type is not client_credential
	ErrInvalidAppID      = 40013 // no such appid
	ErrInvalidCode       = 40029 // a login or phone code that is unknown, expired or another app's
	ErrCodeUsed          = 40163 // a login or phone code that was already exchanged
	ErrInvalidAppSecret  = 40125 // wrong AppSecret for the appid
	ErrTokenMissing      = 41001 // no access_token query parameter
	ErrAppIDMissing      = 41002 // no appid in the request
	ErrAppSecretMissing  = 41004 // no secret in the request
	ErrCodeMissing       = 41008 // no js_code, or no code in the body
	ErrTokenExpired      = 42001 // access_token has expired
	ErrRequirePOST       = 43002 // the endpoint takes POST only
	ErrDailyQuota        = 45009 // the app's daily quota for the API is spent
	ErrMinuteQuota       = 45011 // the app calls the API too often; retry next minute
	ErrDataFormat        = 47001 // the body is not the JSON the endpoint reads
	ErrInvalidOpenID     = 40003 // next_openid is not one of the account's fans
	ErrUnauthorizedAPI   = 48001 // the account may not use the API (not verified)
	ErrInvalidTagID      = 45159 // no such fan tag
)

// messages are WeChat's errmsg for each code, before the " rid: ..." it appends.
var messages = map[int]string{
	ErrInvalidCredential: "invalid credential, access_token is invalid or not latest",
	ErrInvalidGrantType:  "invalid grant_type",
	ErrInvalidAppID:      "invalid appid",
	ErrInvalidCode:       "invalid code",
	ErrCodeUsed:          "code been used",
	ErrInvalidAppSecret:  "invalid appsecret",
	ErrTokenMissing:      "access_token missing",
	ErrAppIDMissing:      "appid missing",
	ErrAppSecretMissing:  "appsecret missing",
	ErrCodeMissing:       "missing code",
	ErrTokenExpired:      "access_token expired",
	ErrRequirePOST:       "require POST method",
	ErrDailyQuota:        "reach max api daily quota limit",
	ErrMinuteQuota:       "api minute-quota reach limit  mustslower  retry next minute",
	ErrDataFormat:        "data format error",
	ErrInvalidOpenID:     "invalid openid",
	ErrUnauthorizedAPI:   "api unauthorized",
	ErrInvalidTagID:      "invalid tag id",
}

// Message is WeChat's errmsg for errcode without the request ID, e.g. "invalid appid" for
// 40013; "" for a code the stand-in does not know.
func Message(errcode int) string { return messages[errcode] }

// writeError answers with WeChat's error body, {"errcode":40013,"errmsg":"invalid appid rid:
// ..."}, and HTTP 200, as WeChat does for every refusal.
func writeError(w http.ResponseWriter, errcode int) {
	writeJSON(w, map[string]any{"errcode": errcode, "errmsg": Message(errcode) + " rid: " + rid()})
}

// writeJSON answers with body as JSON and HTTP 200, with WeChat's Content-Type.
func writeJSON(w http.ResponseWriter, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// rid is a request ID in WeChat's shape, three dash-separated groups of 8 hex digits.
func rid() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:16] + "-" + h[16:]
}
