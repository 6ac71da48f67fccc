package tencenttest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// regions are the regions the SMS API serves.
var regions = []string{"ap-beijing", "ap-guangzhou", "ap-nanjing"}

// request is an authenticated request: who sent it, where, and its body.
type request struct {
	action, region, secretID string
	body                     []byte
}

// serve checks a request as Tencent's API gateway does, then runs its action.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		fail(w, "InvalidParameter", "The request body cannot be read.")
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		fail(w, "UnsupportedOperation", "The stand-in serves POST / with a JSON body only.")
		return
	}
	req, ok := s.authenticate(w, r, body)
	if !ok {
		return
	}
	switch req.action {
	case "SendStatusStatistics":
		s.sendStatusStatistics(w, req)
	case "SendSms":
		s.sendSms(w, req)
	default:
		fail(w, "InvalidAction", "The action `"+req.action+"` is not found.")
	}
}

// authenticate checks the common headers, the Authorization header, the timestamp, the
// SecretId and the signature, answering the first failure.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, body []byte) (request, bool) {
	for _, name := range []string{"X-TC-Action", "X-TC-Version", "X-TC-Timestamp", "X-TC-Region"} {
		if r.Header.Get(name) == "" {
			fail(w, "MissingParameter", "The request is missing a required parameter `"+strings.TrimPrefix(name, "X-TC-")+"`.")
			return request{}, false
		}
	}
	auth, ok := parseAuthorization(r.Header.Get("Authorization"))
	if !ok {
		fail(w, "AuthFailure.InvalidAuthorization", "Authorization in the request header is invalid.")
		return request{}, false
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		fail(w, "InvalidParameter", "The parameter `Timestamp` is not a Unix timestamp.")
		return request{}, false
	}
	s.mu.Lock()
	now := s.now()
	secretKey, known := s.accounts[auth.secretID]
	s.mu.Unlock()
	at := time.Unix(ts, 0)
	if skew := now.Sub(at); skew > MaxSkew || skew < -MaxSkew {
		fail(w, "AuthFailure.SignatureExpire", "Signature expired. Timestamp and server time cannot differ by more than five minutes.")
		return request{}, false
	}
	if !known {
		fail(w, "AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.")
		return request{}, false
	}
	date := at.UTC().Format("2006-01-02")
	want := serverSignature(r, body, auth.signedHeaders, secretKey, date, ts)
	if auth.scope != date+"/sms/tc3_request" || !hmac.Equal([]byte(auth.signature), []byte(want)) {
		fail(w, "AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.")
		return request{}, false
	}
	if v := r.Header.Get("X-TC-Version"); v != "2021-01-11" {
		fail(w, "NoSuchVersion", "The API version `"+v+"` does not exist.")
		return request{}, false
	}
	region := r.Header.Get("X-TC-Region")
	if !slices.Contains(regions, region) {
		fail(w, "UnsupportedRegion", "The region `"+region+"` is not supported by this API.")
		return request{}, false
	}
	return request{action: r.Header.Get("X-TC-Action"), region: region, secretID: auth.secretID, body: body}, true
}

// credential is a parsed TC3 Authorization header.
type credential struct {
	secretID, scope, signature string
	signedHeaders              []string
}

// parseAuthorization reads "TC3-HMAC-SHA256 Credential=id/scope, SignedHeaders=a;b,
// Signature=hex"; SignedHeaders must include content-type and host.
func parseAuthorization(h string) (credential, bool) {
	rest, ok := strings.CutPrefix(h, "TC3-HMAC-SHA256 ")
	if !ok {
		return credential{}, false
	}
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return credential{}, false
		}
		fields[name] = value
	}
	id, scope, ok := strings.Cut(fields["Credential"], "/")
	headers := strings.Split(fields["SignedHeaders"], ";")
	if !ok || id == "" || fields["Signature"] == "" ||
		!slices.Contains(headers, "content-type") || !slices.Contains(headers, "host") {
		return credential{}, false
	}
	return credential{secretID: id, scope: scope, signature: fields["Signature"], signedHeaders: headers}, true
}

// serverSignature recomputes the request's TC3 signature from what was received: the signed
// headers' values as they arrived, the raw query and the body.
func serverSignature(r *http.Request, body []byte, headers []string, secretKey, date string, ts int64) string {
	var canonical strings.Builder
	for _, name := range headers {
		value := r.Header.Get(name)
		if name == "host" {
			value = r.Host
		}
		canonical.WriteString(name + ":" + strings.ToLower(strings.TrimSpace(value)) + "\n")
	}
	bodyHash := sha256.Sum256(body)
	creq := r.Method + "\n" + r.URL.Path + "\n" + r.URL.RawQuery + "\n" + canonical.String() + "\n" +
		strings.Join(headers, ";") + "\n" + hex.EncodeToString(bodyHash[:])
	creqHash := sha256.Sum256([]byte(creq))
	toSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(ts, 10) + "\n" + date + "/sms/tc3_request\n" +
		hex.EncodeToString(creqHash[:])
	key := mac([]byte("TC3"+secretKey), date)
	key = mac(key, "sms")
	key = mac(key, "tc3_request")
	return hex.EncodeToString(mac(key, toSign))
}

// mac is HMAC-SHA256(key, msg).
func mac(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
