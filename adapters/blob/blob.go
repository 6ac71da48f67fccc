// Package blob opens the blob store the configuration names: the local disk (localblob) by
// default, or an S3-compatible bucket (s3blob).
package blob

import (
	"fmt"
	"net/url"
	"path/filepath"

	"github.com/engagehq/engage/adapters/blob/localblob"
	"github.com/engagehq/engage/adapters/blob/s3blob"
	"github.com/engagehq/engage/ports"
)

// Open returns the store raw names: "" keeps blobs under dir/blobs on the local disk,
// file:///path under /path, s3://ACCESS:SECRET@host/bucket?region=R (or s3+http:// for a
// store without TLS, credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when the URL
// has none) in an S3-compatible bucket.
func Open(raw, dir string) (ports.Blobs, error) {
	if raw == "" {
		return localblob.Store{Dir: filepath.Join(dir, "blobs")}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("blob store URL: %w", err)
	}
	switch u.Scheme {
	case "file":
		if u.Path == "" || u.Host != "" {
			return nil, fmt.Errorf("blob store URL %q: want file:///absolute/path", raw)
		}
		return localblob.Store{Dir: u.Path}, nil
	case "s3", "s3+http":
		cfg, err := s3blob.ParseURL(raw)
		if err != nil {
			return nil, err
		}
		return s3blob.New(cfg, nil), nil
	}
	return nil, fmt.Errorf("blob store URL %q: want file:///path, s3://... or s3+http://...", raw)
}
