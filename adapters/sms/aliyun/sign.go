package aliyun

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"sort"
	"strings"
)

// percentEncode encodes s as Aliyun's RPC signature requires: the RFC 3986 unreserved
// characters (A-Z, a-z, 0-9, '-', '_', '.', '~') stay, every other byte of the UTF-8 form
// becomes %XY in upper-case hex, so a space is %20 (never '+') and '*' is %2A.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0x0f])
	}
	return b.String()
}

// unreserved reports whether c is an RFC 3986 unreserved character.
func unreserved(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	}
	return c == '-' || c == '_' || c == '.' || c == '~'
}

// canonicalQuery is the canonicalized query string: params sorted by name, each name and
// value percent-encoded, joined as name=value pairs with '&'.
func canonicalQuery(params map[string]string) string {
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	pairs := make([]string, len(names))
	for i, name := range names {
		pairs[i] = percentEncode(name) + "=" + percentEncode(params[name])
	}
	return strings.Join(pairs, "&")
}

// stringToSign is the HTTP method, the encoded path "/" and the encoded canonicalized query,
// joined with '&'.
func stringToSign(method, canonical string) string {
	return method + "&" + percentEncode("/") + "&" + percentEncode(canonical)
}

// signature is Base64(HMAC-SHA1(secret + "&", stringToSign)).
func signature(secret, toSign string) string {
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(toSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// signedQuery is the query string of a GET request carrying params (without Signature) and
// their Signature under secret.
func signedQuery(params map[string]string, secret string) string {
	canonical := canonicalQuery(params)
	sig := signature(secret, stringToSign("GET", canonical))
	return canonical + "&Signature=" + percentEncode(sig)
}
