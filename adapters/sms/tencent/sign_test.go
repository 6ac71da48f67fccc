package tencent

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/ports"
)

const (
	katID     = "AKIDEXAMPLE"
	katKey    = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
	katHost   = "sms.tencentcloudapi.com"
	katBody   = `{"SmsSdkAppId":"1400006666"}`
	katUnix   = 1767225599 // 2025-12-31T23:59:59Z: already 2026 in Beijing, the scope date is UTC's
	katScope  = "2025-12-31/sms/tc3_request"
	katHeader = "content-type:application/json; charset=utf-8\nhost:" + katHost + "\n"
)

// tc3 computes a TC3-HMAC-SHA256 Authorization header step by step from Tencent's document,
// with crypto primitives only, for a POST to "/" of body to host at unix time ts.
func tc3(id, key, host, body string, ts int64) string {
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	hm := func(k []byte, msg string) []byte {
		m := hmac.New(sha256.New, k)
		m.Write([]byte(msg))
		return m.Sum(nil)
	}
	date := time.Unix(ts, 0).UTC().Format("2006-01-02")
	creq := "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:" + host + "\n\ncontent-type;host\n" + sum(body)
	toSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(ts, 10) + "\n" + date + "/sms/tc3_request\n" + sum(creq)
	k := hm(hm(hm([]byte("TC3"+key), date), "sms"), "tc3_request")
	return "TC3-HMAC-SHA256 Credential=" + id + "/" + date + "/sms/tc3_request, SignedHeaders=content-type;host, Signature=" +
		hex.EncodeToString(hm(k, toSign))
}

func TestSignatureKnownAnswer(t *testing.T) {
	t.Parallel()
	at := time.Unix(katUnix, 0)
	bodyHash := sha256.Sum256([]byte(katBody))
	wantCanonical := "POST\n/\n\n" + katHeader + "\ncontent-type;host\n" + hex.EncodeToString(bodyHash[:])
	require.Equal(t, wantCanonical, canonicalRequest(katHost, []byte(katBody)))
	require.Equal(t, katScope, credentialScope(at))

	creqHash := sha256.Sum256([]byte(wantCanonical))
	wantToSign := "TC3-HMAC-SHA256\n1767225599\n" + katScope + "\n" + hex.EncodeToString(creqHash[:])
	require.Equal(t, wantToSign, stringToSign(at, wantCanonical))

	require.Equal(t, tc3(katID, katKey, katHost, katBody, katUnix), authorization(katID, katKey, katHost, []byte(katBody), at))
}

func TestClientSendsTheKnownAnswerRequest(t *testing.T) {
	t.Parallel()
	var header http.Header
	var body, host string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		header, body, host = r.Header.Clone(), string(b), r.Host
		_, _ = w.Write([]byte(`{"Response":{"SendStatusStatistics":{"FeeCount":0,"RequestCount":0,"RequestSuccessCount":0},"RequestId":"r"}}`))
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, WithClock(func() time.Time { return time.Unix(katUnix, 0) }))
	require.NoError(t, err)
	account := ports.SMSAccount{Provider: Provider, AccessKeyID: katID, SDKAppID: "1400006666", SignName: "腾讯云", Region: "ap-nanjing"}
	require.NoError(t, c.Verify(context.Background(), account, katKey))

	u, _ := url.Parse(srv.URL)
	require.Equal(t, u.Host, host)
	require.JSONEq(t, `{"SmsSdkAppId":"1400006666","BeginTime":"2026010107","EndTime":"2026010108","Limit":0,"Offset":0}`, body)
	require.Equal(t, "SendStatusStatistics", header.Get("X-TC-Action"))
	require.Equal(t, "2021-01-11", header.Get("X-TC-Version"))
	require.Equal(t, "1767225599", header.Get("X-TC-Timestamp"))
	require.Equal(t, "ap-nanjing", header.Get("X-TC-Region"))
	require.Equal(t, "application/json; charset=utf-8", header.Get("Content-Type"))
	require.Equal(t, tc3(katID, katKey, u.Host, body, katUnix), header.Get("Authorization"))
}

func TestE164(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"13800138000":     "+8613800138000",
		"138 0013 8000":   "+8613800138000",
		"8613800138000":   "+8613800138000",
		"008613800138000": "+8613800138000",
		"+8613800138000":  "+8613800138000",
		"":                "",
	} {
		require.Equal(t, want, e164(in), "e164(%q)", in)
	}
}
