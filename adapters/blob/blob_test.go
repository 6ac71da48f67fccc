package blob_test

import (
	"path/filepath"
	"testing"

	"github.com/engagehq/engage/adapters/blob"
	"github.com/engagehq/engage/adapters/blob/localblob"
	"github.com/engagehq/engage/adapters/blob/s3blob"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	if s, err := blob.Open("", dir); err != nil || s != (localblob.Store{Dir: filepath.Join(dir, "blobs")}) {
		t.Fatalf("default: %#v %v", s, err)
	}
	if s, err := blob.Open("file:///srv/engage/blobs", dir); err != nil || s != (localblob.Store{Dir: "/srv/engage/blobs"}) {
		t.Fatalf("file: %#v %v", s, err)
	}
	if s, err := blob.Open("s3://AK:SK@minio.internal:9000/engage?region=cn-east-1", dir); err != nil {
		t.Fatal(err)
	} else if _, ok := s.(*s3blob.Store); !ok {
		t.Fatalf("s3: %T", s)
	}
	for _, bad := range []string{"ftp://x/y", "file://host/x", "s3://nobucket", "::"} {
		if _, err := blob.Open(bad, dir); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
