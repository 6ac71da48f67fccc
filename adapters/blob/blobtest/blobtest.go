// Package blobtest is the contract every ports.Blobs adapter passes.
package blobtest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Contract stores, reads, replaces and deletes blobs in s, and checks that keys are the
// tenant's own and that bad keys are refused.
func Contract(t *testing.T, s ports.Blobs) {
	t.Helper()
	ctx := t.Context()
	a, b := tenants.NewID(), tenants.NewID()
	key := "receipts/2026/12/0193a1b2-photo.jpg"
	photo := bytes.Repeat([]byte{0xff, 0xd8, 0xff, 0xe0, 1, 2, 3}, 5000)

	if _, _, err := s.Get(ctx, a, key); !errors.Is(err, ports.ErrBlobNotFound) {
		t.Fatalf("get before put: %v, want ErrBlobNotFound", err)
	}
	if err := s.Put(ctx, a, key, photo, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	data, ct, err := s.Get(ctx, a, key)
	if err != nil || !bytes.Equal(data, photo) || ct != "image/jpeg" {
		t.Fatalf("get: %d bytes, %q, %v; want the photo as image/jpeg", len(data), ct, err)
	}
	if _, _, err := s.Get(ctx, b, key); !errors.Is(err, ports.ErrBlobNotFound) {
		t.Fatalf("another tenant's get of the key: %v, want ErrBlobNotFound", err)
	}
	if err := s.Put(ctx, b, key, []byte("b's own"), "text/plain"); err != nil {
		t.Fatal(err)
	}
	if data, _, _ := s.Get(ctx, a, key); !bytes.Equal(data, photo) {
		t.Fatal("another tenant's put under the same key changed this tenant's blob")
	}
	if err := s.Put(ctx, a, key, []byte("replaced"), "image/png"); err != nil {
		t.Fatal(err)
	}
	if data, ct, _ := s.Get(ctx, a, key); string(data) != "replaced" || ct != "image/png" {
		t.Fatalf("after replacing: %q %q", data, ct)
	}
	if err := s.Delete(ctx, a, key); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(ctx, a, key); !errors.Is(err, ports.ErrBlobNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	if err := s.Delete(ctx, a, key); err != nil {
		t.Fatalf("deleting a missing blob: %v", err)
	}
	if data, _, _ := s.Get(ctx, b, key); string(data) != "b's own" {
		t.Fatal("deleting one tenant's blob deleted another's")
	}
	for _, bad := range []string{"", "../escape", "a/../../b", "/abs", "a//b", "UPPER", "a b", "receipts/./x"} {
		if err := s.Put(ctx, a, bad, photo, "image/jpeg"); !errors.Is(err, ports.ErrBlobKey) {
			t.Errorf("put %q: %v, want ErrBlobKey", bad, err)
		}
		if _, _, err := s.Get(ctx, a, bad); !errors.Is(err, ports.ErrBlobKey) {
			t.Errorf("get %q: %v, want ErrBlobKey", bad, err)
		}
	}
	if err := s.Put(ctx, tenants.ID{}, key, photo, "image/jpeg"); !errors.Is(err, ports.ErrBlobKey) {
		t.Errorf("put without a tenant: %v, want ErrBlobKey", err)
	}
}
