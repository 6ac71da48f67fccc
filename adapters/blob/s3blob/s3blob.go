// Package s3blob keeps blobs in an S3-compatible object store (Amazon S3, Aliyun OSS and
// Tencent COS in their S3 modes, MinIO, Ceph), one bucket for every tenant, each tenant's
// blobs under "tenants/<tenant ID>/". Requests are path-style and signed with AWS Signature
// Version 4.
package s3blob

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Provider names the object store in errors.
const Provider = "s3"

// MaxBlobBytes bounds what Get reads of one object.
const MaxBlobBytes = 64 << 20

// Config says where the bucket is and how to sign.
type Config struct {
	// Endpoint is the store's base URL (https://s3.cn-north-1.amazonaws.com.cn, http://127.0.0.1:9000).
	Endpoint string
	Bucket   string
	// Region signs requests; us-east-1 when empty (what MinIO expects by default).
	Region string
	Credentials
}

// ParseURL reads a Config from s3://ACCESS:SECRET@host[:port]/bucket?region=REGION (HTTPS) or
// s3+http://... (plain HTTP, for a store on the same machine). Without credentials in the URL
// it takes AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, fmt.Errorf("s3blob: %w", err)
	}
	scheme := "https"
	switch u.Scheme {
	case "s3":
	case "s3+http":
		scheme = "http"
	default:
		return Config{}, fmt.Errorf("s3blob: scheme %q: want s3:// or s3+http://", u.Scheme)
	}
	bucket := strings.Trim(u.Path, "/")
	if u.Host == "" || bucket == "" || strings.Contains(bucket, "/") {
		return Config{}, errors.New("s3blob: want s3://[ACCESS:SECRET@]host[:port]/bucket")
	}
	c := Config{Endpoint: scheme + "://" + u.Host, Bucket: bucket, Region: u.Query().Get("region")}
	if u.User != nil {
		c.AccessKey = u.User.Username()
		c.SecretKey, _ = u.User.Password()
	} else {
		c.AccessKey, c.SecretKey = os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return Config{}, errors.New("s3blob: no credentials (in the URL or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
	}
	return c, nil
}

// Store is a bucket of an S3-compatible store.
type Store struct {
	cfg    Config
	client *http.Client
	now    func() time.Time
}

var _ ports.Blobs = (*Store)(nil)

// New returns a store over cfg; client nil uses a client with a 60 s timeout.
func New(cfg Config, client *http.Client) *Store {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	cfg.Endpoint = strings.TrimRight(cfg.Endpoint, "/")
	if client == nil {
		client = &http.Client{Timeout: 60 * time.Second}
	}
	return &Store{cfg: cfg, client: client, now: time.Now}
}

// s3Error is S3's error document.
type s3Error struct {
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

func (s *Store) do(ctx context.Context, method string, tenant tenants.ID, key string, body []byte, contentType string) (*http.Response, error) {
	p, err := ports.BlobPath(tenant, key)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, s.cfg.Endpoint+"/"+s.cfg.Bucket+"/"+p, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("s3blob: %w", err)
	}
	hash := EmptySHA256
	if body != nil {
		hash = hexSHA256(body)
		req.ContentLength = int64(len(body))
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	sign(req, s.cfg.Credentials, s.cfg.Region, s.now(), hash, "content-type")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("s3blob: %s %s: %w", method, p, err)
	}
	if resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var e s3Error
	_ = xml.Unmarshal(raw, &e)
	if e.Code == "" {
		e.Code = resp.Status
	}
	perr := &ports.ProviderError{Provider: Provider, Code: e.Code, Message: e.Message}
	switch e.Code {
	case "NoSuchKey":
		return nil, fmt.Errorf("%w (%w)", ports.ErrBlobNotFound, perr)
	case "AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId":
		return nil, fmt.Errorf("s3blob: %s %s: %w: %w", method, p, ports.FailureCredentials, perr)
	}
	return nil, fmt.Errorf("s3blob: %s %s: %w", method, p, perr)
}

// Put implements ports.Blobs.
func (s *Store) Put(ctx context.Context, tenant tenants.ID, key string, data []byte, contentType string) error {
	if data == nil {
		data = []byte{}
	}
	resp, err := s.do(ctx, http.MethodPut, tenant, key, data, contentType)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// Get implements ports.Blobs.
func (s *Store) Get(ctx context.Context, tenant tenants.ID, key string) ([]byte, string, error) {
	resp, err := s.do(ctx, http.MethodGet, tenant, key, nil, "")
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBlobBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("s3blob: read %s: %w", key, err)
	}
	if len(data) > MaxBlobBytes {
		return nil, "", fmt.Errorf("s3blob: %s is larger than %d bytes", key, MaxBlobBytes)
	}
	return data, resp.Header.Get("Content-Type"), nil
}

// Delete implements ports.Blobs: S3 answers 204 for a missing key too.
func (s *Store) Delete(ctx context.Context, tenant tenants.ID, key string) error {
	resp, err := s.do(ctx, http.MethodDelete, tenant, key, nil, "")
	if errors.Is(err, ports.ErrBlobNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}
