package localblob_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/engagehq/engage/adapters/blob/blobtest"
	"github.com/engagehq/engage/adapters/blob/localblob"
	"github.com/engagehq/engage/tenants"
)

func TestContract(t *testing.T) {
	blobtest.Contract(t, localblob.Store{Dir: filepath.Join(t.TempDir(), "blobs")})
}

// TestFilesUnderTheTenantsDirectory checks where a blob lands on disk, and that no temporary
// file is left beside it.
func TestFilesUnderTheTenantsDirectory(t *testing.T) {
	dir := t.TempDir()
	s := localblob.Store{Dir: dir}
	tn := tenants.NewID()
	if err := s.Put(t.Context(), tn, "receipts/x.png", []byte("png"), "image/png"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "tenants", tn.String(), "receipts", "x.png"))
	if err != nil || string(got) != "png" {
		t.Fatalf("file: %q %v", got, err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "tenants", tn.String(), "receipts"))
	if len(entries) != 2 {
		t.Fatalf("files beside the blob: %v, want the blob and its content type", entries)
	}
	if err := s.Put(t.Context(), tn, "x.content-type", []byte("x"), ""); err == nil {
		t.Fatal("a key ending in the content type's suffix was accepted")
	}
}
