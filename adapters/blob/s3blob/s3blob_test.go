package s3blob_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/engagehq/engage/adapters/blob/blobtest"
	"github.com/engagehq/engage/adapters/blob/s3blob"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// standIn is an S3-compatible server in memory: it checks AWS Signature Version 4 as S3
// does (known access key, clock skew, the payload's hash, the signature over the canonical
// request) and answers S3's error documents with its codes (InvalidAccessKeyId,
// SignatureDoesNotMatch, AccessDenied, NoSuchKey, NoSuchBucket, XAmzContentSHA256Mismatch,
// RequestTimeTooSkewed).
type standIn struct {
	bucket, region string
	keys           map[string]key
	mu             sync.Mutex
	objects        map[string]object
	requests       int
}

type key struct {
	secret   string
	readOnly bool
}

type object struct {
	data        []byte
	contentType string
}

func s3err(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`, code, msg)
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		s3err(w, 403, "AccessDenied", "Access Denied")
		return
	}
	fields := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	cred := strings.Split(fields["Credential"], "/")
	if len(cred) != 5 || cred[3] != "s3" || cred[4] != "aws4_request" {
		s3err(w, 400, "AuthorizationHeaderMalformed", "The authorization header is malformed")
		return
	}
	k, ok := s.keys[cred[0]]
	if !ok {
		s3err(w, 403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
		return
	}
	if cred[2] != s.region {
		s3err(w, 400, "AuthorizationHeaderMalformed", "the region '"+cred[2]+"' is wrong; expecting '"+s.region+"'")
		return
	}
	amzDate := r.Header.Get("X-Amz-Date")
	at, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil || cred[1] != amzDate[:8] {
		s3err(w, 403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
		return
	}
	if d := time.Since(at); d > 15*time.Minute || d < -15*time.Minute {
		s3err(w, 403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
		return
	}
	sum := sha256.Sum256(body)
	if r.Header.Get("X-Amz-Content-Sha256") != hex.EncodeToString(sum[:]) {
		s3err(w, 400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
		return
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	if !sort.StringsAreSorted(signed) || !contains(signed, "host") || !contains(signed, "x-amz-date") || !contains(signed, "x-amz-content-sha256") {
		s3err(w, 403, "AccessDenied", "host, x-amz-date and x-amz-content-sha256 must be signed")
		return
	}
	var lines []string
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		lines = append(lines, h+":"+strings.TrimSpace(v))
	}
	query := []string{}
	for name, vs := range r.URL.Query() {
		for _, v := range vs {
			query = append(query, url.QueryEscape(name)+"="+url.QueryEscape(v))
		}
	}
	sort.Strings(query)
	canonical := r.Method + "\n" + r.URL.EscapedPath() + "\n" + strings.Join(query, "&") + "\n" + strings.Join(lines, "\n") + "\n\n" +
		fields["SignedHeaders"] + "\n" + r.Header.Get("X-Amz-Content-Sha256")
	creq := sha256.Sum256([]byte(canonical))
	stringToSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + strings.Join(cred[1:], "/") + "\n" + hex.EncodeToString(creq[:])
	mac := func(key []byte, s string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(s))
		return m.Sum(nil)
	}
	signingKey := mac(mac(mac(mac([]byte("AWS4"+k.secret), cred[1]), cred[2]), "s3"), "aws4_request")
	if want := hex.EncodeToString(mac(signingKey, stringToSign)); !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		s3err(w, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
		return
	}
	bucket, name, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if bucket != s.bucket {
		s3err(w, 404, "NoSuchBucket", "The specified bucket does not exist")
		return
	}
	if k.readOnly && r.Method != http.MethodGet {
		s3err(w, 403, "AccessDenied", "Access Denied")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodPut:
		s.objects[name] = object{data: body, contentType: r.Header.Get("Content-Type")}
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	case http.MethodGet:
		o, ok := s.objects[name]
		if !ok {
			s3err(w, 404, "NoSuchKey", "The specified key does not exist.")
			return
		}
		w.Header().Set("Content-Type", o.contentType)
		_, _ = w.Write(o.data)
	case http.MethodDelete:
		delete(s.objects, name)
		w.WriteHeader(http.StatusNoContent)
	default:
		s3err(w, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func newStandIn(t *testing.T) (*standIn, *httptest.Server) {
	s := &standIn{bucket: "engage-blobs", region: "cn-north-1", objects: map[string]object{}, keys: map[string]key{
		"AKIDWRITER": {secret: "writer-secret/with+symbols"}, "AKIDREADER": {secret: "reader-secret", readOnly: true}}}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func TestContract(t *testing.T) {
	s, srv := newStandIn(t)
	cfg, err := s3blob.ParseURL("s3+http://AKIDWRITER:" + url.QueryEscape("writer-secret/with+symbols") + "@" + strings.TrimPrefix(srv.URL, "http://") + "/engage-blobs?region=cn-north-1")
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Contract(t, s3blob.New(cfg, srv.Client()))
	for name := range s.objects {
		if !strings.HasPrefix(name, "tenants/") {
			t.Errorf("object %q is not under tenants/<tenant ID>/", name)
		}
	}
}

// TestRefusals checks that the store's refusals come back as what they are: credentials
// refused (wrong secret, unknown key, a key without write access), a missing key, a bucket
// that does not exist.
func TestRefusals(t *testing.T) {
	_, srv := newStandIn(t)
	ctx := t.Context()
	tn := tenants.NewID()
	store := func(access, secret, bucket string) ports.Blobs {
		return s3blob.New(s3blob.Config{Endpoint: srv.URL, Bucket: bucket, Region: "cn-north-1",
			Credentials: s3blob.Credentials{AccessKey: access, SecretKey: secret}}, srv.Client())
	}
	for _, c := range []struct {
		name  string
		store ports.Blobs
		code  string
	}{
		{"wrong secret", store("AKIDWRITER", "not-the-secret", "engage-blobs"), "SignatureDoesNotMatch"},
		{"unknown key", store("AKIDNOBODY", "x", "engage-blobs"), "InvalidAccessKeyId"},
		{"read-only key writes", store("AKIDREADER", "reader-secret", "engage-blobs"), "AccessDenied"},
	} {
		err := c.store.Put(ctx, tn, "receipts/a.jpg", []byte("jpeg"), "image/jpeg")
		var perr *ports.ProviderError
		if !errors.As(err, &perr) || perr.Code != c.code || !errors.Is(err, ports.FailureCredentials) {
			t.Errorf("%s: %v, want %s as credentials refused", c.name, err, c.code)
		}
	}
	if _, _, err := store("AKIDREADER", "reader-secret", "engage-blobs").Get(ctx, tn, "receipts/none.jpg"); !errors.Is(err, ports.ErrBlobNotFound) {
		t.Errorf("missing key: %v, want ErrBlobNotFound", err)
	}
	err := store("AKIDWRITER", "writer-secret/with+symbols", "no-bucket").Put(ctx, tn, "receipts/a.jpg", []byte("x"), "image/jpeg")
	var perr *ports.ProviderError
	if !errors.As(err, &perr) || perr.Code != "NoSuchBucket" {
		t.Errorf("missing bucket: %v, want NoSuchBucket", err)
	}
}

func TestParseURL(t *testing.T) {
	c, err := s3blob.ParseURL("s3://AK:SK@s3.cn-north-1.amazonaws.com.cn/receipts?region=cn-north-1")
	if err != nil || c.Endpoint != "https://s3.cn-north-1.amazonaws.com.cn" || c.Bucket != "receipts" || c.Region != "cn-north-1" ||
		c.AccessKey != "AK" || c.SecretKey != "SK" {
		t.Fatalf("%+v %v", c, err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	for _, bad := range []string{"http://h/b", "s3://h", "s3://AK:SK@h/a/b", "s3://h/b"} {
		if _, err := s3blob.ParseURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "ENVAK")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "ENVSK")
	if c, err := s3blob.ParseURL("s3+http://127.0.0.1:9000/b"); err != nil || c.AccessKey != "ENVAK" || c.Endpoint != "http://127.0.0.1:9000" {
		t.Fatalf("%+v %v", c, err)
	}
}
