package tencent

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// algorithm is the TC3 signature algorithm's name.
const algorithm = "TC3-HMAC-SHA256"

// signedHeaders are the headers the client signs, as SignedHeaders lists them.
const signedHeaders = "content-type;host"

// canonicalRequest is the TC3 canonical request of a POST to "/" with no query string, the
// content-type and host headers (names and values lower-cased and trimmed) and body.
func canonicalRequest(host string, body []byte) string {
	headers := "content-type:" + strings.ToLower(strings.TrimSpace(contentType)) + "\n" +
		"host:" + strings.ToLower(strings.TrimSpace(host)) + "\n"
	return strings.Join([]string{"POST", "/", "", headers, signedHeaders, sha256Hex(body)}, "\n")
}

// credentialScope is the UTC date of at, the service and "tc3_request", joined with '/'.
func credentialScope(at time.Time) string {
	return at.UTC().Format("2006-01-02") + "/" + service + "/tc3_request"
}

// stringToSign is the algorithm, the timestamp, the credential scope and the hashed canonical
// request, one per line.
func stringToSign(at time.Time, canonical string) string {
	return algorithm + "\n" + strconv.FormatInt(at.Unix(), 10) + "\n" + credentialScope(at) + "\n" +
		sha256Hex([]byte(canonical))
}

// signingKey derives TC3's key: HMAC chain of "TC3"+secretKey over the date, the service and
// "tc3_request".
func signingKey(secretKey string, at time.Time) []byte {
	date := hmacSHA256([]byte("TC3"+secretKey), at.UTC().Format("2006-01-02"))
	svc := hmacSHA256(date, service)
	return hmacSHA256(svc, "tc3_request")
}

// authorization is the Authorization header of a request to host with body, sent at at.
func authorization(secretID, secretKey, host string, body []byte, at time.Time) string {
	toSign := stringToSign(at, canonicalRequest(host, body))
	sig := hex.EncodeToString(hmacSHA256(signingKey(secretKey, at), toSign))
	return algorithm + " Credential=" + secretID + "/" + credentialScope(at) +
		", SignedHeaders=" + signedHeaders + ", Signature=" + sig
}

// hmacSHA256 is HMAC-SHA256(key, msg).
func hmacSHA256(key []byte, msg string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msg))
	return mac.Sum(nil)
}

// sha256Hex is the lower-case hex SHA-256 of b.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
