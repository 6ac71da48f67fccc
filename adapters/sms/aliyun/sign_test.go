package aliyun

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/ports"
)

func TestPercentEncodeFollowsAliyunRules(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"AZaz09-_.~": "AZaz09-_.~",
		"a b":        "a%20b",
		"*":          "%2A",
		"+/=&:":      "%2B%2F%3D%26%3A",
		"饮":          "%E9%A5%AE",
		`{"k":"v"}`:  "%7B%22k%22%3A%22v%22%7D",
	}
	for in, want := range cases {
		require.Equal(t, want, percentEncode(in), "percentEncode(%q)", in)
	}
}

// kat is a request fixed by hand; its canonical query and string to sign below were written
// out by hand from Aliyun's rules, not produced by the code under test.
var kat = map[string]string{
	"AccessKeyId":      "LTAI5tExampleKeyId",
	"Action":           "SendSms",
	"Format":           "JSON",
	"PhoneNumbers":     "13800138000",
	"RegionId":         "cn-hangzhou",
	"SignName":         "莲花茶饮",
	"SignatureMethod":  "HMAC-SHA1",
	"SignatureNonce":   "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
	"SignatureVersion": "1.0",
	"TemplateCode":     "SMS_154950909",
	"TemplateParam":    `{"code":"1234 *~"}`,
	"Timestamp":        "2026-03-01T08:30:00Z",
	"Version":          "2017-05-25",
}

const (
	katSecret    = "testsecret"
	katCanonical = "AccessKeyId=LTAI5tExampleKeyId&Action=SendSms&Format=JSON&PhoneNumbers=13800138000" +
		"&RegionId=cn-hangzhou&SignName=%E8%8E%B2%E8%8A%B1%E8%8C%B6%E9%A5%AE&SignatureMethod=HMAC-SHA1" +
		"&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0" +
		"&TemplateCode=SMS_154950909&TemplateParam=%7B%22code%22%3A%221234%20%2A~%22%7D" +
		"&Timestamp=2026-03-01T08%3A30%3A00Z&Version=2017-05-25"
	katToSign = "GET&%2F&AccessKeyId%3DLTAI5tExampleKeyId%26Action%3DSendSms%26Format%3DJSON" +
		"%26PhoneNumbers%3D13800138000%26RegionId%3Dcn-hangzhou" +
		"%26SignName%3D%25E8%258E%25B2%25E8%258A%25B1%25E8%258C%25B6%25E9%25A5%25AE" +
		"%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf" +
		"%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_154950909" +
		"%26TemplateParam%3D%257B%2522code%2522%253A%25221234%2520%252A~%2522%257D" +
		"%26Timestamp%3D2026-03-01T08%253A30%253A00Z%26Version%3D2017-05-25"
)

// katSignature computes the expected signature directly with crypto/hmac and crypto/sha1.
func katSignature() string {
	mac := hmac.New(sha1.New, []byte(katSecret+"&"))
	mac.Write([]byte(katToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestSignatureKnownAnswer(t *testing.T) {
	t.Parallel()
	canonical := canonicalQuery(kat)
	require.Equal(t, katCanonical, canonical)
	require.Equal(t, katToSign, stringToSign("GET", canonical))
	want := katSignature()
	require.Equal(t, want, signature(katSecret, katToSign))
	encoded := strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(want)
	require.Equal(t, katCanonical+"&Signature="+encoded, signedQuery(kat, katSecret))
}

func TestClientSendsTheKnownAnswerRequest(t *testing.T) {
	t.Parallel()
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		_, _ = w.Write([]byte(`{"Code":"OK","Message":"OK","BizId":"1^0","RequestId":"R"}`))
	}))
	t.Cleanup(srv.Close)
	c, err := New(srv.URL,
		WithClock(func() time.Time { return time.Date(2026, 3, 1, 16, 30, 0, 0, time.FixedZone("CST", 8*3600)) }),
		WithNonce(func() string { return kat["SignatureNonce"] }))
	require.NoError(t, err)
	account := ports.SMSAccount{Provider: Provider, AccessKeyID: kat["AccessKeyId"], SignName: kat["SignName"]}
	bizID, err := c.Send(context.Background(), account, katSecret, "13800138000", "SMS_154950909", map[string]string{"code": "1234 *~"})
	require.NoError(t, err)
	require.Equal(t, "1^0", bizID)
	require.Equal(t, katSignature(), got.Get("Signature"))
	got.Del("Signature")
	require.Len(t, got, len(kat))
	for name, value := range kat {
		require.Equal(t, value, got.Get(name), name)
	}
}
