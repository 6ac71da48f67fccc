package aliyuntest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// required are the common parameters every RPC request must carry.
var required = []string{
	"AccessKeyId", "Action", "Format", "Signature", "SignatureMethod", "SignatureNonce",
	"SignatureVersion", "Timestamp", "Version",
}

// serve checks a request as Aliyun's gateway does, then runs its action.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		fail(w, http.StatusNotFound, "InvalidApi.NotFound", "Specified api is not found, please check your url and method.")
		return
	}
	if r.Method != http.MethodGet {
		fail(w, http.StatusBadRequest, "UnsupportedHTTPMethod", "This http method is not supported by the stand-in; use GET.")
		return
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		fail(w, http.StatusBadRequest, "InvalidParameter", "The query string cannot be parsed.")
		return
	}
	params := map[string]string{}
	for name, values := range q {
		params[name] = values[0]
	}
	if !s.authenticate(w, params) {
		return
	}
	delete(params, "Signature")
	switch params["Action"] {
	case "QuerySmsSign":
		s.querySmsSign(w, params)
	case "SendSms":
		s.sendSms(w, params)
	default:
		fail(w, http.StatusNotFound, "InvalidApi.NotFound", "Specified api is not found, please check your url and method.")
	}
}

// authenticate checks the common parameters, the AccessKey, the signature, the timestamp and
// the nonce, answering the first failure.
func (s *Server) authenticate(w http.ResponseWriter, params map[string]string) bool {
	for _, name := range required {
		if params[name] == "" {
			fail(w, http.StatusBadRequest, "Missing"+name, name+" is mandatory for this action.")
			return false
		}
	}
	switch {
	case params["Version"] != "2017-05-25":
		fail(w, http.StatusBadRequest, "InvalidVersion", "Specified parameter Version is not valid.")
		return false
	case params["Format"] != "JSON":
		fail(w, http.StatusBadRequest, "InvalidParameter.Format", "Specified parameter format is not valid.")
		return false
	case params["SignatureMethod"] != "HMAC-SHA1":
		fail(w, http.StatusBadRequest, "InvalidSignatureMethod", "Specified signature method is not valid.")
		return false
	case params["SignatureVersion"] != "1.0":
		fail(w, http.StatusBadRequest, "InvalidSignatureVersion", "Specified signature version is not valid.")
		return false
	}
	ts, err := time.Parse("2006-01-02T15:04:05Z", params["Timestamp"])
	if err != nil {
		fail(w, http.StatusBadRequest, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
		return false
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	secret, ok := s.accounts[params["AccessKeyId"]]
	if !ok {
		fail(w, http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
		return false
	}
	toSign := serverStringToSign(params)
	if !hmac.Equal([]byte(params["Signature"]), []byte(hmacSHA1(secret+"&", toSign))) {
		fail(w, http.StatusBadRequest, "SignatureDoesNotMatch",
			"Specified signature is not matched with our calculation. server string to sign is:"+toSign)
		return false
	}
	if skew := s.now().Sub(ts); skew > MaxSkew || skew < -MaxSkew {
		fail(w, http.StatusBadRequest, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
		return false
	}
	nonce := params["AccessKeyId"] + "\x00" + params["SignatureNonce"]
	if s.nonces[nonce] {
		fail(w, http.StatusBadRequest, "SignatureNonceUsed", "Specified signature nonce was used already.")
		return false
	}
	s.nonces[nonce] = true
	return true
}

// serverStringToSign rebuilds the string to sign from the received parameters, encoding as
// Aliyun's document suggests: form encoding, then '+' to %20, '*' to %2A and %7E back to '~'.
func serverStringToSign(params map[string]string) string {
	names := make([]string, 0, len(params))
	for name := range params {
		if name != "Signature" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for i, name := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(specialEncode(name) + "=" + specialEncode(params[name]))
	}
	return "GET&" + specialEncode("/") + "&" + specialEncode(b.String())
}

// specialEncode is Aliyun's documented percentEncode built on form encoding.
func specialEncode(s string) string {
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(s))
}

// hmacSHA1 is Base64(HMAC-SHA1(key, msg)).
func hmacSHA1(key, msg string) string {
	mac := hmac.New(sha1.New, []byte(key))
	mac.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
